import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PkiPublisher } from '../../src/core/ca/publisher.js';
import type { GridService } from '../../src/core/grid/types.js';
import { buildApp } from '../../src/server/app.js';

/** The assembly's own behaviour, with collaborators that the routes here never reach or that fail on purpose. */
describe('buildApp', () => {
  let app: FastifyInstance;
  const logged: unknown[] = [];
  const pki: PkiPublisher = {
    crl: () => Promise.reject(new Error('disk on fire at /var/secret/path')),
    ocsp: () => Promise.resolve(Buffer.alloc(0)),
    caCertificate: () => Promise.reject(new Error('disk on fire at /var/secret/path')),
  };

  beforeAll(async () => {
    app = await buildApp({
      grid: {} as GridService,
      pki,
      logger: { level: 'error', stream: { write: (s: string) => logged.push(s) } },
    });
  });
  afterAll(() => app.close());

  it('answers /healthz', async () => {
    const r = await app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('unknown routes are a JSON 404', async () => {
    const r = await app.inject({ method: 'GET', url: '/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: 'not found' });
  });

  it('an unexpected failure is a generic 500 with a request id; the detail goes to the log only', async () => {
    const r = await app.inject({ method: 'GET', url: '/ca/root.crt' });
    expect(r.statusCode).toBe(500);
    const body = r.json() as { error: string; requestId: string };
    expect(body.error).toBe('internal error');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body).not.toMatch(/secret|fire|\bat\b/);
    expect(logged.join('')).toMatch(/disk on fire/);
    expect(logged.join('')).toContain(body.requestId);
  });
});
