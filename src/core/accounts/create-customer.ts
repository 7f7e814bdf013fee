import type { AccountsDeps } from './deps.js';
import { hashApiKey, newApiKey } from './secrets.js';
import { checkCustomerName, checkFullName } from './validate.js';

export interface CreateCustomerOptions {
  /** Allow approving and rejecting requests through the API (default true). */
  readonly apiApprovals?: boolean | undefined;
  /** Allow a requester to approve their own requests (default true). */
  readonly selfApproval?: boolean | undefined;
  /** Display name of the API user (default: none, the user name is shown). */
  readonly apiUserFullName?: string | undefined;
}

export interface CreatedCustomer {
  readonly customerName: string;
  /** Shown once: only its SHA-256 is stored. */
  readonly apiKey: string;
  readonly accountId: number;
  readonly userId: number;
}

/**
 * Creates an account (the Grid `customer_name`), its API user `<name>-api` with the Manager
 * role, and an API key for that user.
 * @throws CertgridError INVALID_ARGUMENT field `customer_name`; ALREADY_EXISTS field
 *   `customer_name` (or `username` when `<name>-api` is already someone's user name).
 */
export async function createCustomer(
  deps: AccountsDeps,
  name: string,
  opts: CreateCustomerOptions = {},
): Promise<CreatedCustomer> {
  const customerName = checkCustomerName(name);
  const apiKey = newApiKey(deps.random);
  const now = deps.clock.now();
  const { accountId, userId } = await deps.repo.createAccount({
    name: customerName,
    apiApprovals: opts.apiApprovals ?? true,
    selfApproval: opts.selfApproval ?? true,
    createdAt: now,
    user: {
      username: `${customerName}-api`,
      fullName: checkFullName(opts.apiUserFullName),
      passwordHash: null,
      role: 'Manager',
      createdAt: now,
    },
    keyHash: hashApiKey(apiKey),
  });
  return { customerName, apiKey, accountId, userId };
}
