/**
 * certgrid's full assessment of one endpoint, as the analysis runs it (src/core/analysis/endpoint-assessor.ts):
 * `scanEndpoint` (protocols, suites per protocol, groups, chains with and without SNI, session,
 * HTTP, every probe, and the active tests on a completed session) then `assessEndpoint` (chains and
 * trust per root store, flags, handshake simulations, grade, findings). Trust: Mozilla's store and
 * one holding the test PKI's root.
 */
import { assessEndpoint, type EndpointAssessmentResult } from '../../src/core/assess/assess-endpoint.js';
import { mozillaRootStore, rootStoreFromPem } from '../../src/core/assess/trust.js';
import { paddingOracleActiveTest } from '../../src/core/scan/probes/padding-oracle.js';
import { robotActiveTest } from '../../src/core/scan/probes/robot.js';
import { scanEndpoint, type ActiveTest } from '../../src/core/scan/scan-endpoint.js';
import type { Scheduler } from '../../src/core/scan/scheduler.js';
import type { EndpointFacts } from '../../src/core/scan/types.js';

/** ROBOT and the CBC padding oracles (docs/active-tests.md), as src/compose.ts gives them to the analysis. */
export const ACTIVE_TESTS: readonly ActiveTest[] = [robotActiveTest, paddingOracleActiveTest];

export interface AssessedEndpoint {
  readonly facts: EndpointFacts;
  readonly result: EndpointAssessmentResult;
  /** Wall-clock milliseconds, scan and assessment. */
  readonly ms: number;
  /** Of which the assessment (pure CPU: trust, simulations, grade). */
  readonly assessMs: number;
}

export interface AssessOptions {
  /** The test PKI's root, PEM, as a second root store ("certgrid-test"). */
  readonly rootPem: string;
  /** SNI name; default 'localhost' (the test certificates' name). */
  readonly serverName?: string | null;
  /** Default: ROBOT and the padding oracles. */
  readonly activeTests?: readonly ActiveTest[];
}

export async function assessLoopback(
  scheduler: Scheduler,
  target: { readonly host: string; readonly port: number },
  options: AssessOptions,
): Promise<AssessedEndpoint> {
  const t0 = performance.now();
  const facts = await scanEndpoint(
    { scheduler, activeTests: options.activeTests ?? ACTIVE_TESTS },
    {
      ip: target.host,
      port: target.port,
      serverName: options.serverName === undefined ? 'localhost' : options.serverName,
    },
  );
  const t1 = performance.now();
  const result = assessEndpoint(facts, {
    rootStores: [mozillaRootStore(), rootStoreFromPem('certgrid-test', options.rootPem)],
    intermediates: [],
    now: new Date(),
  });
  const t2 = performance.now();
  return { facts, result, ms: t2 - t0, assessMs: t2 - t1 };
}
