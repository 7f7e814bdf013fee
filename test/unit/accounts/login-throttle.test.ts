import { describe, expect, it } from 'vitest';
import {
  createMemoryLoginThrottle,
  throttleKeyOfIp,
  type LoginThrottle,
} from '../../../src/core/accounts/login-throttle.js';
import { T0 } from '../../helpers/grid.js';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const LIMITS = { maxFailuresPerUser: 5, maxFailuresPerIp: 20, failureWindowMinutes: 15 };

/** `n` failed attempts (admitted, never succeeded) at `when`. */
async function fail(t: LoginThrottle, username: string, ip: string, n: number, when: Date): Promise<void> {
  for (let i = 0; i < n; i++) expect(await t.admit({ username, ip }, when)).toEqual({ admitted: true });
}

describe('login throttle', () => {
  it('refuses a user name after 5 failures and says when to come back', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    for (let m = 0; m < 5; m++) await fail(t, 'alice', `192.0.2.${m}`, 1, at(m));
    expect(await t.admit({ username: 'alice', ip: '192.0.2.99' }, at(5))).toEqual({
      admitted: false,
      retryAfterMs: 10 * MINUTE,
    });
    // Other users and the same user after the window are not affected.
    expect((await t.admit({ username: 'bob', ip: '192.0.2.99' }, at(5))).admitted).toBe(true);
  });

  it('the window rolls: each failure stops counting 15 minutes after it was made', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    for (let m = 0; m < 5; m++) await fail(t, 'alice', '192.0.2.1', 1, at(m));
    expect((await t.admit({ username: 'alice', ip: '192.0.2.1' }, at(14.9))).admitted).toBe(false);
    // At 15 the first failure has aged out: one more attempt...
    expect((await t.admit({ username: 'alice', ip: '192.0.2.1' }, at(15))).admitted).toBe(true);
    // ...which, failing, closes the window again until the second one ages out.
    expect(await t.admit({ username: 'alice', ip: '192.0.2.1' }, at(15))).toEqual({
      admitted: false,
      retryAfterMs: 1 * MINUTE,
    });
  });

  it('a refused attempt does not count', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    await fail(t, 'alice', '192.0.2.1', 5, at(0));
    for (let i = 0; i < 10; i++)
      expect((await t.admit({ username: 'alice', ip: '192.0.2.1' }, at(10))).admitted).toBe(false);
    expect((await t.admit({ username: 'alice', ip: '192.0.2.1' }, at(15))).admitted).toBe(true);
  });

  it('a success forgets the user failures but not the address failures', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    await fail(t, 'alice', '192.0.2.1', 4, at(0));
    for (let i = 0; i < 15; i++) await fail(t, `guess${i}`, '192.0.2.1', 1, at(0));
    const attempt = { username: 'alice', ip: '192.0.2.1' };
    expect((await t.admit(attempt, at(1))).admitted).toBe(true);
    await t.succeeded(attempt, at(1));
    // The user starts again from zero...
    await fail(t, 'alice', '192.0.2.2', 5, at(2));
    // ...the address still has its 19 failures (the successful attempt was taken back): one more, then refused.
    await fail(t, 'other', '192.0.2.1', 1, at(2));
    expect(await t.admit({ username: 'third', ip: '192.0.2.1' }, at(2))).toEqual({
      admitted: false,
      retryAfterMs: 13 * MINUTE,
    });
  });

  it('refuses an address after 20 failures across user names', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    for (let i = 0; i < 20; i++) await fail(t, `user${i}`, '203.0.113.5', 1, at(0));
    expect((await t.admit({ username: 'fresh', ip: '203.0.113.5' }, at(1))).admitted).toBe(false);
    expect((await t.admit({ username: 'fresh', ip: '203.0.113.6' }, at(1))).admitted).toBe(true);
  });

  it('counts attempts admitted in parallel before any of them is checked', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.admit({ username: 'alice', ip: `192.0.2.${i}` }, at(0))),
    );
    expect(results.filter((r) => r.admitted)).toHaveLength(5);
  });

  it('honours configured limits', async () => {
    const t = createMemoryLoginThrottle({
      maxFailuresPerUser: 2,
      maxFailuresPerIp: 3,
      failureWindowMinutes: 1,
    });
    await fail(t, 'alice', '192.0.2.1', 2, at(0));
    expect(await t.admit({ username: 'alice', ip: '192.0.2.2' }, at(0.5))).toEqual({
      admitted: false,
      retryAfterMs: 0.5 * MINUTE,
    });
    await fail(t, 'bob', '192.0.2.1', 1, at(0));
    expect((await t.admit({ username: 'carol', ip: '192.0.2.1' }, at(0))).admitted).toBe(false);
    expect((await t.admit({ username: 'carol', ip: '192.0.2.1' }, at(1))).admitted).toBe(true);
    expect(() => createMemoryLoginThrottle({ ...LIMITS, maxFailuresPerUser: 0 })).toThrow(
      /maxFailuresPerUser/,
    );
  });

  it('bounds its memory: the least recently failed keys go first', async () => {
    const t = createMemoryLoginThrottle(LIMITS, { maxKeys: 3 });
    await fail(t, 'victim', '192.0.2.1', 5, at(0));
    for (let i = 0; i < 3; i++) await fail(t, `spray${i}`, `192.0.2.${10 + i}`, 1, at(1));
    // The victim's entry was evicted; the limit keeps memory bounded at the price of forgetting.
    expect((await t.admit({ username: 'victim', ip: '192.0.2.50' }, at(2))).admitted).toBe(true);
  });
});

describe('throttle key of an address', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s → %s', (ip, key) => {
    expect(throttleKeyOfIp(ip)).toBe(key);
  });

  it('one IPv6 /64 is one address for the throttle', async () => {
    const t = createMemoryLoginThrottle(LIMITS);
    for (let i = 0; i < 20; i++) await fail(t, `user${i}`, `2001:db8:1:2::${i.toString(16)}`, 1, at(0));
    expect((await t.admit({ username: 'fresh', ip: '2001:db8:1:2:ffff::1' }, at(0))).admitted).toBe(false);
    expect((await t.admit({ username: 'fresh', ip: '2001:db8:1:3::1' }, at(0))).admitted).toBe(true);
  });
});
