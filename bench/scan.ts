/**
 * `npm run bench -- scan`: the TLS scanner (issue 4).
 *
 * 1. Full assessment per endpoint over the loopback server matrix (test/helpers/tls-servers.ts kinds):
 *    certgrid's scan + assessment (every probe and flag, ROBOT and the padding oracles, chains and
 *    trust, simulations, grade), the median of `--reps` runs, beside testssl.sh and sslscan on the
 *    same server in the same run, with the ratios and the suites each found that the other did not.
 * 2. Discovery: certificate grabs per second (`grabCertificates`, one hello per endpoint) against many
 *    node:tls listeners on loopback, with the CPU of the scanner and of the listeners apart.
 *
 * The servers and listeners run in child processes, so this process's CPU is the scanner's.
 *
 * Options: --servers a,b,c (test/helpers/tls-servers.ts kinds) · --reps N (3) · --no-testssl ·
 * --testssl-reps N (1; a run takes 20–60 s) · --no-sslscan · --no-active-tests · --only matrix|discovery ·
 * --listeners N (1000) · --listener-processes N (1) · --addresses N (loopback addresses, 1) ·
 * --listener-cert ecdsa|rsa · --concurrency N (discovery's scheduler, 512) · --discovery-reps N (3) ·
 * --back-to-back (no wait for the server between timed runs, see `untilServed`) ·
 * --json (tables on stderr, one JSON document on stdout).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { grabCertificates, type GrabResult } from '../src/core/scan/grab-certificates.js';
import { createScheduler, SCHEDULER_DEFAULTS, type Scheduler } from '../src/core/scan/scheduler.js';
import { TLS_SERVER_KINDS, tlsServerTool, type TlsServerKind } from '../test/helpers/tls-servers.js';
import { ACTIVE_TESTS, assessLoopback, type AssessedEndpoint } from './lib/certgrid-scan.js';
import { fmt } from './lib/load.js';
import { hasCommand } from './lib/openssl.js';
import {
  certgridView,
  runSslscan,
  runTestssl,
  suiteDifferences,
  TESTSSL_FLAGS,
  testsslArgs,
  sslscanArgs,
  type PeerRun,
  type ScanView,
} from './lib/peers.js';
import { startListeners } from './lib/listeners.js';
import { openFileLimit, processTreeCpu } from './lib/proc.js';
import { startServerProcess, type MatrixServer } from './lib/tls-server-process.js';

const DEFAULT_SERVERS = [
  'openssl-intermediate',
  'openssl-legacy',
  'nginx-intermediate',
  'nginx-legacy',
  'gnutls-normal',
  'node-intermediate',
];

/**
 * `openssl s_server -www` and gnutls-serv serve one connection at a time: a connection that waits (for a
 * Finished that never comes, or s_server's one-second sleep after a renegotiation attempt) holds up
 * every other, so parallel probes queue behind it. nginx and node:tls serve connections concurrently.
 */
const serial = (kind: string) => ['openssl', 'gnutls-serv'].includes(tlsServerTool(kind as TlsServerKind));

interface Options {
  readonly servers: string[];
  readonly reps: number;
  readonly testssl: boolean;
  readonly testsslReps: number;
  readonly sslscan: boolean;
  readonly activeTests: boolean;
  readonly matrix: boolean;
  readonly discovery: boolean;
  readonly listeners: number;
  readonly listenerProcesses: number;
  readonly addresses: number;
  readonly listenerCertificate: 'ecdsa' | 'rsa';
  readonly concurrency: number;
  readonly discoveryReps: number;
  readonly backToBack: boolean;
  readonly json: boolean;
}

function parseArgs(args: string[]): Options {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = get('--only');
  const servers = (get('--servers') ?? DEFAULT_SERVERS.join(',')).split(',').filter((s) => s !== '');
  for (const s of servers) {
    if (!(TLS_SERVER_KINDS as readonly string[]).includes(s))
      throw new Error(`unknown server kind ${s}; kinds: ${TLS_SERVER_KINDS.join(', ')}`);
  }
  return {
    servers,
    reps: Number(get('--reps') ?? 3),
    testssl: !args.includes('--no-testssl'),
    testsslReps: Number(get('--testssl-reps') ?? 1),
    sslscan: !args.includes('--no-sslscan'),
    activeTests: !args.includes('--no-active-tests'),
    matrix: only === undefined || only === 'matrix',
    discovery: only === undefined || only === 'discovery',
    listeners: Number(get('--listeners') ?? 1000),
    listenerProcesses: Number(get('--listener-processes') ?? 1),
    addresses: Number(get('--addresses') ?? 1),
    listenerCertificate: get('--listener-cert') === 'rsa' ? 'rsa' : 'ecdsa',
    // Discovery: enough connections in flight that the scanner, not the window, is the limit.
    concurrency: Number(get('--concurrency') ?? 512),
    discoveryReps: Number(get('--discovery-reps') ?? 3),
    backToBack: args.includes('--back-to-back'),
    json: args.includes('--json'),
  };
}

