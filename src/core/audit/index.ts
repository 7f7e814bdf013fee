/**
 * The append-only audit log every use case writes to (DESIGN.md: audit/).
 *
 * @example
 *   const audit = createAuditLog({ repo: repos.audit, clock: systemClock });
 *   await audit.record({ accountId, userId, userName, ip, status: 'successful', event: 'login', message: '', origin: 'api' });
 */
import type { Clock } from '../deps.js';
import { CertgridError } from '../errors.js';
import type { LogEntry, LogFilter, Origin } from '../grid/types.js';
import type { AuditRecord, AuditRepository } from './repository.js';

export { AUDIT_EVENTS, type AuditEventName } from './events.js';
export type { AuditRecord, AuditRepository } from './repository.js';

export interface AuditEvent {
  readonly accountId: number | null;
  readonly userId: number | null;
  readonly userName: string;
  readonly ip: string;
  readonly status: 'successful' | 'failed';
  readonly event: string;
  readonly message: string;
  readonly origin: Origin;
}

export const DEFAULT_LOG_LIMIT = 1000;
/** Upper bound on one query, whatever the caller asks: the log is unbounded, responses are not. */
export const MAX_LOG_LIMIT = 10_000;

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /**
   * The row `record` would write, stamped now. For use cases that write the event inside their
   * own transaction (so the state change and its audit row commit together).
   */
  toRecord(event: AuditEvent): AuditRecord;
  /** An account's entries, newest first; `limit` defaults to 1000 (capped at 10,000). */
  query(accountId: number, filter?: LogFilter): Promise<LogEntry[]>;
}

export function createAuditLog(deps: { readonly repo: AuditRepository; readonly clock: Clock }): AuditLog {
  const toRecord = (e: AuditEvent): AuditRecord => ({
    accountId: e.accountId,
    userId: e.userId,
    userName: e.userName,
    ipAddress: e.ip,
    // No GeoIP database ships with certgrid, so the country is always empty (the spec allows it: "if available").
    ipCountry: '',
    status: e.status,
    event: e.event,
    message: e.message,
    origin: e.origin,
    createdAt: deps.clock.now(),
  });
  return {
    toRecord,
    record: (e) => deps.repo.insert(toRecord(e)),
    query: (accountId, filter = {}) => {
      const requested = filter.limit ?? DEFAULT_LOG_LIMIT;
      const limit =
        Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_LOG_LIMIT) : DEFAULT_LOG_LIMIT;
      return deps.repo.query(accountId, { ...filter, limit });
    },
  };
}

/**
 * Runs a use case; when it fails, records the failed event `failed(message)` carrying the error's message
 * (coded errors only; anything else is recorded without detail) and rethrows. A failing audit write must
 * not hide the error the caller needs to see.
 */
export async function auditingFailures<T>(
  audit: Pick<AuditLog, 'record'>,
  failed: (message: string) => AuditEvent,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const message = CertgridError.is(e) ? e.message : 'An internal error occurred.';
    await audit.record(failed(message)).catch(() => undefined);
    throw e;
  }
}
