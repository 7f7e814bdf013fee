import type { Kysely, Selectable } from 'kysely';
import type { AuditRecord } from '../../core/audit/repository.js';
import { REVOCATION_REASONS, type RevocationReason } from '../../core/ca/types.js';
import { CertgridError } from '../../core/errors.js';
import type {
  CertRequestRecord,
  Decision,
  GridRepository,
  NewCertRequest,
  NewOrder,
  OrderRecord,
  RequestStatus,
} from '../../core/grid/repository.js';
import type { Database, OrdersTable } from '../schema.js';
import type { Dialect } from '../db.js';
import { auditValues, insertAudit } from './audit-repository.js';
import { isUniqueViolation } from './errors.js';
import { createGroupCommit } from './group-commit.js';
import { asRepoDb, inTransaction, type Executor, type RepoDatabase } from './transaction.js';

const notPending = (): CertgridError =>
  new CertgridError(
    'REQUEST_NOT_PENDING',
    'The specified request is unavailable, it may have already been rejected or approved.',
    {
      field: 'request_id',
    },
  );

const alreadyRevoked = (): CertgridError =>
  new CertgridError('CERT_REVOKED', 'The certificate has been revoked and is no longer available.');

const serialTaken = (): CertgridError =>
  new CertgridError('ALREADY_EXISTS', 'A certificate with this serial number already exists.', {
    field: 'serial',
  });

function parseReason(v: string | null): RevocationReason | null {
  return v !== null && Object.hasOwn(REVOCATION_REASONS, v) ? (v as RevocationReason) : null;
}

function parseNames(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

type RequestRow = Selectable<RepoDatabase['cert_requests']>;

function toRequest(r: Omit<RequestRow, 'csr_der'> & { csr_der?: Buffer | null }): CertRequestRecord {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    requestType: r.request_type === 'revoke' ? 'revoke' : 'issue',
    status: r.status as RequestStatus,
    requesterUserId: Number(r.requester_user_id),
    comments: r.comments,
    createdAt: new Date(Number(r.created_at)),
    decidedAt: r.decided_at === null ? null : new Date(Number(r.decided_at)),
    decidedByUserId: r.decided_by_user_id === null ? null : Number(r.decided_by_user_id),
    decisionComments: r.decision_comments,
    product: r.product,
    commonName: r.common_name,
    serviceName: r.service_name,
    sans: parseNames(r.sans),
    serverType: Number(r.server_type),
    orgUnit: r.org_unit,
    validityYears: Number(r.validity_years),
    signatureHash: r.signature_hash,
    csrDer: r.csr_der ?? null,
    orderId: r.order_id === null ? null : Number(r.order_id),
    revocationReason: parseReason(r.revocation_reason),
  };
}

function toOrder(r: Selectable<OrdersTable>): OrderRecord {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    kind: r.kind === 'client' ? 'client' : 'host',
    requestId: r.request_id === null ? null : Number(r.request_id),
    status: r.status === 'revoked' ? 'revoked' : 'issued',
    caId: r.ca_id,
    serialHex: r.serial_hex,
    certhash: r.certhash,
    certDer: r.cert_der,
    commonName: r.common_name,
    sans: parseNames(r.sans),
    serverType: Number(r.server_type),
    orgUnit: r.org_unit,
    validityYears: Number(r.validity_years),
    fullName: r.full_name,
    email: r.email,
    notBefore: new Date(Number(r.not_before)),
    notAfter: new Date(Number(r.not_after)),
    revokedAt: r.revoked_at === null ? null : new Date(Number(r.revoked_at)),
    revocationReason: parseReason(r.revocation_reason),
    requesterUserId: Number(r.requester_user_id),
    createdAt: new Date(Number(r.created_at)),
  };
}

const orderValues = (o: NewOrder) => ({
  account_id: o.accountId,
  kind: o.kind,
  request_id: o.requestId,
  status: 'issued',
  ca_id: o.caId,
  serial_hex: o.serialHex,
  certhash: o.certhash,
  cert_der: o.certDer,
  common_name: o.commonName,
  sans: JSON.stringify(o.sans),
  server_type: o.serverType,
  org_unit: o.orgUnit,
  validity_years: o.validityYears,
  full_name: o.fullName,
  email: o.email,
  not_before: o.notBefore.getTime(),
  not_after: o.notAfter.getTime(),
  revoked_at: null,
  revocation_reason: null,
  requester_user_id: o.requesterUserId,
  created_at: o.createdAt.getTime(),
});

