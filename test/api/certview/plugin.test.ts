import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { principalOf } from '../../../src/api/certview/principal.js';
import type { CertviewPrincipal } from '../../../src/core/accounts/index.js';
import type { PkiPublisher } from '../../../src/core/ca/publisher.js';
import { fixedClock } from '../../../src/core/deps.js';
import { CertgridError, notFound } from '../../../src/core/errors.js';
import type { GridService } from '../../../src/core/grid/types.js';
import { buildApp } from '../../../src/server/app.js';

/**
 * The CertView adapter alone, over a scripted accounts core: guard wiring, route hook, bodies,
 * error mapping, logging. The full stack (real core and store) is in auth.test.ts.
 */

const principal: CertviewPrincipal = {
  accountId: 7,
  accountName: 'acme',
  userId: 3,
  username: 'alice',
  role: 'Reader',
  permissions: ['CERTVIEW.API.ACCESS'],
};

const pki: PkiPublisher = {
  crl: async () => null,
  ocsp: async () => Buffer.alloc(0),
  caCertificate: async () => null,
};

describe('CertView plugin over a scripted core', () => {
  let app: FastifyInstance;
  const logged: { msg?: string; reqId?: string; err?: { message?: string } }[] = [];
  const accounts = {
    login: vi.fn(async () => ({ token: 'h.p.s', expiresAt: new Date(0) })),
    authenticateToken: vi.fn(async (token: string) => {
      if (token !== 'good') throw new CertgridError('TOKEN_INVALID', 'no');
      return principal;
    }),
  };
  const auth = { authorization: 'Bearer good' };

  beforeAll(async () => {
    app = await buildApp({
      grid: {} as GridService,
      pki,
      logger: { level: 'warn', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
      certview: {
        accounts,
        clock: fixedClock(new Date('2025-03-01T12:00:00Z')),
        registerRoutes: async (scope) => {
          scope.post(
            '/v1/schema',
            {
              schema: {
                body: {
                  type: 'object',
                  required: ['certhash'],
                  properties: { certhash: { type: 'string' }, pageSize: { type: 'integer', maximum: 200 } },
                },
              },
            },
            async (request) => ({ ok: true, user: principalOf(request).username }),
          );
          scope.post('/v1/order', async () => {
            throw notFound('orderId');
          });
          scope.post('/v1/boom', async () => {
            throw new Error('disk on fire at /var/secret/path');
          });
        },
      },
    });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    vi.clearAllMocks();
    logged.length = 0;
  });

  it('routes given to registerRoutes sit under /certview, behind the guard', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/certview/v1/schema',
      headers: auth,
      payload: { certhash: 'ab' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, user: 'alice' });
    expect(accounts.authenticateToken).toHaveBeenCalledWith('good');
    const refused = await app.inject({
      method: 'POST',
      url: '/certview/v1/schema',
      payload: { certhash: 'ab' },
    });
    expect(refused.statusCode).toBe(401);
    // Not mounted at the root.
    expect(
      (await app.inject({ method: 'POST', url: '/v1/schema', headers: auth, payload: {} })).statusCode,
    ).toBe(404);
  });

  it('the guard runs before the body is read: a stranger with malformed JSON gets 401, not 140001', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/certview/v1/schema',
      headers: { 'content-type': 'application/json' },
      payload: '{bad',
    });
    expect(r.statusCode).toBe(401);
  });

  it('Fastify schema validation answers 1903 / 1905', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/certview/v1/schema',
      headers: auth,
      payload: {},
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({
      response: {
        datetime: '2025-03-01T12:00:00Z',
        code: 1903,
        text: 'Missing required parameter(s): certhash',
      },
    });
    const big = await app.inject({
      method: 'POST',
      url: '/certview/v1/schema',
      headers: auth,
      payload: { certhash: 'ab', pageSize: 500 },
    });
    expect(big.json().response).toMatchObject({
      code: 1905,
      text: 'parameter pageSize has invalid value: must be <= 200',
    });
  });

  it('core errors thrown by routes are mapped by the table', async () => {
    const r = await app.inject({ method: 'POST', url: '/certview/v1/order', headers: auth });
    expect(r.statusCode).toBe(404);
    expect(r.json().response).toMatchObject({ code: 148200, text: 'Invalid certificate order' });
  });

  it('an unexpected failure is logged with the request id; the client sees only the id', async () => {
    const r = await app.inject({ method: 'POST', url: '/certview/v1/boom', headers: auth });
    expect(r.statusCode).toBe(500);
    const { requestId } = r.json() as { requestId: string };
    expect(r.body).not.toMatch(/fire|secret/);
    const entry = logged.find((l) => l.err?.message?.includes('disk on fire'));
    expect(entry?.reqId).toBe(requestId);
  });

  it('POST /auth hands the form and the client address to the core and answers 201 text/plain', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/auth?password=from-query',
      payload: 'username=alice&token=true&permissions=true',
      remoteAddress: '203.0.113.9',
    });
    expect(r.statusCode).toBe(201);
    expect(r.body).toBe('h.p.s');
    expect(accounts.login).toHaveBeenCalledWith({
      username: 'alice',
      password: 'from-query',
      ip: '203.0.113.9',
    });
  });

  it('principalOf refuses a request the guard never saw (a wiring mistake, not a 401)', () => {
    expect(() => principalOf({} as FastifyRequest)).toThrow(/outside the \/certview scope/);
    expect(() => principalOf({ certviewPrincipal: null } as FastifyRequest)).toThrow(/outside/);
  });

  it('leaves the rest of the server as it was', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const r = await app.inject({ method: 'GET', url: '/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: 'not found' });
  });
});
