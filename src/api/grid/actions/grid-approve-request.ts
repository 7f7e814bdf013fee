import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { formatOrderId } from '../format.js';
import type { GridAction } from './action.js';

/** The spec's message, two spaces included. */
export const APPROVED_ISSUE = 'The request has been approved.  An approved order has been created.';
/** The spec words no message for an approved revocation; this one says what happened. */
export const APPROVED_REVOKE = 'The request has been approved.  The certificate has been revoked.';

/** grid_approve_request: approve a pending issue or revoke request; returns the order_id. */
export const gridApproveRequest: GridAction = {
  name: 'grid_approve_request',
  event: AUDIT_EVENTS.approveRequest,
  read(p) {
    const requestId = p.requiredId('request_id');
    const comments = p.string('comments', 'comment');
    return async (grid, ctx) => {
      const r = await grid.approveRequest(ctx, { requestId, comments });
      return {
        order_id: formatOrderId(r.orderId),
        success_message: r.requestType === 'revoke' ? APPROVED_REVOKE : APPROVED_ISSUE,
      };
    };
  },
};
