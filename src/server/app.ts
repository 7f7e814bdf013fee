import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { PkiPublisher } from '../core/ca/publisher.js';
import type { GridService } from '../core/grid/types.js';
import { registerAnalysisRoutes } from '../api/certview/analysis-routes.js';
import { registerCertificateRoutes } from '../api/certview/certificate-routes.js';
import { registerOrderRoutes } from '../api/certview/order-routes.js';
import { registerScanRoutes } from '../api/certview/scan-routes.js';
import { registerTrustRoutes } from '../api/certview/trust-routes.js';
import { certviewApiPlugin, type CertviewApiOptions } from '../api/certview/plugin.js';
import type { Analysis, ScanJobs, TrustedRoots } from '../core/analysis/index.js';
import type { Enrollment } from '../core/enrollment/index.js';
import type { Inventory } from '../core/inventory/index.js';
import { gridApiPlugin } from '../api/grid/plugin.js';
import { pkiRoutes } from '../api/pki/routes.js';

export interface AppDeps {
  readonly grid: GridService;
  readonly pki: PkiPublisher;
  /** Fastify logger options; false (tests) or a pino options object. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Trust X-Forwarded-For from a reverse proxy (for audit IPs). */
  readonly trustProxy?: boolean;
  /** The inventory behind the CertView certificate endpoints. */
  readonly inventory?: Inventory;
  /** TLS assessment behind analyze and getEndpointData. */
  readonly analysis?: Analysis;
  /** Scan jobs and schedules behind /certview/v1/scans. */
  readonly scanJobs?: ScanJobs;
  /** The account's own trusted roots behind /certview/v1/trust/roots. */
  readonly trustedRoots?: TrustedRoots;
  /** Enrollment and renewal orders (CertView chapter 5). */
  readonly enrollment?: Enrollment;
  /** The CertView API (`POST /auth`, `/certview/*`); not served when absent. */
  readonly certview?: CertviewApiOptions;
}

/**
 * Request URLs are logged; `POST /auth` also takes its password from the query string, so that
 * value is masked first.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

function withRedactedUrls(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      // Fastify's own request serializer, with the URL masked.
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        version: req.headers['accept-version'] as string | undefined,
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      ...options.serializers,
    },
  };
}

/**
 * Assembles the HTTP server without listening, so tests can `inject`.
 * Each API surface is an encapsulated plugin owning its error handling and envelope.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRedactedUrls(deps.logger),
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
  if (deps.certview !== undefined) {
    const certview = deps.certview;
    await app.register(certviewApiPlugin, {
      ...certview,
      registerRoutes: async (scope) => {
        if (deps.inventory !== undefined)
          await registerCertificateRoutes(scope, { inventory: deps.inventory });
        if (deps.analysis !== undefined) await registerAnalysisRoutes(scope, { analysis: deps.analysis });
        if (deps.scanJobs !== undefined) await registerScanRoutes(scope, { scanJobs: deps.scanJobs });
        if (deps.trustedRoots !== undefined)
          await registerTrustRoutes(scope, { trustedRoots: deps.trustedRoots });
        if (deps.enrollment !== undefined) await registerOrderRoutes(scope, { enrollment: deps.enrollment });
        await certview.registerRoutes?.(scope);
      },
    });
  }
  await app.register(pkiRoutes, { pki: deps.pki });
  return app;
}
