import { X509Certificate } from 'node:crypto';
import { assessEndpoint, type AssessContext } from '../assess/assess-endpoint.js';
import { mozillaRootStore, type RootStore } from '../assess/trust.js';
import type { Clock } from '../deps.js';
import { scanEndpoint, type ActiveTest } from '../scan/scan-endpoint.js';
import type { Scheduler } from '../scan/scheduler.js';
import type { AssessEndpoint } from './assessment.js';

/** A CA certificate certgrid knows as trusted: its own hierarchy today, roots an account adds later. */
export interface KnownCa {
  readonly role: 'root' | 'intermediate';
  readonly pem: string;
}

export interface EndpointAssessorDeps {
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  /** certgrid's own CA certificates (root first); an empty list before `init`. */
  readonly certgridCas: () => Promise<readonly KnownCa[]>;
  /**
   * The serials certgrid's CAs have revoked, by CA certhash (from their own CRLs), so a leaf certgrid
   * issued and revoked is judged revoked. Other issuers' CRLs are not fetched (docs/trust.md).
   */
  readonly certgridRevocations?: () => Promise<ReadonlyMap<string, ReadonlySet<string>>>;
  readonly activeTests?: readonly ActiveTest[];
}

/** Name of the root store holding certgrid's own CA roots (trust paths report it as `rootStore`). */
export const CERTGRID_ROOT_STORE = 'certgrid';

/**
 * Trust stores for one assessment: Mozilla (Node's bundled roots) and certgrid's own roots; certgrid's
 * intermediates may complete a chain a server sent without them.
 */
async function trustContext(deps: EndpointAssessorDeps): Promise<AssessContext> {
  let cas: readonly KnownCa[] = [];
  try {
    cas = await deps.certgridCas();
  } catch {
    // No CA yet (or its store is unreadable): assess against Mozilla alone.
  }
  const parse = (role: KnownCa['role']) =>
    cas.filter((c) => c.role === role).map((c) => new X509Certificate(c.pem));
  const stores: RootStore[] = [mozillaRootStore()];
  const roots = parse('root');
  if (roots.length > 0) stores.push({ name: CERTGRID_ROOT_STORE, roots });
  let revokedSerials: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  try {
    revokedSerials = await deps.certgridRevocations?.();
  } catch {
    // CRLs unreadable (no CA key to regenerate one): revocation stays unchecked rather than guessed.
  }
  return {
    rootStores: stores,
    intermediates: parse('intermediate'),
    now: deps.clock.now(),
    ...(revokedSerials === undefined ? {} : { revokedSerials }),
  };
}

/** Scan → assess: the AssessEndpoint the analysis use cases run. */
export function createEndpointAssessor(deps: EndpointAssessorDeps): AssessEndpoint {
  return async (target, context) => {
    const facts = await scanEndpoint(
      { scheduler: deps.scheduler, now: () => deps.clock.now().getTime(), activeTests: deps.activeTests },
      { ip: target.ip, port: target.port, serverName: target.serverName, signal: context.signal },
    );
    const result = assessEndpoint(facts, await trustContext(deps));
    return {
      service: result.service,
      grade: result.grade?.grade ?? '',
      gradeTrustIgnored: result.grade?.gradeTrustIgnored ?? '',
      hasWarnings: result.grade?.hasWarnings ?? false,
      isExceptional: result.grade?.isExceptional ?? false,
      statusMessage: result.statusMessage,
      details: result.details,
      certificates: result.certificates,
      sslProtocols: result.sslProtocols,
      vulnerabilities: result.vulnerabilities,
    };
  };
}
