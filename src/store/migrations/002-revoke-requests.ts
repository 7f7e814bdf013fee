import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Revocation requests (grid_request_host_revoke):
 * - `cert_requests.revocation_reason`: the RFC 5280 reason asked for, applied when the request is
 *   approved (null: `unspecified`).
 * - At most one pending revocation request per order, enforced by a partial unique index so two
 *   API nodes cannot both queue one (same syntax on SQLite ≥ 3.8 and PostgreSQL).
 */
export const m002RevokeRequests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('cert_requests').addColumn('revocation_reason', 'text').execute();
    await sql`create unique index cert_requests_one_pending_revoke on cert_requests (order_id) where request_type = 'revoke' and status = 'pending'`.execute(
      db,
    );
  },
};
