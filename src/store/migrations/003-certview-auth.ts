import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * CertView authentication:
 * - `accounts.certview_api_access`: the account's licence for the CertView API (spec Appendix A,
 *   code 2012 when off). On by default, so existing accounts keep working.
 * - `users.permissions`: JSON list of granted permissions (`CERTVIEW.API.ACCESS`); Super Users hold
 *   them implicitly.
 * - `jwt_signing_keys`: HS256 secrets shared by every API node and worker. The newest `generation`
 *   signs; every stored key verifies the tokens it signed (`kid`). `generation` is unique so two
 *   processes creating the first key at once end with one: the loser re-reads the winner's.
 */
export const m003CertviewAuth: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const blob = isPostgres(db) ? 'bytea' : 'blob';
    await db.schema
      .alterTable('accounts')
      .addColumn('certview_api_access', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .createTable('jwt_signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('generation', 'integer', (c) => c.notNull().unique())
      .addColumn('secret', blob, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
