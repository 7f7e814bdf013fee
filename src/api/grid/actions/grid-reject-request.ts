import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import type { GridAction } from './action.js';

/** grid_reject_request: reject a pending request; `comments` is required for rejections. */
export const gridRejectRequest: GridAction = {
  name: 'grid_reject_request',
  event: AUDIT_EVENTS.rejectRequest,
  read(p) {
    const requestId = p.requiredId('request_id');
    const comments = p.requiredString('comments', 'comment');
    return async (grid, ctx) => {
      const { commonName } = await grid.rejectRequest(ctx, { requestId, comments });
      return { success_message: `Rejected certificate request for ${commonName}` };
    };
  },
};
