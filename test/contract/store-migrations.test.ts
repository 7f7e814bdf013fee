import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import { storeFactories } from '../helpers/stores.js';

describe.each(storeFactories)('store migrations on $name', (factory) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('creates every table and is idempotent when run again', async () => {
    store = await factory.open();
    await migrateToLatest(store.db);
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    for (const t of [
      'accounts',
      'users',
      'api_keys',
      'cas',
      'crls',
      'orders',
      'cert_requests',
      'audit_events',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('enforces serial uniqueness in the database', async () => {
    store = await factory.open();
    const { db } = store;
    const acc = await db
      .insertInto('accounts')
      .values({ name: 'acme', api_approvals: 1, self_approval: 1, created_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('cas')
      .values({
        id: 'issuing-1',
        role: 'intermediate',
        parent_id: null,
        cert_der: Buffer.from([1]),
        key_pem: 'x',
        key_type: 'p256',
        certhash: 'h',
        serial_hex: '01',
        subject: 's',
        not_before: 0,
        not_after: 1,
        active: 1,
        created_at: 0,
      })
      .execute();
    const order = {
      account_id: acc.id,
      kind: 'client',
      request_id: null,
      status: 'issued',
      ca_id: 'issuing-1',
      serial_hex: 'ABCD',
      certhash: 'c',
      cert_der: Buffer.from([2, 3]),
      not_before: 0,
      not_after: 1_700_000_000_000,
      requester_user_id: 1,
      created_at: 0,
    };
    await db.insertInto('orders').values(order).execute();
    await expect(db.insertInto('orders').values(order).execute()).rejects.toThrow();
    const row = await db.selectFrom('orders').selectAll().executeTakeFirstOrThrow();
    expect(row.not_after).toBe(1_700_000_000_000);
    expect(Buffer.isBuffer(row.cert_der)).toBe(true);
    expect([...row.cert_der]).toEqual([2, 3]);
  });
});