/**
 * Waits until the server completes a handshake again, and says how long that took (ms). `openssl s_server`
 * sleeps one second after any client-initiated renegotiation attempt, and certgrid, sslscan and testssl.sh
 * all make one, as their last step; a server that serves one connection at a time then makes whoever comes
 * next wait for the end of that sleep. A timed run starts only once the server answers, so it measures its
 * own scan, not the tail of the previous one (`--back-to-back` measures them back to back instead).
 */
function untilServed(server: { readonly host: string; readonly port: number }): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: server.host,
      port: server.port,
      servername: 'localhost',
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'ALL:@SECLEVEL=0',
    });
    const done = () => {
      socket.destroy();
      resolve(performance.now() - started);
    };
    socket.setTimeout(10_000, done);
    socket.once('secureConnect', done);
    socket.once('error', done);
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One line of a tool's version, or 'not installed'. */
function version(cmd: string, args: string[], pick: RegExp): string {
  if (!hasCommand(cmd)) return 'not installed';
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // Strip terminal colours some tools print whatever they are told.
    const text = out
      .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
      .replace(/[ \t]+/g, ' ');
    return (pick.exec(text)?.[0] ?? text.split('\n')[0] ?? '').trim();
  } catch {
    return 'unknown';
  }
}

interface PeerFigures {
  readonly medianSeconds: number;
  readonly runs: readonly number[];
  /** Before each run, how long the server took to complete a handshake (ms; the previous run's tail). */
  readonly waitedMs: readonly number[];
  readonly cpuSeconds: number;
  readonly suitesOnlyPeer: readonly string[];
  readonly suitesOnlyCertgrid: readonly string[];
  readonly suiteCount: number;
  readonly exitCode: number | null;
}

interface CertgridFigures {
  readonly medianSeconds: number;
  readonly runs: readonly number[];
  /** Before each run, how long the server took to complete a handshake (ms; the previous run's tail). */
  readonly waitedMs: readonly number[];
  /** The assessment's share (trust, simulations, grade: pure CPU), median. */
  readonly assessMs: number;
  readonly connections: number;
  /** CPU seconds per run of this process (the scanner) and of the server. */
  readonly scannerCpuSeconds: number;
  readonly serverCpuSeconds: number;
  readonly grade: string;
  readonly protocols: readonly string[];
  readonly suiteCount: number;
  /** SSL Labs codes of the active tests, one value per run (they should never differ). */
  readonly activeTests: Readonly<Record<string, readonly number[]>>;
}

interface ServerFigures {
  readonly server: string;
  readonly port: number;
  /** With the active tests (ROBOT, padding oracles) unless --no-active-tests. */
  readonly certgrid: CertgridFigures;
  /** Without the active tests: how much of the time they take. */
  readonly certgridWithoutActiveTests?: CertgridFigures;
  readonly sslscan?: PeerFigures;
  readonly testssl?: PeerFigures;
}

const suiteCount = (v: ScanView) => [...v.suites.values()].reduce((n, s) => n + s.size, 0);

/** Before a timed run: wait for the server to serve again (untimed), unless runs go back to back. */
type Settle = () => Promise<number>;

async function timePeer(
  reps: number,
  go: () => Promise<PeerRun>,
  certgrid: ScanView,
  settle: Settle,
): Promise<PeerFigures> {
  const runs: PeerRun[] = [];
  const waitedMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    waitedMs.push(await settle());
    runs.push(await go());
  }
  const last = runs.at(-1)!;
  const diff = suiteDifferences(certgrid, last.view);
  return {
    medianSeconds: median(runs.map((r) => r.seconds)),
    runs: runs.map((r) => r.seconds),
    waitedMs,
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    suitesOnlyPeer: diff.onlyPeer,
    suitesOnlyCertgrid: diff.onlyCertgrid,
    suiteCount: suiteCount(last.view),
    exitCode: last.exitCode,
  };
}

