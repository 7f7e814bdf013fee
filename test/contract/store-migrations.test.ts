import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { dropPgSchema, migrateToLatest, openStore, type Store } from '../../src/store/db.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { pgEnabled, pgTestUrl, storeFactories, type StoreFactory } from '../helpers/stores.js';

/**
 * A fresh store migrated only up to `migration`: `seed` writes rows as they were then, `upgrade()` runs
 * the later migrations. The store (and its PostgreSQL schema) is dropped afterwards.
 */
async function atMigration(
  factory: StoreFactory,
  migration: string,
  test: (db: Store['db'], upgrade: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const schema = `t_mig_${randomBytes(4).toString('hex')}`;
  const raw =
    factory.name === 'postgres'
      ? await openStore({ databaseUrl: pgTestUrl, pgSchema: schema, poolSize: 1, migrate: false })
      : await openStore({ sqlitePath: ':memory:', migrate: false });
  try {
    const { db } = raw;
    const migrationTableSchema = factory.name === 'postgres' ? { migrationTableSchema: schema } : {};
    const result = await new Migrator({ db, provider: migrationProvider, ...migrationTableSchema }).migrateTo(
      migration,
    );
    expect(result.error).toBeUndefined();
    await test(db, () => migrateToLatest(db, factory.name === 'postgres' ? schema : undefined));
  } finally {
    await raw.close();
    if (factory.name === 'postgres') await dropPgSchema(pgTestUrl, schema);
  }
}

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
      'jwt_signing_keys',
      'enrollment_organizations',
      'enrollment_ev_approvers',
      'enrollment_orders',
      'trusted_roots',
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

describe.each(storeFactories)('migration 003 (CertView authentication) on $name', (factory) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('upgrading keeps existing accounts licensed for the API and gives existing users no permissions', async () => {
    await atMigration(factory, '002-revoke-requests', async (db, upgrade) => {
      const acc = await db
        .insertInto('accounts')
        .values({ name: 'acme', created_at: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('users')
        .values({
          account_id: acc.id,
          username: 'u',
          full_name: '',
          password_hash: null,
          role: 'Reader',
          created_at: 1,
        })
        .execute();
      await upgrade();
      expect(await db.selectFrom('accounts').select('certview_api_access').executeTakeFirstOrThrow()).toEqual(
        {
          certview_api_access: 1,
        },
      );
      expect(await db.selectFrom('users').select('permissions').executeTakeFirstOrThrow()).toEqual({
        permissions: '[]',
      });
    });
  });

  it('one signing key per generation and per kid; secrets read back as bytes', async () => {
    store = await factory.open();
    const { db } = store;
    const key = { kid: 'k1', generation: 1, secret: Buffer.alloc(32, 7), created_at: 1 };
    await db.insertInto('jwt_signing_keys').values(key).execute();
    await expect(
      db
        .insertInto('jwt_signing_keys')
        .values({ ...key, kid: 'k2' })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('jwt_signing_keys')
        .values({ ...key, generation: 2 })
        .execute(),
    ).rejects.toThrow();
    const row = await db.selectFrom('jwt_signing_keys').selectAll().executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(row.secret)).toBe(true);
    expect(row.secret.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

describe.each(storeFactories)('migration 008 (enrollment) on $name', (factory) => {
  it('upgrading leaves existing accounts without a licence limit; ids start DigiCert-like', async () => {
    await atMigration(factory, '007-scan-jobs', async (db, upgrade) => {
      const acc = await db
        .insertInto('accounts')
        .values({ name: 'acme', created_at: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await upgrade();
      expect(await db.selectFrom('accounts').select('order_licences').executeTakeFirstOrThrow()).toEqual({
        order_licences: null,
      });
      const org = await db
        .insertInto('enrollment_organizations')
        .values({ account_id: acc.id, name: 'Acme', assumed_name: null, country: 'US', created: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(org.id).toBe(500_001);
      const approver = await db
        .insertInto('enrollment_ev_approvers')
        .values({ account_id: acc.id, first_name: 'J', last_name: 'W', created: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(approver.id).toBe(1_500_001);
    });
  });
});

describe('store files and schemas', () => {
  it('the SQLite file is readable by its owner only (it holds encrypted CA keys and key hashes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certgrid-store-'));
    try {
      const store = await openStore({ sqlitePath: join(dir, 'certgrid.db') });
      await store.close();
      expect(statSync(join(dir, 'certgrid.db')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgEnabled)(
    'PostgreSQL migrations stay in their own schema while another is migrated',
    async () => {
      // Kysely looks for its migration tables in every schema unless told which: with a neighbour's
      // tables present it would skip creating its own and fail on the missing lock table.
      const a = `t_mig_a_${randomBytes(4).toString('hex')}`;
      const b = `t_mig_b_${randomBytes(4).toString('hex')}`;
      const first = await openStore({ databaseUrl: pgTestUrl, pgSchema: a, poolSize: 1 });
      try {
        const second = await openStore({ databaseUrl: pgTestUrl, pgSchema: b, poolSize: 1 });
        const tables = await second.db.introspection.getTables({ withInternalKyselyTables: true });
        expect(tables.filter((t) => t.schema === b).map((t) => t.name)).toEqual(
          expect.arrayContaining(['kysely_migration', 'kysely_migration_lock', 'orders']),
        );
        await second.close();
      } finally {
        await first.close();
        await dropPgSchema(pgTestUrl, a);
        await dropPgSchema(pgTestUrl, b);
      }
    },
  );
});
