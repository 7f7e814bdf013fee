import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts, CertviewPrincipal } from '../../core/accounts/index.js';
import { CertgridError } from '../../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The user a `/certview/*` call acts as, set by the bearer guard before any handler runs;
     * null outside that scope. Handlers read it with `principalOf(request)`.
     */
    certviewPrincipal: CertviewPrincipal | null;
  }
}

export type { CertviewPrincipal };

/**
 * RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a b64token. A `Basic` header, a bare token
 * or anything with extra parts is no bearer token.
 */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer …` header. @throws CertgridError TOKEN_INVALID. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw new CertgridError('TOKEN_INVALID', 'No bearer token.', { data: { presented: false } });
  }
  const m = BEARER.exec(header);
  if (m === null) throw new CertgridError('TOKEN_INVALID', 'Not a bearer token.');
  return m[1] as string;
}

/**
 * Makes every request of `scope` authenticate first (an `onRequest` hook, so it runs before the
 * body is even read, for unknown paths too) and decorates it with its principal.
 */
export function installBearerGuard(
  scope: FastifyInstance,
  accounts: Pick<Accounts, 'authenticateToken'>,
): void {
  scope.decorateRequest('certviewPrincipal', null);
  scope.addHook('onRequest', async (request) => {
    request.certviewPrincipal = await accounts.authenticateToken(bearerToken(request.headers.authorization));
  });
}

/** The principal of a guarded request. @throws Error outside the guarded scope (a wiring mistake). */
export function principalOf(request: FastifyRequest): CertviewPrincipal {
  // Outside the scope the decoration does not exist at all (undefined), inside it starts as null.
  const p = request.certviewPrincipal as CertviewPrincipal | null | undefined;
  if (p === null || p === undefined) throw new Error('certviewPrincipal read outside the /certview scope');
  return p;
}