async function timeCertgrid(
  reps: number,
  server: MatrixServer,
  scheduler: Scheduler,
  assess: () => Promise<AssessedEndpoint>,
  settle: Settle,
): Promise<{ figures: CertgridFigures; view: ScanView }> {
  const runs: AssessedEndpoint[] = [];
  const waitedMs: number[] = [];
  const connections0 = scheduler.connections;
  const cpu0 = process.cpuUsage();
  const serverCpu0 = processTreeCpu(server.pid);
  for (let r = 0; r < reps; r++) {
    waitedMs.push(await settle());
    runs.push(await assess());
  }
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = processTreeCpu(server.pid) - serverCpu0;
  const last = runs.at(-1)!;
  if (last.facts.failure !== null) throw new Error(`${server.kind}: scan failed: ${last.facts.failure}`);
  const view = certgridView(last.facts, last.result.details!);
  const seconds = runs.map((r) => r.ms / 1000);
  return {
    view,
    figures: {
      medianSeconds: median(seconds),
      runs: seconds,
      waitedMs,
      assessMs: median(runs.map((r) => r.assessMs)),
      // The settle handshakes are not certgrid's (they use node:tls directly, not the scheduler).
      connections: (scheduler.connections - connections0) / reps,
      scannerCpuSeconds: (cpu.user + cpu.system) / 1e6 / reps,
      serverCpuSeconds: serverCpu / reps,
      grade: last.result.grade?.grade ?? '-',
      protocols: view.protocols,
      suiteCount: suiteCount(view),
      activeTests: Object.fromEntries(
        Object.keys(last.facts.activeTests).map((k) => [k, runs.map((r) => r.facts.activeTests[k] ?? NaN)]),
      ),
    },
  };
}

/** The settle waits when one was long enough to matter (the server was still busy with the previous run). */
const describeWaits = (waitedMs: readonly number[]) =>
  waitedMs.some((ms) => ms >= 50)
    ? `; server busy from the previous run for ${waitedMs.map((ms) => fmt(ms, 0)).join('/')} ms before the runs, not timed`
    : '';

const describeCertgrid = (label: string, c: CertgridFigures) =>
  `${label} ${fmt(c.medianSeconds, 3)} s (runs ${c.runs.map((s) => fmt(s, 3)).join(', ')}${describeWaits(c.waitedMs)}; ` +
  `assessment ${fmt(c.assessMs, 1)} ms; ${fmt(c.connections)} connections; CPU scanner ${fmt(c.scannerCpuSeconds, 3)} s, ` +
  `server ${fmt(c.serverCpuSeconds, 3)} s)`;

