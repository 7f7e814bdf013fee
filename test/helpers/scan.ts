/**
 * Scan and assess one endpoint the way the analysis does (`scanEndpoint` then `assessEndpoint`), for the
 * scanner's end-to-end tests against real and fake TLS servers on 127.0.0.1. The trust context has two
 * root stores: Mozilla's and "certgrid-test" holding `tlsFixtures().root`, so the test PKI's chains are
 * trusted by one store and not by the other.
 *
 * @example
 * const scheduler = createScheduler();
 * const scan = await scanAndAssess(scheduler, server);
 * expect(protocolIds(scan.facts)).toEqual([0x0303, 0x0304]);
 */
import type { X509Certificate } from 'node:crypto';
import { assessEndpoint, type EndpointAssessmentResult } from '../../src/core/assess/assess-endpoint.js';
import type { EndpointDetails, TrustEntry } from '../../src/core/assess/endpoint-details.js';
import type { GradeResult } from '../../src/core/assess/grade.js';
import { mozillaRootStore, rootStoreFromPem, type RootStore } from '../../src/core/assess/trust.js';
import { isAnonymous, isCbc, is3des } from '../../src/core/scan/ciphers.js';
import { scanEndpoint } from '../../src/core/scan/scan-endpoint.js';
import type { Scheduler } from '../../src/core/scan/scheduler.js';
import {
  SSL2,
  TLS13,
  type AcceptedSuite,
  type EndpointFacts,
  type ProtocolVersion,
} from '../../src/core/scan/types.js';
import { tlsFixtures } from './tls-fixtures.js';
import type { KeyExchange } from './tls-servers.js';

/** Name of the root store that holds the test PKI's root. */
export const TEST_STORE = 'certgrid-test';
export const MOZILLA_STORE = 'Mozilla';

/** Mozilla's store and the test root's, in that order. */
export function testRootStores(): RootStore[] {
  return [mozillaRootStore(), rootStoreFromPem(TEST_STORE, tlsFixtures().root.pem)];
}

export interface ScanTarget {
  readonly host: string;
  readonly port: number;
}

export interface ScanOptions {
  /** SNI name; default 'localhost' (the test certificates' name). */
  readonly serverName?: string | null;
  /** Certificates that may complete a chain the server left incomplete; default none. */
  readonly intermediates?: readonly X509Certificate[];
}

/** What a scan found and what the assessment made of it. */
export interface ScannedEndpoint {
  readonly facts: EndpointFacts;
  readonly assessment: EndpointAssessmentResult;
  readonly details: EndpointDetails;
  readonly grade: GradeResult;
  /** Wall-clock time of the scan alone. */
  readonly scanMs: number;
}

/** Assesses facts with the two test root stores; throws when the endpoint could not be assessed. */
export function assess(
  facts: EndpointFacts,
  intermediates: readonly X509Certificate[] = [],
): Omit<ScannedEndpoint, 'facts' | 'scanMs'> {
  const assessment = assessEndpoint(facts, {
    rootStores: testRootStores(),
    intermediates,
    now: new Date(),
  });
  if (assessment.details === null || assessment.grade === null) {
    throw new Error(`${facts.ip}:${facts.port} was not assessed: ${assessment.statusMessage}`);
  }
  return { assessment, details: assessment.details, grade: assessment.grade };
}

/** Scans the endpoint through `scheduler` and assesses it. Rejects when the scan failed. */
export async function scanAndAssess(
  scheduler: Scheduler,
  target: ScanTarget,
  options: ScanOptions = {},
): Promise<ScannedEndpoint> {
  const started = performance.now();
  const facts = await scanEndpoint(
    { scheduler },
    {
      ip: target.host,
      port: target.port,
      serverName: options.serverName === undefined ? 'localhost' : options.serverName,
    },
  );
  const scanMs = Math.round(performance.now() - started);
  if (facts.failure !== null)
    throw new Error(`scan of ${target.host}:${target.port} failed: ${facts.failure}`);
  return { facts, scanMs, ...assess(facts, options.intermediates) };
}

/** Protocol ids the scan found, oldest first (SSL Labs `Protocol.id`: 512 SSLv2 … 772 TLS 1.3). */
export function protocolIds(facts: EndpointFacts): ProtocolVersion[] {
  return facts.protocols.map((p) => p.protocol);
}

/** The accepted suites of SSL 3.0 … TLS 1.2 (not SSLv2 kinds, not TLS 1.3 suites). */
export function legacySuites(facts: EndpointFacts): AcceptedSuite[] {
  return facts.protocols.filter((p) => p.protocol !== SSL2 && p.protocol !== TLS13).flatMap((p) => p.suites);
}

/** Key exchange kinds among the accepted TLS <= 1.2 suites (anonymous DH counts as DHE, as OpenSSL's kDHE). */
export function keyExchanges(facts: EndpointFacts): KeyExchange[] {
  const found = new Set<KeyExchange>();
  for (const { suite } of legacySuites(facts)) {
    if (suite.kx === 'ECDH' && suite.forwardSecrecy) found.add('ECDHE');
    else if (suite.kx === 'DH' && suite.forwardSecrecy) found.add('DHE');
    else if (suite.kx === 'RSA') found.add('RSA');
  }
  return (['ECDHE', 'DHE', 'RSA'] as const).filter((k) => found.has(k));
}

export const hasCbc = (facts: EndpointFacts): boolean => legacySuites(facts).some((a) => isCbc(a.suite));
export const has3des = (facts: EndpointFacts): boolean => legacySuites(facts).some((a) => is3des(a.suite));

/** The distinct DH prime sizes seen on the accepted DHE suites. */
export function dhSizes(facts: EndpointFacts): number[] {
  const sizes = legacySuites(facts)
    .map((a) => a.kx?.dhBits)
    .filter((b): b is number => b !== undefined);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** The same facts without the anonymous suites: what the grade would be if the server did not accept them. */
export function withoutAnonymousSuites(facts: EndpointFacts): EndpointFacts {
  return {
    ...facts,
    protocols: facts.protocols.map((p) => ({ ...p, suites: p.suites.filter((a) => !isAnonymous(a.suite)) })),
  };
}

/** The verdict of one root store on the first trust path of the first chain. */
export function trustIn(details: EndpointDetails, store: string): TrustEntry | undefined {
  return details.certChains[0]?.trustPaths[0]?.trust.find((t) => t.rootStore === store);
}

export const capIds = (grade: GradeResult): string[] => grade.caps.map((c) => c.id).sort();
export const warningIds = (grade: GradeResult): string[] => grade.warnings.map((w) => w.id).sort();
export const qids = (assessment: EndpointAssessmentResult): number[] =>
  assessment.vulnerabilities.map((v) => v.qid);

/** The QIDs every assessed TLS endpoint reports (SSL server information, protocol properties, certificate). */
export const INFORMATIONAL_QIDS: readonly number[] = [38116, 38706, 86002];

/** One line per scan, slowest first, when CERTGRID_SCAN_TIMINGS is set (for measuring the suites). */
export function reportTimings(label: string, scans: ReadonlyMap<string, { readonly scanMs: number }>): void {
  if (!process.env.CERTGRID_SCAN_TIMINGS) return;
  const rows = [...scans].sort(([, a], [, b]) => b.scanMs - a.scanMs);
  console.info(`${label} scan times (ms): ${rows.map(([name, s]) => `${name} ${s.scanMs}`).join(', ')}`);
}
