import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import type { ActionContext, LogEntry, LogFilter } from './types.js';

/**
 * grid_retrieve_logs: the account's audit log, newest first. Event names are matched
 * case-insensitively (the spec's own example filters on "Login"; events are stored lower-case).
 * The call is logged after the query, so it does not list itself.
 */
export function retrieveLogs(
  deps: GridDeps,
  ctx: ActionContext,
  filter: LogFilter,
): Promise<readonly LogEntry[]> {
  return audited(deps, ctx, AUDIT_EVENTS.retrieveLogs, async () => {
    const event = filter.event?.trim().toLowerCase();
    const entries = await deps.audit.query(ctx.principal.accountId, {
      ...filter,
      event: event === '' ? undefined : event,
    });
    await deps.audit.record(success(ctx, AUDIT_EVENTS.retrieveLogs, `Log entries: ${entries.length}`));
    return entries;
  });
}
