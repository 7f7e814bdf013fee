import { table } from '../output.js';
import {
  expandTargets,
  parsePortList,
  type ScanProgress,
  type ScannedEndpoint,
  type ScanSummary,
} from '../../core/analysis/index.js';
import { CertgridError } from '../../core/errors.js';
import { resolveCustomer, withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

export interface ScanOptions extends CommonOptions {
  customer?: string;
  ports?: string;
  assess?: boolean;
  json?: boolean;
  parallel?: string;
  timeout?: string;
  /** false with --no-progress; the bar is drawn only when stderr is a terminal anyway. */
  progress?: boolean;
}

const BAR = 28;

/** One progress line, redrawn in place: bar, counts, elapsed time. */
export function progressLine(
  p: Pick<ScanProgress, 'done' | 'total'>,
  tls: number,
  elapsedMs: number,
): string {
  const ratio = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(ratio * BAR);
  const rate = elapsedMs > 0 ? Math.round((p.done * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${p.done}/${p.total} endpoints, ${tls} TLS, ${(elapsedMs / 1000).toFixed(1)} s, ${rate}/s`;
}

const date = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString().slice(0, 10));

/** The summary table: one row per TLS endpoint, then the failures counted by reason. */
export function summaryTable(summary: ScanSummary): string {
  const tls = summary.endpoints.filter((e) => e.failure === null);
  const header = [
    'ENDPOINT',
    'PROTOCOL',
    ...(summary.mode === 'assess' ? ['GRADE'] : []),
    'CERTS',
    'SUBJECT',
    'EXPIRES',
  ];
  const rows = tls.map((e) => [
    endpointName(e),
    e.protocol ?? '',
    ...(summary.mode === 'assess' ? [e.grade || '-'] : []),
    String(e.certificates),
    e.subject ?? '',
    date(e.validTo),
  ]);
  const out = tls.length > 0 ? [table(header, rows).trimEnd()] : [];
  const reasons = new Map<string, number>();
  for (const e of summary.endpoints)
    if (e.failure !== null) reasons.set(e.failure, (reasons.get(e.failure) ?? 0) + 1);
  out.push(
    `${summary.endpoints.length} endpoint(s) scanned in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.tls} answered SSL/TLS` +
      (reasons.size > 0 ? `; ${[...reasons].map(([r, n]) => `${n} ${r.toLowerCase()}`).join(', ')}` : ''),
  );
  if (summary.unresolved.length > 0) out.push(`not resolved: ${summary.unresolved.join(', ')}`);
  return out.join('\n') + '\n';
}

const endpointName = (e: ScannedEndpoint): string => {
  const addr = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return e.host === e.ip ? `${addr}:${e.port}` : `${e.host} (${addr}):${e.port}`;
};

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CertgridError('INVALID_ARGUMENT', `${name} must be a positive whole number`);
  return n;
}

/**
 * `certgrid scan <targets...>`: discovery (the certificate chain of every endpoint, into the inventory)
 * or, with --assess, the full assessment of each endpoint as analyze runs it. Progress goes to stderr,
 * the table or JSON to stdout; the exit status is 0 when at least one endpoint answered SSL/TLS.
 */
export async function scanCommand(targets: string[], opts: ScanOptions, io: Io): Promise<void> {
  const probeTimeoutMs = positive(opts.timeout, '--timeout');
  await withContext(
    opts,
    async ({ certgrid, config }) => {
      const account = await resolveCustomer(certgrid.accounts, opts.customer);
      const ports = opts.ports !== undefined ? parsePortList(opts.ports, '--ports') : config.scan.ports;
      const expanded = expandTargets(targets, ports);
      const showProgress = opts.progress !== false && process.stderr.isTTY === true && !opts.json;
      const began = performance.now();
      let tls = 0;
      let lastDraw = 0;
      const summary = await certgrid.analysis.scan({
        accountId: account.id,
        targets: expanded,
        mode: opts.assess ? 'assess' : 'discover',
        parallel: positive(opts.parallel, '--parallel'),
        onProgress: (p) => {
          if (p.last.failure === null) tls++;
          const now = performance.now();
          // Redraw at most 20 times a second; always draw the last one.
          if (showProgress && (now - lastDraw > 50 || p.done === p.total)) {
            lastDraw = now;
            io.err(`\r${progressLine(p, tls, now - began)}`);
          }
        },
      });
      if (showProgress) io.err('\n');
      io.out(
        opts.json
          ? JSON.stringify({ customer_name: account.name, ...summary }, null, 2) + '\n'
          : summaryTable(summary),
      );
      if (summary.tls === 0) throw new CertgridError('NOT_FOUND', 'no endpoint answered SSL/TLS');
    },
    probeTimeoutMs !== undefined ? { scanProbeTimeoutMs: probeTimeoutMs } : {},
  );
}
