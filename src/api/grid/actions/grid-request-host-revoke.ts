import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import type { GridAction } from './action.js';

/** grid_request_host_revoke: queue the revocation of an issued host certificate (order_id or serial). */
export const gridRequestHostRevoke: GridAction = {
  name: 'grid_request_host_revoke',
  event: AUDIT_EVENTS.revokeRequest,
  read(p) {
    const ref = p.ref('order_id', 'id');
    const comments = p.string('comments', 'comment');
    const reason = p.reason();
    return async (grid, ctx) => {
      const { requestId } = await grid.requestHostRevoke(ctx, {
        orderId: ref.id,
        serial: ref.serial,
        comments,
        reason,
      });
      return { request_id: requestId };
    };
  },
};