async function runMatrix(opts: Options, log: (s: string) => void): Promise<ServerFigures[]> {
  const withTestssl = opts.testssl && hasCommand('testssl');
  const withSslscan = opts.sslscan && hasCommand('sslscan');
  if (opts.testssl && !withTestssl) log('testssl: not installed (apt-get install testssl.sh) — skipped');
  if (opts.sslscan && !withSslscan) log('sslscan: not installed (apt-get install sslscan) — skipped');
  log(
    `\n== Full assessment per endpoint: ${opts.servers.join(', ')}; certgrid median of ${opts.reps}` +
      `${withSslscan ? `, sslscan median of ${opts.reps}` : ''}${withTestssl ? `, testssl.sh ${opts.testsslReps} run(s)` : ''}`,
  );
  log(
    `certgrid: scanEndpoint + assessEndpoint, scheduler defaults (perTarget ${SCHEDULER_DEFAULTS.perTarget}, ` +
      `probe timeout ${SCHEDULER_DEFAULTS.probeTimeoutMs} ms), SNI localhost, trust: Mozilla + the test root; ` +
      `${opts.activeTests ? 'with the active tests (ROBOT, padding oracles) as analyze runs them, and again without them' : 'without the active tests'}; ` +
      `one discarded warm-up; ${opts.backToBack ? 'runs back to back' : 'each timed run (certgrid and peers) starts once the server completes a handshake again (not timed)'}`,
  );
  if (withTestssl)
    log(`testssl.sh: testssl ${testsslArgs('127.0.0.1', 0, '<tmp>.json').join(' ').replace(':0', ':PORT')}`);
  if (withSslscan)
    log(`sslscan: sslscan ${sslscanArgs('127.0.0.1', 0, '<tmp>.xml').join(' ').replace(':0', ':PORT')}`);

  const proc = await startServerProcess(opts.servers);
  const figures: ServerFigures[] = [];
  try {
    const scheduler = createScheduler();
    const settleOn = (s: MatrixServer): Settle => (opts.backToBack ? async () => 0 : () => untilServed(s));
    const assess = (s: MatrixServer, active: boolean) =>
      assessLoopback(scheduler, s, { rootPem: proc.root, activeTests: active ? ACTIVE_TESTS : [] });
    // Warm-up (JIT, Mozilla's root store, the simulation profiles), discarded.
    await assess(proc.servers[0]!, opts.activeTests);
    for (const server of proc.servers) {
      const settle = settleOn(server);
      const main = await timeCertgrid(
        opts.reps,
        server,
        scheduler,
        () => assess(server, opts.activeTests),
        settle,
      );
      const without = opts.activeTests
        ? (await timeCertgrid(opts.reps, server, scheduler, () => assess(server, false), settle)).figures
        : undefined;
      const c = main.figures;
      const row: ServerFigures = {
        server: server.kind,
        port: server.port,
        certgrid: c,
        ...(without ? { certgridWithoutActiveTests: without } : {}),
        ...(withSslscan
          ? {
              sslscan: await timePeer(
                opts.reps,
                () => runSslscan(server.host, server.port),
                main.view,
                settle,
              ),
            }
          : {}),
        ...(withTestssl
          ? {
              testssl: await timePeer(
                opts.testsslReps,
                () => runTestssl(server.host, server.port),
                main.view,
                settle,
              ),
            }
          : {}),
      };
      figures.push(row);
      const active = Object.entries(c.activeTests);
      log(
        `\n${server.kind}: grade ${c.grade}, ${c.protocols.join(' ')}, ${c.suiteCount} suites` +
          `${active.length > 0 ? `; active tests ${active.map(([k, v]) => `${k}=${new Set(v).size === 1 ? v[0] : `${v.join('/')} (DIFFERED between runs)`}`).join(' ')}` : ''}`,
      );
      log(`  ${describeCertgrid('certgrid'.padEnd(21), c)}`);
      if (without) log(`  ${describeCertgrid('certgrid w/o active'.padEnd(21), without)}`);
      for (const [name, p] of [
        ['sslscan', row.sslscan],
        ['testssl.sh', row.testssl],
      ] as const) {
        if (p === undefined) continue;
        log(
          `  ${name.padEnd(21)} ${fmt(p.medianSeconds, 3)} s (runs ${p.runs.map((s) => fmt(s, 2)).join(', ')}${describeWaits(p.waitedMs)}; ` +
            `CPU ${fmt(p.cpuSeconds, 2)} s${p.exitCode === 0 ? '' : `; exit ${p.exitCode}`}) ${p.suiteCount} suites; ` +
            `${fmt(p.medianSeconds / c.medianSeconds, 1)}x certgrid` +
            `${without ? `, ${fmt(p.medianSeconds / without.medianSeconds, 1)}x certgrid w/o active` : ''}; ` +
            `suites found by ${name} only: ${p.suitesOnlyPeer.length === 0 ? 'none' : p.suitesOnlyPeer.join(', ')}; ` +
            `by certgrid only: ${p.suitesOnlyCertgrid.length === 0 ? 'none' : p.suitesOnlyCertgrid.join(', ')}`,
        );
      }
    }
  } finally {
    await proc.stop();
  }

  const secs = (x?: { medianSeconds: number }) => (x === undefined ? '-' : `${fmt(x.medianSeconds, 3)} s`);
  const ratio = (p: PeerFigures | undefined, c: number) =>
    p === undefined ? '-' : `${fmt(p.medianSeconds / c, 1)}x`;
  log(
    `\n${'server'.padEnd(22)} ${'certgrid'.padStart(9)} ${'w/o active'.padStart(10)} ${'sslscan'.padStart(9)} ` +
      `${'testssl'.padStart(9)} ${'testssl/cg'.padStart(10)} ${'sslscan/cg'.padStart(10)}  suites cg/sslscan/testssl  missed by certgrid`,
  );
  for (const f of figures) {
    const c = f.certgrid.medianSeconds;
    const missed = [...(f.sslscan?.suitesOnlyPeer ?? []), ...(f.testssl?.suitesOnlyPeer ?? [])];
    log(
      `${`${f.server}${serial(f.server) ? ' *' : ''}`.padEnd(22)} ${secs(f.certgrid).padStart(9)} ${secs(f.certgridWithoutActiveTests).padStart(10)} ` +
        `${secs(f.sslscan).padStart(9)} ${secs(f.testssl).padStart(9)} ` +
        `${ratio(f.testssl, c).padStart(10)} ${ratio(f.sslscan, c).padStart(10)}  ` +
        `${`${f.certgrid.suiteCount}/${f.sslscan?.suiteCount ?? '-'}/${f.testssl?.suiteCount ?? '-'}`.padEnd(26)} ` +
        `${missed.length === 0 ? 'none' : [...new Set(missed)].join(', ')}`,
    );
  }
  if (figures.some((f) => serial(f.server)))
    log(
      '* serves one connection at a time (s_server -www, gnutls-serv): parallel probes queue behind a waiting one',
    );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const concurrent = figures.filter((f) => !serial(f.server));
  /** The extreme of `pick` over every server, without the active tests, and over the concurrent servers. */
  const extremes = (
    pick: (f: ServerFigures, c: CertgridFigures) => number,
    extreme: (...xs: number[]) => number,
  ) => ({
    all: extreme(...figures.map((f) => pick(f, f.certgrid))),
    without: figures.every((f) => f.certgridWithoutActiveTests)
      ? extreme(...figures.map((f) => pick(f, f.certgridWithoutActiveTests!)))
      : undefined,
    concurrent: concurrent.length > 0 ? extreme(...concurrent.map((f) => pick(f, f.certgrid))) : undefined,
  });
  const target = (
    label: string,
    x: ReturnType<typeof extremes>,
    show: (v: number) => string,
    ok: (v: number) => boolean,
  ) =>
    log(
      `target: ${label}: ${show(x.all)} — ${verdict(ok(x.all))}` +
        (x.without !== undefined ? `; without the active tests ${show(x.without)}` : '') +
        (x.concurrent !== undefined && concurrent.length < figures.length
          ? `; on the servers that serve connections concurrently ${show(x.concurrent)}`
          : ''),
    );
  log('');
  target(
    'full assessment < 0.5 s per loopback endpoint',
    extremes((_, c) => c.medianSeconds, Math.max),
    (v) => `worst ${fmt(v, 3)} s`,
    (v) => v < 0.5,
  );
  if (withTestssl)
    target(
      '>= 100x faster than testssl.sh',
      extremes((f, c) => f.testssl!.medianSeconds / c.medianSeconds, Math.min),
      (v) => `lowest ratio ${fmt(v, 1)}x`,
      (v) => v >= 100,
    );
  if (withSslscan)
    target(
      'faster than sslscan on every server',
      extremes((f, c) => f.sslscan!.medianSeconds / c.medianSeconds, Math.min),
      (v) => `lowest ratio ${fmt(v, 2)}x`,
      (v) => v > 1,
    );
  if (withSslscan || withTestssl) {
    const missed = figures.flatMap((f) => [
      ...(f.sslscan?.suitesOnlyPeer ?? []).map((s) => `${f.server} ${s} (sslscan)`),
      ...(f.testssl?.suitesOnlyPeer ?? []).map((s) => `${f.server} ${s} (testssl.sh)`),
    ]);
    log(
      `target: at least the suites the peers find: ${missed.length === 0 ? 'met (none missed)' : `NOT MET: ${missed.join(', ')}`}`,
    );
  }
  return figures;
}

