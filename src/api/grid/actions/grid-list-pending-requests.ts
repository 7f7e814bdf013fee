import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { gridList } from '../envelope.js';
import { pendingRequestRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_list_pending_requests: the account's requests awaiting approval (no parameters). */
export const gridListPendingRequests: GridAction = {
  name: 'grid_list_pending_requests',
  event: AUDIT_EVENTS.listRequests,
  read() {
    return async (grid, ctx) => {
      const requests = await grid.listPendingRequests(ctx);
      return { requests: gridList('request', requests.map(pendingRequestRecord)) };
    };
  },
};