/** Runs `fn`, turning a unique violation (orders.serial_hex is the only unique column besides the id) into ALREADY_EXISTS serial. */
async function guardSerial<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e)) throw serialTaken();
    throw e;
  }
}

async function insertOrderRow(db: Executor, o: NewOrder): Promise<number> {
  const row = await guardSerial(() =>
    db.insertInto('orders').values(orderValues(o)).returning('id').executeTakeFirstOrThrow(),
  );
  return Number(row.id);
}

interface OrderWrite {
  readonly order: NewOrder;
  readonly audit: AuditRecord;
}

/**
 * The issuance hot path (one client certificate = one order + one audit row), per dialect:
 * - PostgreSQL: one statement with data-modifying CTEs, atomic by itself (PostgreSQL manual,
 *   "Data-Modifying Statements in WITH"): one round trip instead of four (BEGIN, 2 × INSERT, COMMIT).
 * - SQLite: group commit (group-commit.ts); better-sqlite3 is synchronous, so the cost is per
 *   statement and per commit, not per round trip.
 */
function orderWriter(db: Kysely<RepoDatabase>, dialect: Dialect): (w: OrderWrite) => Promise<number> {
  const inOwnTransaction = (w: OrderWrite): Promise<number> =>
    inTransaction(db, async (trx) => {
      const id = await insertOrderRow(trx, w.order);
      await insertAudit(trx, w.audit);
      return id;
    });
  if (dialect === 'postgres') {
    return async (w) => {
      const row = await guardSerial(() =>
        db
          .with('o', (qb) => qb.insertInto('orders').values(orderValues(w.order)).returning('id'))
          .with('a', (qb) => qb.insertInto('audit_events').values(auditValues(w.audit)).returning('id'))
          .selectFrom(['o', 'a'])
          .select('o.id')
          .executeTakeFirstOrThrow(),
      );
      return Number(row.id);
    };
  }
  return createGroupCommit<OrderWrite, number>({
    single: inOwnTransaction,
    // Two multi-row statements per batch instead of two per certificate: Kysely compiles each statement,
    // and that compile was a visible share of an issuance. Ids come back by serial (unique), not by position.
    batch: (writes) =>
      inTransaction(db, async (trx) => {
        const rows = await trx
          .insertInto('orders')
          .values(writes.map((w) => orderValues(w.order)))
          .returning(['id', 'serial_hex'])
          .execute();
        await trx
          .insertInto('audit_events')
          .values(writes.map((w) => auditValues(w.audit)))
          .execute();
        const bySerial = new Map(rows.map((r) => [r.serial_hex, Number(r.id)]));
        return writes.map((w) => {
          const id = bySerial.get(w.order.serialHex);
          if (id === undefined) throw new Error('order insert returned no id for a serial');
          return id;
        });
      }),
  });
}