interface DiscoveryRun {
  readonly seconds: number;
  readonly perSecond: number;
  readonly ok: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly scannerCpuSeconds: number;
  readonly listenerCpuSeconds: number;
}

interface DiscoveryFigures {
  readonly listeners: number;
  readonly openFileLimit: string;
  readonly concurrency: number;
  readonly runs: readonly DiscoveryRun[];
  /** The first pass over cold listeners and a cold scanner, not in the median. */
  readonly coldRun: DiscoveryRun | undefined;
  readonly medianPerSecond: number;
}

async function runDiscovery(opts: Options, log: (s: string) => void): Promise<DiscoveryFigures> {
  const limit = openFileLimit();
  log(
    `\n== Discovery: grabCertificates against ${opts.listeners} node:tls listeners on ${opts.addresses} loopback ` +
      `address(es) in ${opts.listenerProcesses} process(es), ${opts.listenerCertificate.toUpperCase()} leaf + intermediate; ` +
      `scheduler concurrency ${opts.concurrency}; ulimit -n ${limit}`,
  );
  const needed = opts.listeners + opts.concurrency * 2 + 100;
  if (Number(limit) < needed)
    log(
      `warning: ulimit -n ${limit} is below the ~${needed} descriptors this run may hold (raise it with ulimit -n)`,
    );
  const listeners = await startListeners({
    count: opts.listeners,
    processes: opts.listenerProcesses,
    addresses: opts.addresses,
    certificate: opts.listenerCertificate,
  });
  const runs: DiscoveryRun[] = [];
  let cold: DiscoveryRun | undefined;
  try {
    const scheduler = createScheduler({ concurrency: opts.concurrency });
    const grabAll = (endpoints: readonly { ip: string; port: number }[]) =>
      Promise.all(
        endpoints.map((e) => grabCertificates(scheduler, { ip: e.ip, port: e.port, serverName: null })),
      );
    // Pass 0 is the cold one (JIT, each listener's first handshake): printed, not in the median.
    for (let r = 0; r <= opts.discoveryReps; r++) {
      const cpu0 = process.cpuUsage();
      const lcpu0 = listeners.cpuSeconds();
      const t0 = performance.now();
      const results: GrabResult[] = await grabAll(listeners.endpoints);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const lcpu = listeners.cpuSeconds() - lcpu0;
      const failures: Record<string, number> = {};
      let ok = 0;
      for (const g of results) {
        if (g.chain !== null && g.chain.length > 0) ok++;
        else failures[g.failure ?? 'no chain'] = (failures[g.failure ?? 'no chain'] ?? 0) + 1;
      }
      const run = {
        seconds,
        perSecond: ok / seconds,
        ok,
        failures,
        scannerCpuSeconds: (cpu.user + cpu.system) / 1e6,
        listenerCpuSeconds: lcpu,
      };
      if (r === 0) cold = run;
      else runs.push(run);
      const fails = Object.entries(failures);
      log(
        `${r === 0 ? 'cold pass (not in the median)' : `run ${r}`}: ${ok}/${results.length} chains in ${fmt(seconds, 3)} s = ${fmt(run.perSecond)} endpoints/s; ` +
          `CPU scanner ${fmt(run.scannerCpuSeconds, 2)} s (${fmt((1e6 * run.scannerCpuSeconds) / results.length)} µs/grab, ` +
          `${fmt((100 * run.scannerCpuSeconds) / seconds)}% of a core), listeners ${fmt(lcpu, 2)} s ` +
          `(${fmt((1e6 * lcpu) / results.length)} µs/handshake, ${fmt((100 * lcpu) / seconds)}% of a core)` +
          `${fails.length > 0 ? `; failures: ${fails.map(([k, v]) => `${k} ×${v}`).join(', ')}` : ''}`,
      );
    }
  } finally {
    await listeners.stop();
  }
  const medianPerSecond = median(runs.map((r) => r.perSecond));
  log(
    `target: discovery >= 500 endpoints/s on ${cpus().length} cores: median ${fmt(medianPerSecond)}/s — ${medianPerSecond >= 500 ? 'met' : 'NOT MET'}`,
  );
  return {
    listeners: opts.listeners,
    openFileLimit: limit,
    concurrency: opts.concurrency,
    runs,
    coldRun: cold,
    medianPerSecond,
  };
}

export async function runScanBench(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  // With --json the tables go to stderr and stdout carries one JSON document.
  const log = (s: string) => (opts.json ? process.stderr.write(s + '\n') : console.log(s));
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    openssl: version('openssl', ['version'], /OpenSSL \S+/),
    testssl: version('testssl', ['--version'], /testssl\s+\S+/),
    sslscan: version('sslscan', ['--version'], /\d+\.\d+\.\d+/),
  };
  log(`$ npm run bench -- scan${args.length > 0 ? ` ${args.join(' ')}` : ''}`);
  log(
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.openssl}; ` +
      `peers: ${machine.testssl}, sslscan ${machine.sslscan}`,
  );
  if (opts.testssl && opts.matrix)
    log(
      `testssl.sh flags: ${TESTSSL_FLAGS.join(' ')} (takes about a minute per endpoint; --no-testssl skips it)`,
    );
  const matrix = opts.matrix ? await runMatrix(opts, log) : undefined;
  const discovery = opts.discovery ? await runDiscovery(opts, log) : undefined;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify(
        { command: `npm run bench -- scan ${args.join(' ')}`.trim(), machine, matrix, discovery },
        null,
        2,
      ) + '\n',
    );
  }
}
