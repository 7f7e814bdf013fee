import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccounts,
  createMemoryLoginThrottle,
  type Accounts,
} from '../../../src/core/accounts/index.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import type { Store } from '../../../src/store/db.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { T0 } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

const PASSWORD = 'correct horse battery';

describe.each(storeFactories)('CertView login and token authentication on $name', (factory) => {
  let store: Store;
  let accounts: Accounts;
  let customerName: string;
  let accountId: number;
  let n = 0;
  const clock = fixedClock(T0);
  const ip = () => `192.0.2.${++n % 250}`;
  const user = async (role = 'Reader', permissions: string[] = []) => {
    const username = `login${++n}`;
    const u = await accounts.createUser({ customerName, username, password: PASSWORD, role, permissions });
    return { username, userId: u.userId };
  };

  beforeAll(async () => {
    store = await factory.open();
    accounts = createAccounts({
      repo: createRepositories(store.db, store.dialect).accounts,
      clock,
      random: systemRandom,
      tokenTtlMinutes: 30,
      loginThrottle: createMemoryLoginThrottle({
        maxFailuresPerUser: 2,
        maxFailuresPerIp: 100,
        failureWindowMinutes: 5,
      }),
    });
    ({ customerName, accountId } = await accounts.createCustomer('tokens'));
  });
  afterAll(async () => {
    await store.close();
  });

  it('a login gives a token that authenticates as the user, with the configured lifetime', async () => {
    const u = await user('Manager', ['CERTVIEW.API.ACCESS']);
    const { token, expiresAt } = await accounts.login({ username: u.username, password: PASSWORD, ip: ip() });
    expect(expiresAt).toEqual(new Date(T0.getTime() + 30 * 60_000));
    expect(await accounts.authenticateToken(token)).toEqual({
      accountId,
      accountName: customerName,
      userId: u.userId,
      username: u.username,
      role: 'Manager',
      permissions: ['CERTVIEW.API.ACCESS'],
    });
  });

  it('bad credentials are AUTH_FAILED, whatever was wrong', async () => {
    const u = await user();
    for (const input of [
      { username: u.username, password: 'wrong password' },
      { username: 'no-such-user', password: PASSWORD },
      { username: `${customerName}-api`, password: PASSWORD },
      { username: u.username, password: 'x'.repeat(2000) },
    ]) {
      await expectCode(accounts.login({ ...input, ip: ip() }), 'AUTH_FAILED');
    }
  });

  it('missing fields are named together, before the throttle counts anything', async () => {
    const e = await expectCode(
      accounts.login({ username: undefined, password: '', ip: ip() }),
      'MISSING_ARGUMENT',
      'username',
    );
    expect(e.data).toEqual({ names: ['username', 'password'] });
    const u = await user('Super User');
    for (let i = 0; i < 5; i++)
      await expectCode(
        accounts.login({ username: u.username, password: undefined, ip: ip() }),
        'MISSING_ARGUMENT',
        'password',
      );
    expect((await accounts.login({ username: u.username, password: PASSWORD, ip: ip() })).token).toBeTruthy();
  });

  it('throttled logins are RATE_LIMITED with the wait in seconds', async () => {
    const u = await user('Super User');
    await expectCode(
      accounts.login({ username: u.username, password: 'wrong one', ip: ip() }),
      'AUTH_FAILED',
    );
    clock.advance(60_000);
    await expectCode(
      accounts.login({ username: u.username, password: 'wrong two', ip: ip() }),
      'AUTH_FAILED',
    );
    try {
      const e = await expectCode(
        accounts.login({ username: u.username, password: PASSWORD, ip: ip() }),
        'RATE_LIMITED',
      );
      expect(e.data).toEqual({ retryAfterSeconds: 240 });
      clock.advance(4 * 60_000);
      expect(
        (await accounts.login({ username: u.username, password: PASSWORD, ip: ip() })).token,
      ).toBeTruthy();
    } finally {
      clock.set(T0);
    }
  });

  it('the licence is checked before the permission; both on every call', async () => {
    const reader = await user();
    const { token } = await accounts.login({ username: reader.username, password: PASSWORD, ip: ip() });
    await expectCode(accounts.authenticateToken(token), 'PERMISSION_DENIED');
    await accounts.setAccountSettings({ customerName, certviewApiAccess: false });
    try {
      await expectCode(accounts.authenticateToken(token), 'LICENSE_DENIED');
      expect((await accounts.getAccount(customerName))?.certviewApiAccess).toBe(false);
    } finally {
      await accounts.setAccountSettings({ customerName, certviewApiAccess: true });
    }
    await accounts.grantPermission({ username: reader.username, permission: 'CERTVIEW.API.ACCESS' });
    expect((await accounts.authenticateToken(token)).username).toBe(reader.username);
  });

  it('a token whose user is gone, or moved to another account, no longer authenticates', async () => {
    const gone = await user('Super User');
    const moved = await user('Super User');
    const t1 = (await accounts.login({ username: gone.username, password: PASSWORD, ip: ip() })).token;
    const t2 = (await accounts.login({ username: moved.username, password: PASSWORD, ip: ip() })).token;
    await store.db.deleteFrom('users').where('id', '=', gone.userId).execute();
    await expectCode(accounts.authenticateToken(t1), 'TOKEN_INVALID');
    const other = await accounts.createCustomer('elsewhere');
    await store.db
      .updateTable('users')
      .set({ account_id: other.accountId })
      .where('id', '=', moved.userId)
      .execute();
    await expectCode(accounts.authenticateToken(t2), 'TOKEN_INVALID');
  });

  it('rotateTokenKey: later logins sign with the new key, earlier tokens keep working', async () => {
    const u = await user('Super User');
    const before = (await accounts.login({ username: u.username, password: PASSWORD, ip: ip() })).token;
    const { kid } = await accounts.rotateTokenKey();
    const after = (await accounts.login({ username: u.username, password: PASSWORD, ip: ip() })).token;
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    expect((await accounts.authenticateToken(before)).userId).toBe(u.userId);
    expect((await accounts.authenticateToken(after)).userId).toBe(u.userId);
  });
});
