import type { AccountView } from '../accounts/index.js';
import { CertgridError, notFound } from '../errors.js';
import type { GridDeps } from './deps.js';
import type { CertRequestRecord } from './repository.js';
import type { ActionContext } from './types.js';

/**
 * The checks shared by approve and reject, in order: the account allows API decisions (only for
 * calls through the API: the dashboard is where an account without them decides), the request
 * exists in this account, and it is still pending.
 */
export async function pendingRequestFor(
  deps: GridDeps,
  ctx: ActionContext,
  requestId: number,
): Promise<{ request: CertRequestRecord; account: AccountView }> {
  const account = await deps.accounts.getAccountById(ctx.principal.accountId);
  if (account === null) throw notFound('customer_name');
  if (ctx.origin === 'api' && !account.apiApprovals) {
    throw new CertgridError(
      'ACTION_NOT_ALLOWED',
      'Unable to process requests for the specified action through the API at this time.',
      { data: { reason: 'api_approvals' } },
    );
  }
  if (!Number.isSafeInteger(requestId) || requestId < 1) throw notFound('request_id');
  const request = await deps.repo.findRequest(ctx.principal.accountId, requestId);
  if (request === null) throw notFound('request_id');
  if (request.status !== 'pending') throw notPending();
  return { request, account };
}

export const notPending = (): CertgridError =>
  new CertgridError(
    'REQUEST_NOT_PENDING',
    'The specified request is unavailable, it may have already been rejected or approved.',
    { field: 'request_id' },
  );

/** With self_approval off, nobody approves their own request (four-eyes principle). */
export function checkSelfApproval(
  ctx: ActionContext,
  request: CertRequestRecord,
  account: AccountView,
): void {
  if (request.requesterUserId === ctx.principal.userId && !account.selfApproval) {
    throw new CertgridError('ACTION_NOT_ALLOWED', 'You may not approve a request you made yourself.', {
      data: { reason: 'self_approval' },
    });
  }
}
