import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { Accounts } from '../../core/accounts/index.js';
import { systemClock, type Clock } from '../../core/deps.js';
import { authRoute } from './auth-route.js';
import { endpointNotFound, renderCertviewFailure } from './errors.js';
import { acceptJsonBodies } from './json-body.js';
import { installBearerGuard } from './principal.js';

export interface CertviewApiOptions {
  readonly accounts: Pick<Accounts, 'login' | 'authenticateToken'>;
  /** Stamps the `datetime` of coded errors; the core's own clock (default: the system's). */
  readonly clock?: Clock | undefined;
  /**
   * Registers the CertView endpoints inside the guarded scope. Paths are relative to `/certview`
   * (`scope.post('/v1/certificates', …)` serves `/certview/v1/certificates`); every request has
   * passed the bearer guard before its handler runs, and `principalOf(request)` is its user.
   */
  readonly registerRoutes?: ((scope: FastifyInstance) => Promise<void> | void) | undefined;
}

/**
 * The CertView API (spec v2.8.3): authentication and the guarded `/certview` scope.
 *
 * - `POST /auth`: form login → 201 text/plain JWT (auth-route.ts).
 * - `/certview/*`: an encapsulated scope where an `onRequest` hook checks `Authorization: Bearer`
 *   and the user's permission and licence on every call (principal.ts), bodies are JSON only
 *   (json-body.ts), errors use the CertView envelopes (errors.ts), and an unknown path, once
 *   authenticated, is a 404 in the gateway's shape.
 *
 * Endpoints are added through `registerRoutes`, e.g. in the composition root:
 *
 *   await app.register(certviewApiPlugin, {
 *     accounts: certgrid.accounts,
 *     clock: certgrid.clock,
 *     registerRoutes: async (scope) => {
 *       scope.post('/v1/certificates', async (request) => listCertificates(principalOf(request), request.body));
 *     },
 *   });
 *
 * Handlers throw CertgridError (mapped by the table in errors.ts) or, for situations only the
 * wire knows, the CertviewError factories of errors.ts (`missingParameters`, `invalidParameter` …).
 */
export const certviewApiPlugin: FastifyPluginAsync<CertviewApiOptions> = async (app, opts) => {
  const clock = opts.clock ?? systemClock;

  const onError = (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const f = renderCertviewFailure(err, { now: clock.now(), requestId: request.id });
    if (f.log === 'error') request.log.error({ err }, 'certview api: unhandled error');
    else if (f.log === 'warn') request.log.warn({ err }, 'certview api');
    return reply.status(f.status).headers(f.headers).send(f.body);
  };

  await app.register(async (auth) => {
    auth.setErrorHandler(onError);
    await authRoute(auth, { accounts: opts.accounts });
  });

  await app.register(
    async (scope) => {
      scope.setErrorHandler(onError);
      acceptJsonBodies(scope);
      // Before the 404 handler, so an unknown path is checked too: nothing is revealed to strangers.
      installBearerGuard(scope, opts.accounts);
      scope.setNotFoundHandler((request, reply) => onError(endpointNotFound(), request, reply));
      if (opts.registerRoutes !== undefined) await opts.registerRoutes(scope);
    },
    { prefix: '/certview' },
  );
};
