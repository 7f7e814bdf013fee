import { X509Certificate } from 'node:crypto';
import { assessEndpoint, type AssessContext } from '../assess/assess-endpoint.js';
import { mozillaRootStore, type RootStore } from '../assess/trust.js';
import type { Clock } from '../deps.js';
import { scanEndpoint, type ActiveTest } from '../scan/scan-endpoint.js';
import type { Scheduler } from '../scan/scheduler.js';
import type { AssessEndpoint } from './assessment.js';
import { ACCOUNT_ROOT_STORE } from './trusted-roots.js';

/** A CA certificate of certgrid's own hierarchy (roots an account adds arrive through `accountRoots`). */
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
  /**
   * The roots the account added to its trust store (core/analysis/trusted-roots.ts); when there are any,
   * the assessment has a third root store, `account`.
   */
  readonly accountRoots?: (accountId: number) => Promise<readonly X509Certificate[]>;
  readonly activeTests?: readonly ActiveTest[];
}

/** Name of the root store holding certgrid's own CA roots (trust paths report it as `rootStore`). */
export const CERTGRID_ROOT_STORE = 'certgrid';

/**
 * Trust stores for one assessment: Mozilla (Node's bundled roots), certgrid's own roots and the roots the
 * account added; certgrid's intermediates may complete a chain a server sent without them.
 */
async function trustContext(deps: EndpointAssessorDeps, accountId: number): Promise<AssessContext> {
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
  // Not caught: an unreadable store must fail the assessment, not report the account's servers untrusted.
  const added = (await deps.accountRoots?.(accountId)) ?? [];
  if (added.length > 0) stores.push({ name: ACCOUNT_ROOT_STORE, roots: added });
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
    const result = assessEndpoint(facts, await trustContext(deps, context.accountId));
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
