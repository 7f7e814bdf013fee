import { randomBytes } from 'node:crypto';
import { dropPgSchema, openStore, type Store } from '../../src/store/db.js';

/**
 * The store implementations every store-backed test runs against.
 * PostgreSQL runs when CERTGRID_TEST_PG (a postgres:// URL) is set, or by default against the
 * local test database; set CERTGRID_TEST_PG=off to skip it (it prints why).
 */
export const pgTestUrl = process.env.CERTGRID_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const pgEnabled = pgTestUrl !== 'off';

export interface StoreFactory {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

export const storeFactories: StoreFactory[] = [
  { name: 'sqlite', open: () => openStore({ sqlitePath: ':memory:' }) },
  ...(pgEnabled
    ? [
        {
          name: 'postgres' as const,
          async open(): Promise<Store> {
            const schema = `t_${randomBytes(6).toString('hex')}`;
            const store = await openStore({ databaseUrl: pgTestUrl, pgSchema: schema, poolSize: 4 });
            return {
              ...store,
              async close() {
                await store.close();
                await dropPgSchema(pgTestUrl, schema);
              },
            };
          },
        },
      ]
    : []),
];

if (!pgEnabled) console.warn('PostgreSQL store tests skipped: CERTGRID_TEST_PG=off');

/** Bare accounts rows (no users, no keys) for repository tests, by name; their ids in the same order. */
export async function insertAccounts(
  store: Store,
  names: readonly string[],
  createdAt: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const row = await store.db
      .insertInto('accounts')
      .values({ name, created_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(Number(row.id));
  }
  return ids;
}
