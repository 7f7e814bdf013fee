import { sql, type Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { insertTemplate, prepare } from '../../src/store/repos/prepared.js';
import type { Database } from '../../src/store/schema.js';
import { storeFactories } from '../helpers/stores.js';

describe.each(storeFactories)('prepared queries on $name', (factory) => {
  let store: Store;
  beforeAll(async () => {
    store = await factory.open();
    await store.db
      .insertInto('accounts')
      .values([
        { name: 'alpha', api_approvals: 0, self_approval: 0, created_at: 1 },
        { name: 'beta', api_approvals: 1, self_approval: 0, created_at: 2 },
      ])
      .execute();
  });
  afterAll(() => store.close());

  it('binds fresh values on every call, with the schema plugin applied', async () => {
    const byName = prepare(
      store.db,
      (name: string, minCreated: number) =>
        store.db
          .selectFrom('accounts')
          .select(['name', 'api_approvals'])
          .where('name', '=', name)
          .where('created_at', '>=', minCreated),
      ['', 0],
    );
    expect(await byName('alpha', 0)).toEqual([{ name: 'alpha', api_approvals: 0 }]);
    expect(await byName('beta', 0)).toEqual([{ name: 'beta', api_approvals: 1 }]);
    expect(await byName('alpha', 2)).toEqual([]);
    expect(await byName("alpha' OR '1'='1", 0)).toEqual([]);
  });

  it('refuses a query whose bound values do not match its placeholders', () => {
    expect(() =>
      prepare(
        store.db,
        (name: string) => store.db.selectFrom('accounts').select('name').where('name', '=', name).limit(5),
        [''],
      ),
    ).toThrow(/binds 2 values, expected 1/);
  });
});

type Account = Insertable<Database['accounts']>;
// One template for every store, as the repositories hold theirs: its SQL must be kept per dialect.
const insertAccounts = insertTemplate((db, rows: readonly Account[]) =>
  db
    .insertInto('accounts')
    .values(rows as Account[])
    .returning(['name', 'api_approvals']),
);

describe.each(storeFactories)('insert templates on $name', (factory) => {
  let store: Store;
  beforeAll(async () => {
    store = await factory.open();
  });
  afterAll(() => store.close());

  const row = (name: string, approvals = 0): Account => ({
    name,
    api_approvals: approvals,
    self_approval: 0,
    created_at: 1,
  });

  it('re-runs the SQL compiled for a row count with the new rows’ values', async () => {
    expect(await insertAccounts(store.db, [row(`${factory.name}-a`), row(`${factory.name}-b`, 1)])).toEqual([
      { name: `${factory.name}-a`, api_approvals: 0 },
      { name: `${factory.name}-b`, api_approvals: 1 },
    ]);
    expect(
      await insertAccounts(store.db, [row(`${factory.name}-c`, 1), row("x'); drop table accounts; --")]),
    ).toEqual([
      { name: `${factory.name}-c`, api_approvals: 1 },
      { name: "x'); drop table accounts; --", api_approvals: 0 },
    ]);
  });

  it('binds by column name when a row lists its columns in another order', async () => {
    const { name, created_at, self_approval, api_approvals } = row(`${factory.name}-d`, 1);
    await insertAccounts(store.db, [row(`${factory.name}-e`)]);
    expect(await insertAccounts(store.db, [{ api_approvals, self_approval, created_at, name }])).toEqual([
      { name: `${factory.name}-d`, api_approvals: 1 },
    ]);
  });

  it('runs rows holding SQL expressions as Kysely compiles them, every time', async () => {
    const computed = (n: string): Account => ({
      ...row(n),
      api_approvals: sql<number>`1 + 1` as unknown as number,
    });
    for (const n of ['f', 'g']) {
      expect(
        await insertAccounts(store.db, [computed(`${factory.name}-${n}`), row(`${factory.name}-${n}2`)]),
      ).toEqual([
        { name: `${factory.name}-${n}`, api_approvals: 2 },
        { name: `${factory.name}-${n}2`, api_approvals: 0 },
      ]);
    }
  });
});
