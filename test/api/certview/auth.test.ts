import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../../helpers/grid.js';
import { json, PASSWORD, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { storeFactories } from '../../helpers/stores.js';

const NOT_AUTHENTICATED = { status: 401, error: 'Unauthorized', message: 'Not authenticated' };
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MINUTE = 60_000;

/** The coded envelope, with the frozen clock's datetime. */
const coded = (stack: CertviewStack, code: number, text: string) => ({
  response: {
    datetime: stack.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    code,
    text,
  },
});

describe.each(storeFactories)('CertView authentication on $name', (factory) => {
  let stack: CertviewStack;
  let n = 0;
  /** A fresh user name per test, so the per-user throttle of one test never touches another. */
  const fresh = (prefix: string) => `${prefix}${++n}`;

  beforeAll(async () => {
    stack = await startCertviewStack(factory, { log: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe('POST /auth', () => {
    it('answers 201 with the raw JWT as text/plain', async () => {
      const username = fresh('alice');
      const userId = await stack.user(username, { permissions: ['CERTVIEW.API.ACCESS'] });
      const res = await stack.login({ username, password: PASSWORD, token: 'true', permissions: 'true' });
      expect(res.statusCode).toBe(201);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatch(JWT);
      expect(decodeProtectedHeader(res.body)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
      expect(decodeProtectedHeader(res.body).kid).toMatch(/^[A-Za-z0-9_-]+$/);
      const iat = Math.floor(stack.clock.now().getTime() / 1000);
      expect(decodeJwt(res.body)).toEqual({
        sub: String(userId),
        acct: stack.accountId,
        username,
        iss: 'certgrid',
        iat,
        exp: iat + 4 * 3600,
      });
    });

    it.each([
      ['no Content-Type', null],
      ['text/plain', 'text/plain'],
      ['a charset parameter', 'application/x-www-form-urlencoded; charset=UTF-8'],
      ['a stray quote', 'application/x-www-form-urlencoded"'],
      ['the header name repeated in its value', 'Content-Type: application/x-www-form-urlencoded'],
      ['an empty value', ''],
      ['JSON', 'application/json'],
    ])('reads the body as a form whatever its label: %s', async (_label, contentType) => {
      const username = fresh('form');
      await stack.user(username, { role: 'Super User' });
      const res = await stack.login({ username, password: PASSWORD }, { contentType });
      expect(res.statusCode).toBe(201);
      expect(res.body).toMatch(JWT);
    });

    it('takes the fields from the query string too; the body wins', async () => {
      const username = fresh('query');
      await stack.user(username, { role: 'Super User' });
      const inQuery = await stack.login({}, { query: { username, password: PASSWORD } });
      expect(inQuery.statusCode).toBe(201);
      const bodyWins = await stack.login(
        { username, password: PASSWORD },
        { query: { username, password: 'wrong password' } },
      );
      expect(bodyWins.statusCode).toBe(201);
      const bodyWinsWrong = await stack.login(
        { username, password: 'wrong password' },
        { query: { username, password: PASSWORD } },
      );
      expect(bodyWinsWrong.statusCode).toBe(401);
    });

    it('answers 401 alike for a wrong password, an unknown user and a user without a password', async () => {
      const username = fresh('bob');
      await stack.user(username);
      const wrong = await stack.login({ username, password: 'not the password' });
      const unknown = await stack.login({ username: fresh('nobody'), password: PASSWORD });
      const apiOnly = await stack.login({ username: `${stack.customerName}-api`, password: PASSWORD });
      for (const res of [wrong, unknown, apiOnly]) {
        expect(res.statusCode).toBe(401);
        expect(json(res)).toEqual(NOT_AUTHENTICATED);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      }
      expect(unknown.body).toBe(wrong.body);
    });

    it('answers 400 with code 1903 naming every missing field', async () => {
      const missingPassword = await stack.login({ username: fresh('carol') });
      expect(missingPassword.statusCode).toBe(400);
      expect(json(missingPassword)).toEqual(coded(stack, 1903, 'Missing required parameter(s): password'));
      const missingBoth = await stack.login({ token: 'true' }, { contentType: null });
      expect(json(missingBoth)).toEqual(
        coded(stack, 1903, 'Missing required parameter(s): username, password'),
      );
      const empty = await stack.login({ username: '', password: PASSWORD });
      expect(json(empty)).toEqual(coded(stack, 1903, 'Missing required parameter(s): username'));
    });

    it('refuses an oversized body with 413 in the gateway shape', async () => {
      const res = await stack.login({}, { payload: `username=a&password=${'x'.repeat(20_000)}` });
      expect(res.statusCode).toBe(413);
      expect(json(res)).toMatchObject({ status: 413, error: 'Payload Too Large' });
    });
  });

  describe('the bearer guard', () => {
    let token: string;
    let username: string;
    beforeAll(async () => {
      username = fresh('dave');
      await stack.user(username, { permissions: ['CERTVIEW.API.ACCESS'] });
      token = await stack.token(username);
    });

    it('lets a valid token through and decorates the request with its principal', async () => {
      const res = await stack.call(token, { payload: { hello: 'world' } });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual({
        principal: {
          accountId: stack.accountId,
          accountName: stack.customerName,
          userId: expect.any(Number),
          username,
          role: 'Reader',
          permissions: ['CERTVIEW.API.ACCESS'],
        },
        body: { hello: 'world' },
      });
    });

    it('accepts any case of the scheme and extra spaces (RFC 6750 §2.1)', async () => {
      const res = await stack.call(null, { headers: { authorization: `bearer   ${token}` } });
      expect(res.statusCode).toBe(200);
    });

    it('answers 401 without a header, naming the scheme but no error (RFC 6750 §3.1)', async () => {
      const res = await stack.call(null);
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual(NOT_AUTHENTICATED);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="certview"');
    });

    it.each([
      ['Basic credentials', 'Basic YWxpY2U6c2VjcmV0'],
      ['a bare token', 'TOKEN'],
      ['garbage', 'Bearer not-a-jwt'],
      ['two tokens', 'Bearer a.b.c d.e.f'],
      ['an empty bearer', 'Bearer '],
    ])('answers 401 to %s', async (_label, authorization) => {
      const res = await stack.call(null, {
        headers: { authorization: authorization.replace('TOKEN', token) },
      });
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual(NOT_AUTHENTICATED);
    });

    it('answers 401 to a tampered token', async () => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: '1' })).toString('base64url');
      const res = await stack.call(`${header}.${forged}.${signature}`);
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual(NOT_AUTHENTICATED);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="certview", error="invalid_token"');
    });

    it('answers 401 "JWT expired" after 4 hours (with the clock frozen)', async () => {
      const u = fresh('erin');
      await stack.user(u, { role: 'Super User' });
      const t = await stack.token(u);
      try {
        stack.clock.advance(4 * 60 * MINUTE - 1000);
        expect((await stack.call(t)).statusCode).toBe(200);
        // Past exp and the 30-second skew tolerance.
        stack.clock.advance(32_000);
        const res = await stack.call(t);
        expect(res.statusCode).toBe(401);
        expect(json(res)).toEqual({ status: 401, error: 'Unauthorized', message: 'JWT expired' });
        expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      } finally {
        stack.clock.set(T0);
      }
    });

    it('checks the token before anything else, even on unknown paths', async () => {
      const stranger = await stack.call(null, { url: '/certview/v1/nope' });
      expect(stranger.statusCode).toBe(401);
      const known = await stack.call(token, { url: '/certview/v1/nope' });
      expect(known.statusCode).toBe(404);
      expect(json(known)).toEqual({ status: 404, error: 'Not Found', message: 'No such endpoint' });
    });
  });

  describe('permissions and licence, checked on every call', () => {
    it('answers 403 with code 148100 to a user without CERTVIEW.API.ACCESS; a grant works at once', async () => {
      const u = fresh('frank');
      await stack.user(u, { role: 'Manager' });
      const t = await stack.token(u);
      const denied = await stack.call(t);
      expect(denied.statusCode).toBe(403);
      expect(json(denied)).toEqual(coded(stack, 148100, 'User does not have required permissions'));
      await stack.certgrid.accounts.grantPermission({ username: u, permission: 'certview.api.access' });
      expect((await stack.call(t)).statusCode).toBe(200);
    });

    it('lets a Super User in without a grant', async () => {
      const u = fresh('root');
      await stack.user(u, { role: 'Super User' });
      const res = await stack.call(await stack.token(u));
      expect(res.statusCode).toBe(200);
      expect(json(res).principal.permissions).toEqual(['CERTVIEW.API.ACCESS']);
    });

    it('takes a revoked permission or a deleted user into account on the next call', async () => {
      const u = fresh('grace');
      const userId = await stack.user(u, { permissions: ['CERTVIEW.API.ACCESS'] });
      const t = await stack.token(u);
      expect((await stack.call(t)).statusCode).toBe(200);
      await stack.certgrid.accounts.revokePermission({ username: u, permission: 'CERTVIEW.API.ACCESS' });
      const revoked = await stack.call(t);
      expect(revoked.statusCode).toBe(403);
      expect(json(revoked).response.code).toBe(148100);
      await stack.store.db.deleteFrom('users').where('id', '=', userId).execute();
      const gone = await stack.call(t);
      expect(gone.statusCode).toBe(401);
      expect(json(gone)).toEqual(NOT_AUTHENTICATED);
    });

    it('answers 403 with code 2012 while the account has no API access', async () => {
      const u = fresh('heidi');
      await stack.user(u, { role: 'Super User' });
      const t = await stack.token(u);
      await stack.certgrid.accounts.setAccountSettings({
        customerName: stack.customerName,
        certviewApiAccess: false,
      });
      try {
        const res = await stack.call(t);
        expect(res.statusCode).toBe(403);
        expect(json(res)).toEqual(coded(stack, 2012, 'User license is not authorized to run this API.'));
      } finally {
        await stack.certgrid.accounts.setAccountSettings({
          customerName: stack.customerName,
          certviewApiAccess: true,
        });
      }
      expect((await stack.call(t)).statusCode).toBe(200);
    });
  });

  describe('bodies of /certview routes', () => {
    let token: string;
    beforeAll(async () => {
      const u = fresh('ivan');
      await stack.user(u, { role: 'Super User' });
      token = await stack.token(u);
    });

    it('answers 140001 to malformed JSON (Fastify parse errors mapped)', async () => {
      for (const payload of ['{"filter": ', '{"__proto__": {"admin": true}}', 'nope']) {
        const res = await stack.call(token, { payload, headers: { 'content-type': 'application/json' } });
        expect(res.statusCode).toBe(400);
        expect(json(res)).toEqual(coded(stack, 140001, 'Malformed json'));
      }
    });

    it.each([
      ['a form', 'application/x-www-form-urlencoded'],
      ['text/plain', 'text/plain'],
      ['a malformed header', 'application/json"'],
    ])('answers 140001 to a JSON route called with %s', async (_label, type) => {
      const res = await stack.call(token, { payload: '{"pageSize": 1}', headers: { 'content-type': type } });
      expect(res.statusCode).toBe(400);
      expect(json(res).response.code).toBe(140001);
    });

    it('takes JSON with a charset, and an empty body as no body', async () => {
      const withCharset = await stack.call(token, {
        payload: '{"pageSize": 1}',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(json(withCharset).body).toEqual({ pageSize: 1 });
      const empty = await stack.call(token, { payload: '', headers: { 'content-type': 'application/json' } });
      expect(empty.statusCode).toBe(200);
      expect(json(empty).body).toBeNull();
    });
  });

  describe('login throttling', () => {
    it('refuses a user after 5 failures within 15 minutes, even with the right password, until the window passes', async () => {
      const u = fresh('judy');
      await stack.user(u, { role: 'Super User' });
      try {
        for (let i = 0; i < 5; i++) {
          expect((await stack.login({ username: u, password: 'bad password' })).statusCode).toBe(401);
          stack.clock.advance(MINUTE);
        }
        const refused = await stack.login({ username: u, password: PASSWORD });
        expect(refused.statusCode).toBe(429);
        // The first failure leaves the window 15 minutes after it was made, 10 from now.
        expect(refused.headers['retry-after']).toBe('600');
        expect(json(refused)).toEqual(
          coded(stack, 1965, 'Too many other API requests have run recently (i.e. rate limit)'),
        );
        stack.clock.advance(10 * MINUTE);
        expect((await stack.login({ username: u, password: PASSWORD })).statusCode).toBe(201);
      } finally {
        stack.clock.set(T0);
      }
    });

    it('a success resets the user count', async () => {
      const u = fresh('kim');
      await stack.user(u, { role: 'Super User' });
      for (let i = 0; i < 4; i++) await stack.login({ username: u, password: 'bad password' });
      expect((await stack.login({ username: u, password: PASSWORD })).statusCode).toBe(201);
      for (let i = 0; i < 5; i++) {
        expect((await stack.login({ username: u, password: 'bad password' })).statusCode).toBe(401);
      }
      expect((await stack.login({ username: u, password: PASSWORD })).statusCode).toBe(429);
    });

    it('refuses an address after 20 failures, whatever the user names, then lets it back after the window', async () => {
      const ip = '198.51.100.7';
      const u = fresh('leo');
      await stack.user(u, { role: 'Super User' });
      try {
        for (let i = 0; i < 20; i++) {
          const res = await stack.login({ username: fresh('guess'), password: 'bad password' }, { ip });
          expect(res.statusCode).toBe(401);
        }
        const refused = await stack.login({ username: u, password: PASSWORD }, { ip });
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['retry-after']).toBe('900');
        // Another address is not affected.
        expect(
          (await stack.login({ username: u, password: PASSWORD }, { ip: '198.51.100.8' })).statusCode,
        ).toBe(201);
        stack.clock.advance(15 * MINUTE);
        expect((await stack.login({ username: u, password: PASSWORD }, { ip })).statusCode).toBe(201);
      } finally {
        stack.clock.set(T0);
      }
    });
  });

  describe('what never leaves the server', () => {
    it('an unexpected failure is a generic 500 with the request id only', async () => {
      const s = await startCertviewStack(factory, {
        registerRoutes: (scope) => {
          scope.post('/v1/boom', async () => {
            throw new Error('disk on fire at /var/secret/path');
          });
        },
      });
      try {
        await s.user('mallory', { role: 'Super User' });
        const res = await s.call(await s.token('mallory'), { url: '/certview/v1/boom' });
        expect(res.statusCode).toBe(500);
        const body = json(res);
        expect(body).toEqual({
          status: 500,
          error: 'Internal Server Error',
          message: 'Internal error',
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
        expect(res.body).not.toMatch(/fire|secret/);
      } finally {
        await s.close();
      }
    });

    it('no error body carries a stack trace or a password, and logged URLs mask the password', async () => {
      // Put a password in a query string, so the log has something to mask.
      await stack.login({}, { query: { username: fresh('oscar'), password: 'query-secret-pw' } });
      const errors = stack.responses.filter((r) => r.statusCode >= 400);
      expect(errors.length).toBeGreaterThan(20);
      for (const r of errors) {
        expect(r.body).not.toMatch(/\n\s+at |Error:|node_modules/);
        expect(r.body).not.toContain(PASSWORD);
        expect(r.body).not.toContain('bad password');
        expect(r.body).not.toContain('query-secret-pw');
      }
      const log = stack.logged.join('');
      expect(log).toContain('password=***');
      expect(log).not.toContain('query-secret-pw');
    });
  });
});
