/**
 * certgrid's trust store API (not in the CertView spec; see docs/compatibility.md): the root CA
 * certificates an account adds to its trust store, which its assessments report as the `account` root
 * store. Registered inside the guarded `/certview` scope; each handler reads its parameters, makes one
 * core call and renders.
 */
import type { FastifyInstance } from 'fastify';
import type { AddedTrustedRoot, TrustedRootRecord, TrustedRoots } from '../../core/analysis/index.js';
import { CertgridError } from '../../core/errors.js';
import { GatewayError, invalidParameter, missingParameters } from './errors.js';
import { bodyObject } from './params.js';
import { principalOf } from './principal.js';

export interface TrustRoutesDeps {
  readonly trustedRoots: TrustedRoots;
}

// What the account trusts decides how every scan of it is judged: the roles that may scan may change it.
const TRUST_ROLES = new Set(['Super User', 'Manager', 'PKI Admin']);

const rootView = (r: TrustedRootRecord) => ({
  certhash: r.certhash,
  subject: r.subject,
  notAfter: r.notAfter,
  created: r.created,
});

/** `certificates`: PEM text holding one or more certificates, or a list of such texts. */
function certificatesOf(v: unknown): string | string[] {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
    throw missingParameters(['certificates']);
  }
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((p) => typeof p === 'string')) return v as string[];
  throw invalidParameter('certificates', undefined, 'must be PEM text, or a list of PEM texts');
}

/** With a list of texts, a bad certificate's error names its entry: `certificates[2]`. */
async function addNamingTheEntry<T>(add: () => Promise<T>, certificates: string | string[]): Promise<T> {
  try {
    return await add();
  } catch (e) {
    const input = CertgridError.is(e, 'INVALID_ARGUMENT') ? e.data?.input : undefined;
    if (!Array.isArray(certificates) || certificates.length < 2 || typeof input !== 'number') throw e;
    const reason = (e as CertgridError).message.replace(/^certificate: /, '');
    throw invalidParameter(`certificates[${input}]`, undefined, reason);
  }
}

export async function registerTrustRoutes(scope: FastifyInstance, deps: TrustRoutesDeps): Promise<void> {
  const { trustedRoots } = deps;
  const writer = (role: string) => {
    if (!TRUST_ROLES.has(role)) {
      throw new CertgridError(
        'PERMISSION_DENIED',
        "Changing the account's trusted roots needs the Super User, Manager or PKI Admin role.",
      );
    }
  };

  scope.get('/v1/trust/roots', async (req) =>
    (await trustedRoots.listTrustedRoots(principalOf(req).accountId)).map(rootView),
  );

  scope.post('/v1/trust/roots', async (req, reply) => {
    const principal = principalOf(req);
    writer(principal.role);
    const certificates = certificatesOf(bodyObject(req.body).certificates);
    const result = await addNamingTheEntry(
      () => trustedRoots.addTrustedRoots(principal.accountId, certificates),
      certificates,
    );
    const of = (added: boolean) =>
      result.filter((r: AddedTrustedRoot) => r.added === added).map((r) => rootView(r.root));
    return reply.code(201).send({ added: of(true), present: of(false) });
  });

  scope.delete<{ Params: { certhash: string } }>('/v1/trust/roots/:certhash', async (req, reply) => {
    const principal = principalOf(req);
    writer(principal.role);
    try {
      await trustedRoots.removeTrustedRoot(principal.accountId, req.params.certhash);
    } catch (e) {
      // Not this account's, or not there: a 404 in the gateway's shape, as for scan schedules.
      if (CertgridError.is(e, 'NOT_FOUND')) throw new GatewayError(404, 'No such trusted root');
      throw e;
    }
    return reply.code(204).send();
  });
}
