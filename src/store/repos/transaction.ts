import type { Kysely, Transaction } from 'kysely';
import type { CertRequestsTable, Database } from '../schema.js';

/**
 * The database as the latest migration leaves it: schema.ts plus the columns later migrations add
 * (002: cert_requests.revocation_reason). Only the repositories see this type.
 */
export interface RepoDatabase extends Omit<Database, 'cert_requests'> {
  cert_requests: CertRequestsTable & { revocation_reason: string | null };
}

/** Views the store's handle with the migrated table types (same object, wider type). */
export const asRepoDb = (db: Kysely<Database>): Kysely<RepoDatabase> => db as unknown as Kysely<RepoDatabase>;

/** A Kysely handle that is either the database or an open transaction. */
export type Executor = Kysely<RepoDatabase> | Transaction<RepoDatabase>;

/**
 * Runs `fn` in one transaction (commit on return, rollback on throw). Inside `fn`, use only the
 * handle it receives: on SQLite there is a single connection, so touching the outer `db` would
 * wait for the transaction that is waiting for it.
 */
export function inTransaction<T>(
  db: Kysely<RepoDatabase>,
  fn: (trx: Transaction<RepoDatabase>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(fn);
}