/** pending → approved/rejected, only if still pending; false when someone else decided first. */
async function decide(db: Executor, d: Decision, status: RequestStatus, orderId?: number): Promise<boolean> {
  const r = await db
    .updateTable('cert_requests')
    .set({
      status,
      decided_at: d.decidedAt.getTime(),
      decided_by_user_id: d.decidedByUserId,
      decision_comments: d.decisionComments,
      ...(orderId === undefined ? {} : { order_id: orderId }),
    })
    .where('id', '=', d.requestId)
    .where('account_id', '=', d.accountId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function revoke(
  db: Executor,
  accountId: number,
  orderId: number,
  revokedAt: Date,
  reason: RevocationReason,
): Promise<boolean> {
  const r = await db
    .updateTable('orders')
    .set({ status: 'revoked', revoked_at: revokedAt.getTime(), revocation_reason: reason })
    .where('id', '=', orderId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'issued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function createGridRepository(store: Kysely<Database>, dialect: Dialect): GridRepository {
  const db = asRepoDb(store);
  const writeOrder = orderWriter(db, dialect);

  const requestColumns = [
    'id',
    'account_id',
    'request_type',
    'status',
    'requester_user_id',
    'comments',
    'created_at',
    'decided_at',
    'decided_by_user_id',
    'decision_comments',
    'product',
    'common_name',
    'service_name',
    'sans',
    'server_type',
    'org_unit',
    'validity_years',
    'signature_hash',
    'order_id',
    'revocation_reason',
  ] as const;

  return {
    insertRequest: (req: NewCertRequest, audit: AuditRecord) =>
      inTransaction(db, async (trx) => {
        let id: number;
        try {
          const row = await trx
            .insertInto('cert_requests')
            .values({
              account_id: req.accountId,
              request_type: req.requestType,
              status: 'pending',
              requester_user_id: req.requesterUserId,
              comments: req.comments,
              created_at: req.createdAt.getTime(),
              decided_at: null,
              decided_by_user_id: null,
              decision_comments: null,
              product: req.product,
              common_name: req.commonName,
              service_name: req.serviceName,
              sans: JSON.stringify(req.sans),
              server_type: req.serverType,
              org_unit: req.orgUnit,
              validity_years: req.validityYears,
              signature_hash: req.signatureHash,
              csr_der: req.csrDer,
              order_id: req.orderId,
              revocation_reason: req.revocationReason,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          id = Number(row.id);
        } catch (e) {
          if (isUniqueViolation(e)) {
            throw new CertgridError(
              'ALREADY_EXISTS',
              'A revocation request for this order is already pending.',
              {
                field: 'order_id',
              },
            );
          }
          throw e;
        }
        await insertAudit(trx, audit);
        return id;
      }),

    async findRequest(accountId, requestId) {
      const r = await db
        .selectFrom('cert_requests')
        .selectAll()
        .where('id', '=', requestId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return r ? toRequest(r) : null;
    },

    async findPendingRevokeRequest(accountId, orderId) {
      const r = await db
        .selectFrom('cert_requests')
        .select('id')
        .where('account_id', '=', accountId)
        .where('order_id', '=', orderId)
        .where('request_type', '=', 'revoke')
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return r ? Number(r.id) : null;
    },

    async listPendingRequests(accountId) {
      const rows = await db
        .selectFrom('cert_requests')
        .select(requestColumns)
        .where('account_id', '=', accountId)
        .where('status', '=', 'pending')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((r) => toRequest(r));
    },

    async findOrder(accountId, kind, ref) {
      if (ref.id === undefined && ref.serialHex === undefined) return null;
      let q = db
        .selectFrom('orders')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('kind', '=', kind);
      if (ref.id !== undefined) q = q.where('id', '=', ref.id);
      if (ref.serialHex !== undefined) q = q.where('serial_hex', '=', ref.serialHex);
      const r = await q.executeTakeFirst();
      return r ? toOrder(r) : null;
    },

    insertOrder: (order, audit) => writeOrder({ order, audit }),

    approveIssueRequest: (d, order, audit) =>
      inTransaction(db, async (trx) => {
        const orderId = await insertOrderRow(trx, order);
        if (!(await decide(trx, d, 'approved', orderId))) throw notPending();
        await insertAudit(trx, audit);
        return orderId;
      }),

    approveRevokeRequest: (d, rev, audit) =>
      inTransaction(db, async (trx) => {
        if (!(await decide(trx, d, 'approved'))) throw notPending();
        if (!(await revoke(trx, d.accountId, rev.orderId, rev.revokedAt, rev.reason))) throw alreadyRevoked();
        await insertAudit(trx, audit);
      }),

    rejectRequest: (d, audit) =>
      inTransaction(db, async (trx) => {
        if (!(await decide(trx, d, 'rejected'))) throw notPending();
        await insertAudit(trx, audit);
      }),

    revokeOrder: (rev, audit) =>
      inTransaction(db, async (trx) => {
        if (!(await revoke(trx, rev.accountId, rev.orderId, rev.revokedAt, rev.reason)))
          throw alreadyRevoked();
        await insertAudit(trx, audit);
      }),
  };
}
