import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Roots an account adds to its own trust store (issue 4: trust paths per root store, "roots the account
 * adds"). Assessments of the account's endpoints judge chains against them as the `account` root store.
 * One row per (account, certhash): adding a root twice keeps one. `subject` and `not_after` are read
 * from the DER when it is added, for listings that do not parse every root.
 */
export const m009TrustedRoots: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const blob = isPostgres(db) ? 'bytea' : 'blob';
    await db.schema
      .createTable('trusted_roots')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('certhash', 'text', (c) => c.notNull())
      .addColumn('der', blob, (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      // The key is the uniqueness rule and the index every look-up (by account) uses.
      .addPrimaryKeyConstraint('trusted_roots_pk', ['account_id', 'certhash'])
      .execute();
  },
};
