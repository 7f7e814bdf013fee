import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts, normalizeRole, type Accounts } from '../../../src/core/accounts/index.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import type { Store } from '../../../src/store/db.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { T0 } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

describe('roles', () => {
  it.each([
    ['Super User', 'Super User'],
    ['super_user', 'Super User'],
    ['SUPER-USER', 'Super User'],
    ['pki-admin', 'PKI Admin'],
    ['pki_admin', 'PKI Admin'],
    ['manager', 'Manager'],
    [' Approver ', 'Approver'],
    ['reader', 'Reader'],
  ])('%s → %s', (input, role) => {
    expect(normalizeRole(input)).toBe(role);
  });

  it('refuses unknown roles', () => {
    expect(() => normalizeRole('admin')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'role' }),
    );
  });
});

describe.each(storeFactories)('accounts on $name', (factory) => {
  let store: Store;
  let accounts: Accounts;
  let n = 0;
  const name = () => `acme${++n}`;
  beforeAll(async () => {
    store = await factory.open();
    accounts = createAccounts({
      repo: createRepositories(store.db, store.dialect).accounts,
      clock: fixedClock(T0),
      random: systemRandom,
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('creates a customer with an API user and a key shown once, stored only as its SHA-256', async () => {
    const c = await accounts.createCustomer(name(), { selfApproval: false });
    expect(c.apiKey).toMatch(/^[0-9a-f]{64}$/);
    const keys = await store.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('account_id', '=', c.accountId)
      .execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[0]?.key_hash).not.toBe(c.apiKey);
    const user = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', c.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ username: `${c.customerName}-api`, role: 'Manager', password_hash: null });
    expect(await accounts.getAccount(c.customerName)).toEqual({
      id: c.accountId,
      name: c.customerName,
      apiApprovals: true,
      selfApproval: false,
      createdAt: T0,
      certviewApiAccess: true,
    });
    expect(await accounts.authenticateApiKey(c.customerName, c.apiKey)).toEqual({
      accountId: c.accountId,
      accountName: c.customerName,
      userId: c.userId,
      userName: `${c.customerName}-api`,
    });
  });

  it('refuses bad and duplicate customer names', async () => {
    for (const bad of ['', '-lead', 'with space', 'x'.repeat(65), 'semi;colon']) {
      await expectCode(
        accounts.createCustomer(bad),
        bad === '' ? 'MISSING_ARGUMENT' : 'INVALID_ARGUMENT',
        'customer_name',
      );
    }
    const c = await accounts.createCustomer('001007');
    expect(c.customerName).toBe('001007');
    await expectCode(accounts.createCustomer('001007'), 'ALREADY_EXISTS', 'customer_name');
  });

  it('does not authenticate a wrong key, a key of another account, or an empty key', async () => {
    const a = await accounts.createCustomer(name());
    const b = await accounts.createCustomer(name());
    expect(await accounts.authenticateApiKey(a.customerName, b.apiKey)).toBeNull();
    expect(
      await accounts.authenticateApiKey(
        a.customerName,
        a.apiKey.replace(/.$/, (ch) => (ch === '0' ? '1' : '0')),
      ),
    ).toBeNull();
    expect(await accounts.authenticateApiKey(a.customerName, '')).toBeNull();
    expect(await accounts.authenticateApiKey('unknown', a.apiKey)).toBeNull();
    // A revoked key stops working.
    await store.db
      .updateTable('api_keys')
      .set({ revoked_at: 1 })
      .where('account_id', '=', a.accountId)
      .execute();
    expect(await accounts.authenticateApiKey(a.customerName, a.apiKey)).toBeNull();
  });

  it('creates users with scrypt passwords and more API keys', async () => {
    const a = await accounts.createCustomer(name());
    const u = await accounts.createUser({
      customerName: a.customerName,
      username: `alice@${a.customerName}.example`,
      password: 'correct horse battery',
      role: 'pki_admin',
      fullName: 'Alice Doe',
    });
    expect(u.role).toBe('PKI Admin');
    const row = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', u.userId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);

    const ok = await accounts.verifyPassword({ username: u.username, password: 'correct horse battery' });
    expect(ok).toMatchObject({
      userId: u.userId,
      accountName: a.customerName,
      userName: 'Alice Doe',
      role: 'PKI Admin',
    });
    expect(await accounts.verifyPassword({ username: u.username, password: 'wrong password' })).toBeNull();
    expect(
      await accounts.verifyPassword({ username: 'nobody', password: 'correct horse battery' }),
    ).toBeNull();
    expect(
      await accounts.verifyPassword({
        username: u.username,
        password: 'correct horse battery',
        customerName: 'other',
      }),
    ).toBeNull();
    // The API user has no password and cannot log in with one.
    expect(await accounts.verifyPassword({ username: `${a.customerName}-api`, password: '' })).toBeNull();

    const { apiKey } = await accounts.createApiKey({ customerName: a.customerName, username: u.username });
    expect(await accounts.authenticateApiKey(a.customerName, apiKey)).toMatchObject({
      userId: u.userId,
      userName: 'Alice Doe',
    });

    await expectCode(
      accounts.createUser({
        customerName: a.customerName,
        username: 'bob',
        password: 'short',
        role: 'reader',
      }),
      'INVALID_ARGUMENT',
      'password',
    );
    await expectCode(
      accounts.createUser({
        customerName: a.customerName,
        username: 'bob',
        password: 'long enough',
        role: 'boss',
      }),
      'INVALID_ARGUMENT',
      'role',
    );
    await expectCode(
      accounts.createUser({
        customerName: a.customerName,
        username: 'b o b',
        password: 'long enough',
        role: 'reader',
      }),
      'INVALID_ARGUMENT',
      'username',
    );
    await expectCode(
      accounts.createUser({ customerName: 'nope', username: 'bob', password: 'long enough', role: 'reader' }),
      'NOT_FOUND',
      'customer_name',
    );
    await expectCode(
      accounts.createUser({
        customerName: a.customerName,
        username: u.username,
        password: 'long enough',
        role: 'reader',
      }),
      'ALREADY_EXISTS',
      'username',
    );
    // A user of another account cannot get a key through this one.
    const b = await accounts.createCustomer(name());
    await expectCode(
      accounts.createApiKey({ customerName: b.customerName, username: u.username }),
      'NOT_FOUND',
      'username',
    );
  });

  it('changes account settings', async () => {
    const a = await accounts.createCustomer(name());
    expect(
      await accounts.setAccountSettings({ customerName: a.customerName, apiApprovals: false }),
    ).toMatchObject({
      apiApprovals: false,
      selfApproval: true,
    });
    expect(await accounts.getAccountById(a.accountId)).toMatchObject({
      apiApprovals: false,
      selfApproval: true,
    });
    await expectCode(
      accounts.setAccountSettings({ customerName: 'nope', selfApproval: false }),
      'NOT_FOUND',
      'customer_name',
    );
    expect(await accounts.countAccounts()).toBeGreaterThan(0);
  });
});
