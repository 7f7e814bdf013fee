import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccounts,
  hasPermission,
  normalizePermission,
  type Accounts,
  type AccountsRepository,
} from '../../../src/core/accounts/index.js';
import {
  effectivePermissions,
  knownPermissions,
  normalizePermissions,
} from '../../../src/core/accounts/permissions.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import { openStore, type Store } from '../../../src/store/db.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { T0 } from '../../helpers/grid.js';
import { pgTestUrl, storeFactories } from '../../helpers/stores.js';

describe('permission names', () => {
  it.each(['CERTVIEW.API.ACCESS', 'certview.api.access', ' CertView.Api.Access '])(
    '%s is CERTVIEW.API.ACCESS',
    (s) => {
      expect(normalizePermission(s)).toBe('CERTVIEW.API.ACCESS');
    },
  );

  it('refuses unknown names, naming the field', () => {
    expect(() => normalizePermission('CERTVIEW.API')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'permission' }),
    );
    expect(() => normalizePermissions(['CERTVIEW.API.ACCESS,ADMIN'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'permissions' }),
    );
  });

  it('lists: comma-separated entries, blanks ignored, duplicates folded', () => {
    expect(normalizePermissions(['certview.api.access, CERTVIEW.API.ACCESS', ' ', ''])).toEqual([
      'CERTVIEW.API.ACCESS',
    ]);
    expect(normalizePermissions([])).toEqual([]);
  });

  it('stored lists keep only known names (a damaged row grants nothing)', () => {
    expect(knownPermissions(['EVERYTHING', 'CERTVIEW.API.ACCESS'])).toEqual(['CERTVIEW.API.ACCESS']);
    expect(knownPermissions(['certview.api.access'])).toEqual([]);
  });

  it('Super Users hold every permission implicitly; other roles only when granted', () => {
    expect(effectivePermissions('Super User', [])).toEqual(['CERTVIEW.API.ACCESS']);
    for (const role of ['Manager', 'PKI Admin', 'Approver', 'Reader']) {
      expect(hasPermission(role, [], 'CERTVIEW.API.ACCESS')).toBe(false);
      expect(hasPermission(role, ['CERTVIEW.API.ACCESS'], 'CERTVIEW.API.ACCESS')).toBe(true);
    }
  });
});

describe.each(storeFactories)('granting and revoking on $name', (factory) => {
  let store: Store;
  let repo: AccountsRepository;
  let accounts: Accounts;
  let customerName: string;
  let n = 0;
  const user = async (permissions?: string[]) => {
    const username = `perm${++n}`;
    const u = await accounts.createUser({
      customerName,
      username,
      password: 'long enough',
      role: 'Reader',
      permissions,
    });
    return { username, userId: u.userId, created: u };
  };
  const stored = async (userId: number) =>
    (
      await store.db
        .selectFrom('users')
        .select('permissions')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).permissions;

  beforeAll(async () => {
    store = await factory.open();
    repo = createRepositories(store.db, store.dialect).accounts;
    accounts = createAccounts({ repo, clock: fixedClock(T0), random: systemRandom });
    customerName = (await accounts.createCustomer('perms')).customerName;
  });
  afterAll(async () => {
    await store.close();
  });

  it('a new user has none unless created with some, stored as a JSON list', async () => {
    const plain = await user();
    expect(plain.created.permissions).toEqual([]);
    expect(await stored(plain.userId)).toBe('[]');
    const granted = await user(['certview.api.access']);
    expect(granted.created.permissions).toEqual(['CERTVIEW.API.ACCESS']);
    expect(await stored(granted.userId)).toBe('["CERTVIEW.API.ACCESS"]');
    expect((await repo.findUserByUsername(granted.username))?.permissions).toEqual(['CERTVIEW.API.ACCESS']);
    await expectCode(
      accounts.createUser({
        customerName,
        username: 'bad-perm',
        password: 'long enough',
        role: 'Reader',
        permissions: ['ROOT'],
      }),
      'INVALID_ARGUMENT',
      'permissions',
    );
  });

  it('grant and revoke are idempotent and report the result', async () => {
    const u = await user();
    const once = await accounts.grantPermission({ username: u.username, permission: 'certview.api.access' });
    expect(once).toEqual({ username: u.username, role: 'Reader', permissions: ['CERTVIEW.API.ACCESS'] });
    expect(
      await accounts.grantPermission({ username: u.username, permission: 'CERTVIEW.API.ACCESS' }),
    ).toEqual(once);
    expect(await stored(u.userId)).toBe('["CERTVIEW.API.ACCESS"]');
    const revoked = await accounts.revokePermission({
      username: u.username,
      permission: 'CERTVIEW.API.ACCESS',
    });
    expect(revoked.permissions).toEqual([]);
    expect(
      (await accounts.revokePermission({ username: u.username, permission: 'CERTVIEW.API.ACCESS' }))
        .permissions,
    ).toEqual([]);
    expect(await stored(u.userId)).toBe('[]');
  });

  it('refuses an unknown user or permission', async () => {
    await expectCode(
      accounts.grantPermission({ username: 'nobody', permission: 'CERTVIEW.API.ACCESS' }),
      'NOT_FOUND',
      'username',
    );
    const u = await user();
    await expectCode(
      accounts.revokePermission({ username: u.username, permission: 'ALL' }),
      'INVALID_ARGUMENT',
      'permission',
    );
  });

  it('a change made by another node between read and write is not lost (compare-and-set)', async () => {
    // One connection, so statements run in the order issued and the interleaving below is certain.
    const single = await oneConnection(store);
    try {
      const singleRepo = createRepositories(single.db, single.dialect).accounts;
      const v = await user();
      let calls = 0;
      const after = await singleRepo.updateUserPermissions(v.userId, (current) => {
        calls++;
        // Another API node writes after this update read the row and before it writes.
        if (calls === 1) {
          void single.db
            .updateTable('users')
            .set({ permissions: '["OTHER.NODE"]' })
            .where('id', '=', v.userId)
            .execute();
        }
        return [...current, 'CERTVIEW.API.ACCESS'];
      });
      expect(calls).toBe(2);
      expect(after).toEqual(['OTHER.NODE', 'CERTVIEW.API.ACCESS']);
      expect(await stored(v.userId)).toBe('["OTHER.NODE","CERTVIEW.API.ACCESS"]');
    } finally {
      if (single !== store) await single.close();
    }
  });
});

/** The store itself on SQLite (one connection already); on PostgreSQL a pool of one on the same schema. */
async function oneConnection(store: Store): Promise<Store> {
  if (store.dialect === 'sqlite') return store;
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(store.db);
  return openStore({ databaseUrl: pgTestUrl, pgSchema: rows[0]?.s, poolSize: 1, migrate: false });
}
