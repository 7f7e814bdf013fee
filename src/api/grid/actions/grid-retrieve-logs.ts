import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { gridList } from '../envelope.js';
import { logRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_retrieve_logs: the account's activity log, newest first, with the spec's optional filters. */
export const gridRetrieveLogs: GridAction = {
  name: 'grid_retrieve_logs',
  event: AUDIT_EVENTS.retrieveLogs,
  read(p) {
    const filter = {
      dateStart: p.dateStart(),
      dateEnd: p.dateEnd(),
      eventUserId: p.id('event_user_id'),
      event: p.string('event'),
      status: p.oneOf('status', ['successful', 'failed'] as const),
      ipAddress: p.ipAddress(),
      origin: p.oneOf('origin', ['api', 'ui'] as const),
    };
    return async (grid, ctx) => {
      const logs = await grid.retrieveLogs(ctx, filter);
      return { logs: gridList('log', logs.map(logRecord)) };
    };
  },
};
