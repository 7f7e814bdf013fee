import type { Kysely, Selectable } from 'kysely';
import type {
  TrustedRootRecord,
  TrustedRootRepository,
} from '../../core/analysis/trusted-root-repository.js';
import type { Database, TrustedRootsTable } from '../schema.js';

const root = (r: Selectable<TrustedRootsTable>): TrustedRootRecord => ({
  accountId: Number(r.account_id),
  certhash: r.certhash,
  der: new Uint8Array(r.der),
  subject: r.subject,
  notAfter: Number(r.not_after),
  created: Number(r.created),
});

export function createTrustedRootRepository(db: Kysely<Database>): TrustedRootRepository {
  return {
    async add(r) {
      // ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL 9.5+): two concurrent adds of one root keep one row
      // and neither fails.
      const result = await db
        .insertInto('trusted_roots')
        .values({
          account_id: r.accountId,
          certhash: r.certhash,
          der: Buffer.from(r.der.buffer, r.der.byteOffset, r.der.byteLength),
          subject: r.subject,
          not_after: r.notAfter,
          created: r.created,
        })
        .onConflict((oc) => oc.columns(['account_id', 'certhash']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('trusted_roots')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created')
        .orderBy('certhash')
        .execute();
      return rows.map(root);
    },
    async remove(accountId, certhash) {
      const r = await db
        .deleteFrom('trusted_roots')
        .where('account_id', '=', accountId)
        .where('certhash', '=', certhash)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
