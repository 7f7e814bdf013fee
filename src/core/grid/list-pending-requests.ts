import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import type { ActionContext, PendingRequestView } from './types.js';
import { toPendingView } from './views.js';

/** grid_list_pending_requests: the account's pending issue and revoke requests, oldest first. */
export function listPendingRequests(
  deps: GridDeps,
  ctx: ActionContext,
): Promise<readonly PendingRequestView[]> {
  return audited(deps, ctx, AUDIT_EVENTS.listRequests, async () => {
    const rows = await deps.repo.listPendingRequests(ctx.principal.accountId);
    await deps.audit.record(success(ctx, AUDIT_EVENTS.listRequests, `Pending requests: ${rows.length}`));
    return rows.map(toPendingView);
  });
}
