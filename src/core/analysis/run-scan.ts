import { isIP } from 'node:net';
import { certificateFacts } from '../inventory/index.js';
import { grabCertificates } from '../scan/grab-certificates.js';
import { assessAndRecord } from './assess-and-record.js';
import type { AnalysisDeps } from './deps.js';
import type { ScanTarget } from './scan-targets.js';

/**
 * A scan job over many targets (`certgrid scan`, the scan API): every address of every target on each
 * of its ports. `discover` reads each endpoint's certificate chain in one or two connections and
 * records it in the inventory; `assess` runs the full assessment (protocols, suites, flags, grade)
 * and stores it as analyze does. Endpoints run in parallel; the scheduler bounds the connections.
 */
export type ScanMode = 'discover' | 'assess';

export interface RunScanInput {
  readonly accountId: number;
  readonly targets: readonly ScanTarget[];
  readonly mode: ScanMode;
  readonly signal?: AbortSignal | undefined;
  /** Called after each endpoint; `total` grows while names are still being resolved. */
  readonly onProgress?: ((progress: ScanProgress) => void) | undefined;
  /** Endpoints in flight at once (default 512 for discovery, 16 for full assessments). */
  readonly parallel?: number | undefined;
}

export interface ScanProgress {
  readonly done: number;
  readonly total: number;
  readonly last: ScannedEndpoint;
}

export interface ScannedEndpoint {
  /** The target as given (a name, or an address). */
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  /** Null when the endpoint answered SSL/TLS; otherwise why not. */
  readonly failure: string | null;
  /** The protocol negotiated (discovery) or the highest supported (assessment). */
  readonly protocol: string | null;
  readonly certificates: number;
  /** The leaf's subject CN and expiry (epoch ms), when a chain was read. */
  readonly subject: string | null;
  readonly validTo: number | null;
  /** '' for discovery. */
  readonly grade: string;
}

export interface ScanSummary {
  readonly mode: ScanMode;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly endpoints: readonly ScannedEndpoint[];
  /** Endpoints that answered SSL/TLS. */
  readonly tls: number;
  /** Targets whose name did not resolve. */
  readonly unresolved: readonly string[];
}

interface Job {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  readonly serverName: string | null;
}

function leafFacts(der: Uint8Array | undefined): { subject: string | null; validTo: number | null } {
  if (der === undefined) return { subject: null, validTo: null };
  try {
    const f = certificateFacts(der);
    return { subject: f.subject.name || f.subjectAlternativeNames.dns[0] || null, validTo: f.notAfter };
  } catch {
    return { subject: null, validTo: null };
  }
}

async function discover(
  deps: AnalysisDeps,
  accountId: number,
  job: Job,
  signal?: AbortSignal,
): Promise<ScannedEndpoint> {
  const grabbed = await grabCertificates(deps.scheduler, { ...job, ...(signal ? { signal } : {}) });
  const base = { host: job.host, ip: job.ip, port: job.port, grade: '' };
  if (grabbed.chain === null) {
    return {
      ...base,
      failure: grabbed.failure,
      protocol: null,
      certificates: 0,
      subject: null,
      validTo: null,
    };
  }
  const recorded = await deps.inventory.recordScan({
    accountId,
    certificates: grabbed.chain,
    seenOn: {
      assetName: job.serverName ?? job.ip,
      address: job.ip,
      ...(job.serverName !== null ? { hostname: job.serverName } : {}),
      managed: true,
      instance: {
        port: job.port,
        protocol: 'tcp',
        fqdn: job.serverName ?? '',
        ...(grabbed.protocol !== null ? { sslProtocols: [grabbed.protocol] } : {}),
      },
    },
  });
  return {
    ...base,
    failure: null,
    protocol: grabbed.protocol,
    certificates: recorded,
    ...leafFacts(grabbed.chain[0]),
  };
}

async function assess(
  deps: AnalysisDeps,
  accountId: number,
  job: Job,
  signal?: AbortSignal,
): Promise<ScannedEndpoint> {
  const r = await assessAndRecord(deps, { accountId, ...job, signal });
  const base = { host: job.host, ip: job.ip, port: job.port };
  if (r === null) {
    return {
      ...base,
      failure: 'No SSL/TLS service',
      protocol: null,
      certificates: 0,
      subject: null,
      validTo: null,
      grade: '',
    };
  }
  return {
    ...base,
    failure: null,
    protocol: r.assessment.sslProtocols.at(-1) ?? null,
    certificates: r.assessment.certificates.length,
    grade: r.grade,
    ...leafFacts(r.assessment.certificates[0]),
  };
}

export async function runScan(deps: AnalysisDeps, input: RunScanInput): Promise<ScanSummary> {
  const startedAt = deps.clock.now().getTime();
  const began = performance.now();
  const unresolved: string[] = [];
  const jobs: Job[] = [];
  for (const t of input.targets) {
    const ip = isIP(t.host) !== 0 ? t.host : null;
    const addresses = ip !== null ? [ip] : await deps.resolver.addresses(t.host);
    if (addresses.length === 0) unresolved.push(t.host);
    for (const address of addresses) {
      for (const port of t.ports)
        jobs.push({ host: t.host, ip: address, port, serverName: ip === null ? t.host : null });
    }
  }
  const results: ScannedEndpoint[] = new Array<ScannedEndpoint>(jobs.length);
  const parallel = Math.max(1, input.parallel ?? (input.mode === 'discover' ? 512 : 16));
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      if (input.signal?.aborted) return;
      const i = next++;
      const job = jobs[i]!;
      const r =
        input.mode === 'discover'
          ? await discover(deps, input.accountId, job, input.signal)
          : await assess(deps, input.accountId, job, input.signal);
      results[i] = r;
      done++;
      input.onProgress?.({ done, total: jobs.length, last: r });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  const endpoints = results.filter((r) => r !== undefined);
  return {
    mode: input.mode,
    startedAt,
    durationMs: Math.round(performance.now() - began),
    endpoints,
    tls: endpoints.filter((e) => e.failure === null).length,
    unresolved,
  };
}
