import { randomBytes } from 'node:crypto';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsRepository } from '../../../src/core/accounts/index.js';
import { issueToken } from '../../../src/core/accounts/issue-token.js';
import { createSigningKeyRing, type SigningKeyRing } from '../../../src/core/accounts/signing-keys.js';
import type { TokenSettings } from '../../../src/core/accounts/token-settings.js';
import { verifyToken } from '../../../src/core/accounts/verify-token.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import type { Store } from '../../../src/store/db.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { T0 } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

const SUBJECT = { userId: 42, accountId: 7, username: 'alice' };
const SECONDS = 1000;
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe.each(storeFactories)('CertView tokens on $name', (factory) => {
  let store: Store;
  let repo: AccountsRepository;
  let clock: ReturnType<typeof fixedClock>;
  let keys: SigningKeyRing;
  let settings: TokenSettings;

  beforeAll(async () => {
    store = await factory.open();
    repo = createRepositories(store.db, store.dialect).accounts;
    clock = fixedClock(T0);
    keys = createSigningKeyRing({ repo, clock, random: systemRandom });
    settings = { clock, keys, ttlMinutes: 240 };
  });
  afterAll(async () => {
    await store.close();
  });

  /** A token signed with the real current key but with claims or header of the test's choosing. */
  const signed = async (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    alg = 'HS256',
  ): Promise<string> => {
    const key = await keys.current();
    const iat = Math.floor(clock.now().getTime() / 1000);
    return new SignJWT({
      sub: '42',
      acct: 7,
      username: 'alice',
      iss: 'certgrid',
      iat,
      exp: iat + 600,
      ...claims,
    })
      .setProtectedHeader({ alg, typ: 'JWT', kid: key.kid, ...header })
      .sign(key.secret);
  };

  it('creates one 256-bit key on first use and signs with it', async () => {
    const { token, expiresAt } = await issueToken(settings, SUBJECT);
    const rows = await store.db.selectFrom('jwt_signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.secret.length).toBe(32);
    expect(Number(rows[0]?.generation)).toBe(1);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: rows[0]?.kid });
    expect(expiresAt).toEqual(new Date(T0.getTime() + 4 * 3600 * SECONDS));
    expect(await verifyToken(settings, token)).toEqual({
      ...SUBJECT,
      issuedAt: T0,
      expiresAt,
    });
  });

  it('verifies against the frozen clock: valid within the skew tolerance after exp, expired beyond it', async () => {
    const { token } = await issueToken(settings, SUBJECT);
    try {
      clock.advance(4 * 3600 * SECONDS + 29 * SECONDS);
      expect((await verifyToken(settings, token)).userId).toBe(42);
      clock.advance(1 * SECONDS);
      await expectCode(verifyToken(settings, token), 'TOKEN_EXPIRED');
    } finally {
      clock.set(T0);
    }
  });

  it('remembers a verified token per key ring only: another store with its own keys refuses it', async () => {
    const { token } = await issueToken(settings, SUBJECT);
    expect((await verifyToken(settings, token)).userId).toBe(42);
    // Same kid and secret length, another store: the token was never signed by this ring's key.
    const other = await factory.open();
    try {
      const otherKeys = createSigningKeyRing({
        repo: createRepositories(other.db, other.dialect).accounts,
        clock,
        random: systemRandom,
      });
      await otherKeys.current();
      await expectCode(verifyToken({ clock, keys: otherKeys, ttlMinutes: 240 }, token), 'TOKEN_INVALID');
    } finally {
      await other.close();
    }
    expect((await verifyToken(settings, token)).userId).toBe(42);
  });

  it('checks a remembered token against the clock on every call, with the same bounds as the first check', async () => {
    const { token } = await issueToken(settings, SUBJECT);
    try {
      expect((await verifyToken(settings, token)).userId).toBe(42);
      // The clock moved back before the token's iat (beyond the tolerance): refused, then accepted again.
      clock.set(new Date(T0.getTime() - 31 * SECONDS));
      await expectCode(verifyToken(settings, token), 'TOKEN_INVALID');
      clock.set(T0);
      expect((await verifyToken(settings, token)).userId).toBe(42);
      clock.advance(4 * 3600 * SECONDS + 30 * SECONDS);
      await expectCode(verifyToken(settings, token), 'TOKEN_EXPIRED');
    } finally {
      clock.set(T0);
    }
  });

  it('a shortened lifetime expires tokens issued under the longer one', async () => {
    const { token } = await issueToken(settings, SUBJECT);
    const shorter = { ...settings, ttlMinutes: 60 };
    try {
      clock.advance(59 * 60 * SECONDS);
      expect((await verifyToken(shorter, token)).userId).toBe(42);
      clock.advance(2 * 60 * SECONDS);
      await expectCode(verifyToken(shorter, token), 'TOKEN_EXPIRED');
    } finally {
      clock.set(T0);
    }
  });

  it('refuses a token signed with another key under a known kid', async () => {
    const key = await keys.current();
    const forged = await new SignJWT({ acct: 7, username: 'alice' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
      .setSubject('42')
      .setIssuer('certgrid')
      .setIssuedAt(Math.floor(T0.getTime() / 1000))
      .setExpirationTime(Math.floor(T0.getTime() / 1000) + 600)
      .sign(new Uint8Array(randomBytes(32)));
    await expectCode(verifyToken(settings, forged), 'TOKEN_INVALID');
  });

  it('refuses alg "none", HS512 with the right secret, and a public-key algorithm name', async () => {
    const key = await keys.current();
    const iat = Math.floor(T0.getTime() / 1000);
    const claims = { sub: '42', acct: 7, username: 'alice', iss: 'certgrid', iat, exp: iat + 600 };
    const unsecured = `${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64(claims)}.`;
    await expectCode(verifyToken(settings, unsecured), 'TOKEN_INVALID');
    await expectCode(verifyToken(settings, await signed({}, {}, 'HS512')), 'TOKEN_INVALID');
    // An RS256 header over an HMAC made with the shared secret: the classic key-confusion forgery.
    const good = await signed({});
    const [, payload, signature] = good.split('.') as [string, string, string];
    const confused = `${b64({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${payload}.${signature}`;
    await expectCode(verifyToken(settings, confused), 'TOKEN_INVALID');
    // The well-formed token itself passes, so the refusals above are about the algorithm.
    expect((await verifyToken(settings, good)).userId).toBe(42);
  });

  it('refuses a tampered payload or header', async () => {
    const { token } = await issueToken(settings, SUBJECT);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    for (const change of [{ sub: '1' }, { acct: 8 }, { exp: Number(claims.exp) + 3600 }]) {
      await expectCode(
        verifyToken(settings, `${header}.${b64({ ...claims, ...change })}.${signature}`),
        'TOKEN_INVALID',
      );
    }
    const h = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
    await expectCode(
      verifyToken(settings, `${b64({ ...h, extra: 1 })}.${payload}.${signature}`),
      'TOKEN_INVALID',
    );
  });

  it('refuses unknown or missing kids, a wrong issuer, typ or claim shapes, and garbage', async () => {
    const cases = [
      await signed({}, { kid: 'no-such-key' }),
      await signed({}, { kid: undefined }),
      await signed({}, { kid: '../../etc/passwd' }),
      await signed({ iss: 'someone-else' }),
      await signed({}, { typ: 'at+jwt' }),
      await signed({ sub: 'alice' }),
      await signed({ sub: 42 }),
      await signed({ acct: '7' }),
      await signed({ username: '' }),
      await signed({ iat: Math.floor(T0.getTime() / 1000) + 3600 }),
      await signed({ exp: undefined }),
      'garbage',
      '',
      `${'a'.repeat(5000)}.b.c`,
    ];
    for (const t of cases) await expectCode(verifyToken(settings, t), 'TOKEN_INVALID');
  });

  it('rotation: new tokens carry the new kid, tokens of the old key still verify', async () => {
    const before = await issueToken(settings, SUBJECT);
    const oldKid = decodeProtectedHeader(before.token).kid;
    const rotated = await keys.rotate();
    expect(rotated.kid).not.toBe(oldKid);
    const after = await issueToken(settings, SUBJECT);
    expect(decodeProtectedHeader(after.token).kid).toBe(rotated.kid);
    // Another process (its own key ring, empty cache) verifies both.
    const other: TokenSettings = {
      ...settings,
      keys: createSigningKeyRing({ repo, clock, random: systemRandom }),
    };
    expect((await verifyToken(other, before.token)).userId).toBe(42);
    expect((await verifyToken(other, after.token)).userId).toBe(42);
  });
});

describe.each(storeFactories)('the first signing key on $name', (factory) => {
  it('two processes creating it at once end with one key', async () => {
    const store = await factory.open();
    try {
      const repo = createRepositories(store.db, store.dialect).accounts;
      // Both processes read "no key yet" before either writes.
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((r) => (release = r));
      const racing: AccountsRepository = {
        ...repo,
        async findLatestSigningKey() {
          const found = await repo.findLatestSigningKey();
          if (arrived < 2) {
            arrived++;
            if (arrived === 2) release();
            await bothRead;
          }
          return found;
        },
      };
      const clock = fixedClock(T0);
      const [a, b] = await Promise.all([
        createSigningKeyRing({ repo: racing, clock, random: systemRandom }).current(),
        createSigningKeyRing({ repo: racing, clock, random: systemRandom }).current(),
      ]);
      expect(a.kid).toBe(b.kid);
      expect(Buffer.from(a.secret).equals(Buffer.from(b.secret))).toBe(true);
      expect(await store.db.selectFrom('jwt_signing_keys').selectAll().execute()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
