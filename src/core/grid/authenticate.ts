import { AUDIT_EVENTS } from '../audit/index.js';
import { CertgridError } from '../errors.js';
import { eventFor } from './audited.js';
import type { GridDeps } from './deps.js';
import type { CallerInfo, Principal } from './types.js';

/**
 * Resolves customer_name + customer_api_key. A failure is audited as a failed `login` in the
 * named account's log when that account exists (so its owners see attempts against it), never
 * with the key in the message. Successful authentications are not logged: every API call
 * authenticates, and its own event already names the user.
 */
export async function authenticate(
  deps: GridDeps,
  customerName: string,
  apiKey: string,
  caller: CallerInfo,
): Promise<Principal> {
  const principal = await deps.accounts.authenticateApiKey(customerName, apiKey);
  if (principal !== null) return principal;
  const account =
    typeof customerName === 'string' && customerName !== ''
      ? await deps.accounts.getAccount(customerName)
      : null;
  await deps.audit.record({
    ...eventFor(caller, null, AUDIT_EVENTS.login, 'failed', 'Invalid customer name or API key.'),
    accountId: account?.id ?? null,
  });
  throw new CertgridError('AUTH_FAILED', 'The customer name or API key is not valid.');
}

/** Audits a call that failed before reaching a use case (bad parameters, unknown action). */
export async function recordFailure(
  deps: GridDeps,
  caller: CallerInfo,
  principal: Principal | null,
  event: string,
  message: string,
): Promise<void> {
  await deps.audit.record(eventFor(caller, principal, event, 'failed', message));
}
