import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** The database as the latest migration leaves it (schema.ts tracks every migration). */
export type RepoDatabase = Database;

/** Kept so call sites read the same; the handle needs no widening now that schema.ts has every column. */
export const asRepoDb = (db: Kysely<Database>): Kysely<RepoDatabase> => db;

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
