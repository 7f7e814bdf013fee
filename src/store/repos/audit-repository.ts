import type { Kysely } from 'kysely';
import type { AuditRecord, AuditRepository } from '../../core/audit/repository.js';
import type { LogEntry } from '../../core/grid/types.js';
import type { Database } from '../schema.js';
import { asRepoDb, type Executor } from './transaction.js';

/** The row for an audit record (shared with the grid repository's transactions). */
export const auditValues = (r: AuditRecord) => ({
  account_id: r.accountId,
  user_id: r.userId,
  user_name: r.userName,
  ip_address: r.ipAddress,
  ip_country: r.ipCountry,
  status: r.status,
  event: r.event,
  message: r.message,
  origin: r.origin,
  created_at: r.createdAt.getTime(),
});

/** Shared by the audit repository and the grid repository's transactions. */
export async function insertAudit(db: Executor, r: AuditRecord): Promise<void> {
  await db.insertInto('audit_events').values(auditValues(r)).execute();
}

export function createAuditRepository(store: Kysely<Database>): AuditRepository {
  const db = asRepoDb(store);
  return {
    insert: (r) => insertAudit(db, r),

    async query(accountId, f) {
      let q = db
        .selectFrom('audit_events')
        .select([
          'created_at',
          'user_id',
          'user_name',
          'ip_address',
          'ip_country',
          'status',
          'event',
          'message',
        ])
        .where('account_id', '=', accountId);
      if (f.dateStart !== undefined) q = q.where('created_at', '>=', f.dateStart.getTime());
      if (f.dateEnd !== undefined) q = q.where('created_at', '<', f.dateEnd.getTime());
      if (f.eventUserId !== undefined) q = q.where('user_id', '=', f.eventUserId);
      if (f.event !== undefined) q = q.where('event', '=', f.event);
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.ipAddress !== undefined) q = q.where('ip_address', '=', f.ipAddress);
      if (f.origin !== undefined) q = q.where('origin', '=', f.origin);
      // id breaks ties between events recorded in the same millisecond, keeping newest first exact.
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      return rows.map((r): LogEntry => ({
        dateTime: new Date(Number(r.created_at)),
        userId: r.user_id === null ? null : Number(r.user_id),
        userName: r.user_name,
        ipAddress: r.ip_address,
        ipCountry: r.ip_country,
        status: r.status === 'failed' ? 'failed' : 'successful',
        event: r.event,
        message: r.message,
      }));
    },
  };
}
