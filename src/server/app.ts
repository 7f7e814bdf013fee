import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { PkiPublisher } from '../core/ca/publisher.js';
import type { GridService } from '../core/grid/types.js';
import { gridApiPlugin } from '../api/grid/plugin.js';
import { pkiRoutes } from '../api/pki/routes.js';

export interface AppDeps {
  readonly grid: GridService;
  readonly pki: PkiPublisher;
  /** Fastify logger options; false (tests) or a pino options object. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Trust X-Forwarded-For from a reverse proxy (for audit IPs). */
  readonly trustProxy?: boolean;
}

/**
 * Assembles the HTTP server without listening, so tests can `inject`.
 * Each API surface is an encapsulated plugin owning its error handling and envelope.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // Request ids make a 500 traceable in the log without showing anything to the client.
    genReqId: () => crypto.randomUUID(),
  });

  await app.register(formbody);

  // Last resort: an unknown error becomes a generic 500 that exposes nothing; the log has the details.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unhandled error');
    return reply
      .status(status)
      .send({ error: status === 500 ? 'internal error' : err.message, requestId: req.id });
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: 'not found' }));

  app.get('/healthz', () => ({ status: 'ok' }));
  await app.register(gridApiPlugin, { grid: deps.grid });
  await app.register(pkiRoutes, { pki: deps.pki });
  return app;
}
