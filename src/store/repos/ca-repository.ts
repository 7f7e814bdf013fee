import type { Kysely } from 'kysely';
import type {
  CaRecord,
  CaRepository,
  CrlRecord,
  KnownCertStatus,
} from '../../core/ca/authority-repository.js';
import { REVOCATION_REASONS, type RevocationReason, type RevokedEntry } from '../../core/ca/types.js';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './errors.js';
import { asRepoDb, inTransaction } from './transaction.js';

const reasonOf = (v: string | null): RevocationReason =>
  v !== null && Object.hasOwn(REVOCATION_REASONS, v) ? (v as RevocationReason) : 'unspecified';

export function createCaRepository(store: Kysely<Database>): CaRepository {
  const db = asRepoDb(store);
  return {
    async listCas() {
      const rows = await db.selectFrom('cas').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((r): CaRecord => ({
        id: r.id,
        role: r.role === 'root' ? 'root' : 'intermediate',
        parentId: r.parent_id,
        certDer: r.cert_der,
        keyPem: r.key_pem,
        keyType: r.key_type,
        certhash: r.certhash,
        serialHex: r.serial_hex,
        subject: r.subject,
        notBefore: new Date(Number(r.not_before)),
        notAfter: new Date(Number(r.not_after)),
        active: Number(r.active) !== 0,
        createdAt: new Date(Number(r.created_at)),
      }));
    },

    async insertHierarchy(cas, crls) {
      try {
        return await inTransaction(db, async (trx) => {
          const existing = await trx.selectFrom('cas').select('id').limit(1).executeTakeFirst();
          if (existing) return false;
          // Parents first: a CA row's parent must exist for the hierarchy to make sense when read back.
          for (const c of cas) {
            await trx
              .insertInto('cas')
              .values({
                id: c.id,
                role: c.role,
                parent_id: c.parentId,
                cert_der: c.certDer,
                key_pem: c.keyPem,
                key_type: c.keyType,
                certhash: c.certhash,
                serial_hex: c.serialHex,
                subject: c.subject,
                not_before: c.notBefore.getTime(),
                not_after: c.notAfter.getTime(),
                active: c.active ? 1 : 0,
                created_at: c.createdAt.getTime(),
              })
              .execute();
          }
          for (const crl of crls) {
            await trx
              .insertInto('crls')
              .values({
                ca_id: crl.caId,
                crl_number: crl.crlNumber,
                der: crl.der,
                this_update: crl.thisUpdate.getTime(),
                next_update: crl.nextUpdate.getTime(),
              })
              .execute();
          }
          return true;
        });
      } catch (e) {
        // Two nodes initialising at once: the loser's insert hits the primary key; theirs stands.
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },

    async getCrl(caId) {
      const r = await db.selectFrom('crls').selectAll().where('ca_id', '=', caId).executeTakeFirst();
      if (!r) return null;
      return {
        caId: r.ca_id,
        crlNumber: Number(r.crl_number),
        der: r.der,
        thisUpdate: new Date(Number(r.this_update)),
        nextUpdate: new Date(Number(r.next_update)),
      } satisfies CrlRecord;
    },

    async saveCrl(crl) {
      const values = {
        ca_id: crl.caId,
        crl_number: crl.crlNumber,
        der: crl.der,
        this_update: crl.thisUpdate.getTime(),
        next_update: crl.nextUpdate.getTime(),
      };
      const r = await db
        .insertInto('crls')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('ca_id')
            .doUpdateSet({
              crl_number: (eb) => eb.ref('excluded.crl_number'),
              der: (eb) => eb.ref('excluded.der'),
              this_update: (eb) => eb.ref('excluded.this_update'),
              next_update: (eb) => eb.ref('excluded.next_update'),
            })
            .where('crls.crl_number', '<', crl.crlNumber),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async listRevoked(caId) {
      const rows = await db
        .selectFrom('orders')
        .select(['serial_hex', 'revoked_at', 'revocation_reason'])
        .where('ca_id', '=', caId)
        .where('status', '=', 'revoked')
        .orderBy('revoked_at')
        .orderBy('id')
        .execute();
      return rows.map((r): RevokedEntry => ({
        serialHex: r.serial_hex,
        revokedAt: new Date(Number(r.revoked_at ?? 0)),
        reason: reasonOf(r.revocation_reason),
      }));
    },

    async findStatuses(serials) {
      const out = new Map<string, KnownCertStatus>();
      if (serials.length === 0) return out;
      const rows = await db
        .selectFrom('orders')
        .select(['serial_hex', 'ca_id', 'status', 'revoked_at', 'revocation_reason'])
        .where('serial_hex', 'in', [...serials])
        .execute();
      for (const r of rows) {
        out.set(
          r.serial_hex,
          r.status === 'revoked'
            ? {
                status: 'revoked',
                revokedAt: new Date(Number(r.revoked_at ?? 0)),
                reason: reasonOf(r.revocation_reason),
                caId: r.ca_id,
              }
            : { status: 'good', caId: r.ca_id },
        );
      }
      return out;
    },
  };
}
