import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { prepare } from '../../src/store/repos/prepared.js';
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
