import type { LogEntry, LogFilter, Origin } from '../grid/types.js';

/** One audit row as stored. */
export interface AuditRecord {
  readonly accountId: number | null;
  readonly userId: number | null;
  readonly userName: string;
  readonly ipAddress: string;
  readonly ipCountry: string;
  readonly status: 'successful' | 'failed';
  readonly event: string;
  readonly message: string;
  readonly origin: Origin;
  readonly createdAt: Date;
}

/** Declared here (the consumer), implemented in store/repos/audit-repository.ts. */
export interface AuditRepository {
  insert(record: AuditRecord): Promise<void>;
  /** Entries of one account matching every given filter, newest first, at most `limit`. */
  query(accountId: number, filter: LogFilter & { readonly limit: number }): Promise<LogEntry[]>;
}
