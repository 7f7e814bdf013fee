/**
 * The peer scanners, testssl.sh and sslscan, run on one endpoint, and what they and certgrid found, in
 * one shape (`ScanView`) so the bench and the peer test (test/peers/) can compare them: supported
 * protocols, accepted suites per protocol by IANA id, and the vulnerability findings all can test.
 *
 * Only the tools' machine-readable output is read (testssl.sh's flat JSON, sslscan's XML), plus one
 * line of sslscan's text that its XML leaves out (fallback SCSV).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { EndpointDetails } from '../../src/core/assess/endpoint-details.js';
import { is64BitBlock } from '../../src/core/scan/ciphers.js';
import { SSL2, SSL3, TLS10, TLS11, TLS12, TLS13, type EndpointFacts } from '../../src/core/scan/types.js';
import { reapedChildrenCpu } from './proc.js';

export const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const WIRE: Readonly<Record<number, Protocol>> = {
  [SSL2]: 'SSLv2',
  [SSL3]: 'SSLv3',
  [TLS10]: 'TLSv1.0',
  [TLS11]: 'TLSv1.1',
  [TLS12]: 'TLSv1.2',
  [TLS13]: 'TLSv1.3',
};

/**
 * Findings every tool may report. `true` means the server has the property named: for
 * `fallbackScsv` and `secureRenegotiation` that is good (it honours TLS_FALLBACK_SCSV, it answers
 * RFC 5746 renegotiation_info); for the others it is the weakness (vulnerable, or the suites are
 * accepted). Absent: the tool did not or could not test it, or it does not apply.
 */
export const FINDINGS = [
  'heartbleed',
  'ccs',
  'poodleSsl3',
  'beast',
  'fallbackScsv',
  'secureRenegotiation',
  'compression',
  'rc4',
  'sweet32',
  'freak',
  'logjam',
  'drown',
] as const;
export type Finding = (typeof FINDINGS)[number];

export interface ScanView {
  readonly tool: string;
  /** Protocols a handshake completes with. */
  readonly protocols: readonly Protocol[];
  /** Accepted suites per supported protocol: IANA ids (SSLv2: the 3-byte cipher kind). */
  readonly suites: ReadonlyMap<Protocol, ReadonlySet<number>>;
  readonly findings: Readonly<Partial<Record<Finding, boolean>>>;
  /** The tool's own words for each finding, for printing disagreements. */
  readonly notes: Readonly<Partial<Record<Finding, string>>>;
}

export interface PeerRun {
  readonly view: ScanView;
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  /** CPU seconds the tool and everything it forked used (valid when no other child exits meanwhile). */
  readonly cpuSeconds: number;
  readonly exitCode: number | null;
}

/**
 * testssl.sh's job beside certgrid's full assessment: `-p` every protocol, `-E` every suite per protocol
 * (all of them, not just OpenSSL's: the rest over testssl.sh's own sockets), `-U` every vulnerability
 * check. certgrid does more in its run (groups, chains and trust, session resumption and tickets,
 * HSTS, handshake simulations, the grade); testssl.sh's `-S`, `-f`, `-h`, `-c` would add that and make
 * its run longer still, so the ratio against these three flags is the conservative one.
 * `--nodns none`: the target is an address and certgrid makes no DNS queries either.
 */
export const TESTSSL_FLAGS: readonly string[] = ['-p', '-E', '-U'];

export const SSLSCAN_FLAGS: readonly string[] = ['--no-colour'];

interface Ran {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function run(cmd: string, args: readonly string[], timeoutMs: number): Promise<Ran> {
  const cpu0 = reapedChildrenCpu();
  const t0 = performance.now();
  const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  return {
    exitCode,
    stdout,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: reapedChildrenCpu() - cpu0,
  };
}

/** The command line `runTestssl` uses, with `<json>` for the output file. */
export function testsslArgs(host: string, port: number, jsonFile: string, flags = TESTSSL_FLAGS): string[] {
  return [
    '--quiet',
    '--color',
    '0',
    '--warnings',
    'off',
    '--nodns',
    'none',
    '--jsonfile',
    jsonFile,
    ...flags,
    `https://${host}:${port}`,
  ];
}

export function sslscanArgs(host: string, port: number, xmlFile: string): string[] {
  return [...SSLSCAN_FLAGS, `--xml=${xmlFile}`, `${host}:${port}`];
}

export async function runTestssl(
  host: string,
  port: number,
  options: { readonly flags?: readonly string[]; readonly timeoutMs?: number } = {},
): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-testssl-'));
  try {
    const file = join(dir, 'out.json');
    const r = await run(
      'testssl',
      testsslArgs(host, port, file, options.flags),
      options.timeoutMs ?? 600_000,
    );
    let json: unknown = [];
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`testssl wrote no JSON (exit ${r.exitCode}): ${r.stdout.slice(-2000)}`);
    }
    return {
      view: parseTestsslJson(json),
      seconds: r.seconds,
      cpuSeconds: r.cpuSeconds,
      exitCode: r.exitCode,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSslscan(
  host: string,
  port: number,
  options: { readonly timeoutMs?: number } = {},
): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-sslscan-'));
  try {
    const file = join(dir, 'out.xml');
    const r = await run('sslscan', sslscanArgs(host, port, file), options.timeoutMs ?? 300_000);
    let xml: string;
    try {
      xml = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`sslscan wrote no XML (exit ${r.exitCode}): ${r.stdout.slice(-2000)}`);
    }
    return {
      view: parseSslscan(xml, r.stdout),
      seconds: r.seconds,
      cpuSeconds: r.cpuSeconds,
      exitCode: r.exitCode,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function addSuite(suites: Map<Protocol, Set<number>>, p: Protocol, id: number): void {
  let set = suites.get(p);
  if (set === undefined) {
    set = new Set();
    suites.set(p, set);
  }
  set.add(id);
}

/**
 * How testssl.sh words a vulnerability: "not vulnerable …" is false; a finding it rates LOW or worse
 * ("VULNERABLE …", "uses 64 bit block ciphers") or that says "vulnerable" is true; anything else
 * (WARN "Can't test …", INFO) is not a result.
 */
function testsslVulnerable(finding: string, severity: string): boolean | undefined {
  if (/not vulnerable/i.test(finding)) return false;
  if (['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(severity)) return true;
  if (/vulnerable/i.test(finding)) return true;
  return undefined;
}

const TESTSSL_PROTOCOL: Readonly<Record<string, Protocol>> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  TLS1: 'TLSv1.0',
  TLS1_1: 'TLSv1.1',
  TLS1_2: 'TLSv1.2',
  TLS1_3: 'TLSv1.3',
};

const TESTSSL_CIPHER_PROTOCOL: Readonly<Record<string, Protocol>> = {
  ssl2: 'SSLv2',
  ssl3: 'SSLv3',
  tls1: 'TLSv1.0',
  tls1_1: 'TLSv1.1',
  tls1_2: 'TLSv1.2',
  tls1_3: 'TLSv1.3',
};

/** testssl.sh's vulnerability ids, and how each finding text reads. */
const TESTSSL_FINDINGS: Readonly<
  Record<string, { id: Finding; read: (finding: string, severity: string) => boolean | undefined }>
> = {
  heartbleed: { id: 'heartbleed', read: testsslVulnerable },
  CCS: { id: 'ccs', read: testsslVulnerable },
  POODLE_SSL: { id: 'poodleSsl3', read: testsslVulnerable },
  BEAST: { id: 'beast', read: testsslVulnerable },
  CRIME_TLS: { id: 'compression', read: testsslVulnerable },
  RC4: { id: 'rc4', read: testsslVulnerable },
  SWEET32: { id: 'sweet32', read: testsslVulnerable },
  FREAK: { id: 'freak', read: testsslVulnerable },
  LOGJAM: { id: 'logjam', read: testsslVulnerable },
  DROWN: { id: 'drown', read: testsslVulnerable },
  fallback_SCSV: {
    id: 'fallbackScsv',
    // "supported", "Downgrade attack prevention supported", "NOT supported", "no protocol below … offered"
    read: (f) =>
      /not supported|not offered/i.test(f) && !/no protocol below/i.test(f)
        ? false
        : /supported/i.test(f) && !/no protocol below/i.test(f)
          ? true
          : undefined,
  },
  secure_renego: {
    id: 'secureRenegotiation',
    read: (f) => (/^supported/i.test(f) ? true : /not supported/i.test(f) ? false : undefined),
  },
};

interface TestsslItem {
  readonly id: string;
  readonly severity: string;
  readonly finding: string;
}

export function parseTestsslJson(json: unknown): ScanView {
  const items = (Array.isArray(json) ? json : []) as TestsslItem[];
  const protocols = new Set<Protocol>();
  const suites = new Map<Protocol, Set<number>>();
  const findings: Partial<Record<Finding, boolean>> = {};
  const notes: Partial<Record<Finding, string>> = {};
  for (const item of items) {
    const finding = String(item.finding ?? '');
    const p = TESTSSL_PROTOCOL[item.id];
    if (p !== undefined) {
      if (/^offered/i.test(finding)) protocols.add(p);
      continue;
    }
    const cipher = /^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$/i.exec(item.id);
    if (cipher) {
      addSuite(suites, TESTSSL_CIPHER_PROTOCOL[cipher[1]!.toLowerCase()]!, parseInt(cipher[2]!, 16));
      continue;
    }
    const f = TESTSSL_FINDINGS[item.id];
    if (f !== undefined) {
      notes[f.id] = `${item.severity}: ${finding}`;
      const value = f.read(finding, String(item.severity ?? ''));
      if (value !== undefined) findings[f.id] = value;
    }
  }
  return {
    tool: 'testssl.sh',
    protocols: PROTOCOLS.filter((p) => protocols.has(p)),
    suites,
    findings,
    notes,
  };
}

const SSLSCAN_PROTOCOL: Readonly<Record<string, Protocol>> = {
  'ssl 2': 'SSLv2',
  'ssl 3': 'SSLv3',
  'tls 1.0': 'TLSv1.0',
  'tls 1.1': 'TLSv1.1',
  'tls 1.2': 'TLSv1.2',
  'tls 1.3': 'TLSv1.3',
};

const SSLSCAN_CIPHER_PROTOCOL: Readonly<Record<string, Protocol>> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  'TLSv1.0': 'TLSv1.0',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

type Attrs = Readonly<Record<string, string | undefined>>;

/** sslscan's XML, and the fallback SCSV line of its text output (not in the XML of 2.0.7). */
export function parseSslscan(xml: string, text = ''): ScanView {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => ['ssltest', 'protocol', 'cipher', 'heartbleed'].includes(name),
  });
  const doc = parser.parse(xml) as { document?: { ssltest?: Record<string, unknown>[] } };
  const test = doc.document?.ssltest?.[0] ?? {};
  const list = (name: string) => (test[name] ?? []) as Attrs[];
  const one = (name: string) => test[name] as Attrs | undefined;
  const protocols = new Set<Protocol>();
  for (const p of list('protocol')) {
    const label = SSLSCAN_PROTOCOL[`${p.type} ${p.version}`];
    if (label !== undefined && p.enabled === '1') protocols.add(label);
  }
  const suites = new Map<Protocol, Set<number>>();
  for (const c of list('cipher')) {
    const p = SSLSCAN_CIPHER_PROTOCOL[c.sslversion ?? ''];
    if (p !== undefined && c.id !== undefined) addSuite(suites, p, parseInt(c.id, 16));
  }
  const findings: Partial<Record<Finding, boolean>> = {};
  const notes: Partial<Record<Finding, string>> = {};
  const hb = list('heartbleed');
  if (hb.length > 0) {
    findings.heartbleed = hb.some((h) => h.vulnerable === '1');
    notes.heartbleed = hb.map((h) => `${h.sslversion} vulnerable=${h.vulnerable}`).join(', ');
  }
  const reneg = one('renegotiation');
  if (reneg !== undefined) {
    notes.secureRenegotiation = `supported=${reneg.supported} secure=${reneg.secure}`;
    // sslscan tries a renegotiation over the highest version: "supported=0" may only mean TLS 1.3.
    if (reneg.secure === '1') findings.secureRenegotiation = true;
    else if (reneg.supported === '1') findings.secureRenegotiation = false;
  }
  const compression = one('compression');
  if (compression !== undefined) {
    notes.compression = `supported=${compression.supported}`;
    findings.compression = compression.supported === '1';
  }
  const fallback = /Server (does not )?supports? TLS Fallback SCSV/i.exec(text);
  if (fallback) {
    notes.fallbackScsv = fallback[0];
    findings.fallbackScsv = fallback[1] === undefined;
  }
  return { tool: 'sslscan', protocols: PROTOCOLS.filter((p) => protocols.has(p)), suites, findings, notes };
}

/** certgrid's scan facts and assessment in the same shape. */
export function certgridView(facts: EndpointFacts, details: EndpointDetails): ScanView {
  const suites = new Map<Protocol, Set<number>>();
  const protocols: Protocol[] = [];
  for (const p of facts.protocols) {
    const label = WIRE[p.protocol]!;
    protocols.push(label);
    suites.set(label, new Set(p.suites.map((a) => a.suite.id)));
  }
  const findings: Partial<Record<Finding, boolean>> = {};
  const notes: Partial<Record<Finding, string>> = {};
  const set = (f: Finding, value: boolean | null | undefined, note: string) => {
    notes[f] = note;
    if (value !== null && value !== undefined) findings[f] = value;
  };
  const hb = facts.heartbleed.status;
  set(
    'heartbleed',
    hb === 'vulnerable' ? true : hb === 'not-vulnerable' ? false : undefined,
    `${hb}${facts.heartbeat ? ' (heartbeat extension answered)' : ''}`,
  );
  set(
    'ccs',
    facts.openSslCcs === 1 ? false : facts.openSslCcs >= 2 ? true : undefined,
    `openSslCcs=${facts.openSslCcs}`,
  );
  set('poodleSsl3', details.poodle, `poodle=${details.poodle}`);
  set('beast', details.vulnBeast, `vulnBeast=${details.vulnBeast}`);
  set('fallbackScsv', details.fallbackScsv, `fallbackScsv=${String(facts.fallbackScsv)}`);
  set(
    'secureRenegotiation',
    facts.serverHello.secureRenegotiation,
    `renegSupport=${details.renegSupport} secureRenegotiation=${String(facts.serverHello.secureRenegotiation)}`,
  );
  set('compression', facts.compression, `compression=${String(facts.compression)}`);
  set('rc4', details.supportsRc4, `supportsRc4=${details.supportsRc4}`);
  const sweet = facts.protocols
    .filter((p) => p.protocol !== SSL2)
    .flatMap((p) => p.suites)
    .filter((a) => is64BitBlock(a.suite))
    .map((a) => a.suite.name);
  set('sweet32', sweet.length > 0, sweet.length > 0 ? `64-bit block suites: ${sweet.join(' ')}` : 'none');
  set('freak', details.freak, `freak=${details.freak}`);
  set('logjam', details.logjam, `logjam=${details.logjam} dhPrimes=${details.dhPrimes?.length ?? 0}`);
  set('drown', details.drownVulnerable, `drownVulnerable=${details.drownVulnerable}`);
  return { tool: 'certgrid', protocols, suites, findings, notes };
}

export interface Disagreement {
  readonly aspect: 'protocol' | 'suite' | 'finding';
  /** Protocol label, `TLSv1.2 0xc030` for a suite, or the finding's name. */
  readonly key: string;
  /** What certgrid said and what the peer said (`yes`/`no`/`untested`, true/false). */
  readonly certgrid: string;
  readonly peer: string;
}

const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

/** Suites one side found and the other did not, per protocol. */
export function suiteDifferences(
  certgrid: ScanView,
  peer: ScanView,
): { onlyPeer: string[]; onlyCertgrid: string[] } {
  const onlyPeer: string[] = [];
  const onlyCertgrid: string[] = [];
  for (const p of PROTOCOLS) {
    const a = certgrid.suites.get(p) ?? new Set<number>();
    const b = peer.suites.get(p) ?? new Set<number>();
    for (const id of b) if (!a.has(id)) onlyPeer.push(`${p} ${hex(id)}`);
    for (const id of a) if (!b.has(id)) onlyCertgrid.push(`${p} ${hex(id)}`);
  }
  return { onlyPeer, onlyCertgrid };
}

/**
 * Every difference between certgrid and a peer: protocols, suites (only for protocols both found, so a
 * missing protocol is one line, not one per suite), and findings both tested.
 */
export function compareViews(certgrid: ScanView, peer: ScanView): Disagreement[] {
  const out: Disagreement[] = [];
  for (const p of PROTOCOLS) {
    const a = certgrid.protocols.includes(p);
    const b = peer.protocols.includes(p);
    if (a !== b) out.push({ aspect: 'protocol', key: p, certgrid: a ? 'yes' : 'no', peer: b ? 'yes' : 'no' });
  }
  for (const p of PROTOCOLS) {
    if (!certgrid.protocols.includes(p) || !peer.protocols.includes(p)) continue;
    const a = certgrid.suites.get(p) ?? new Set<number>();
    const b = peer.suites.get(p) ?? new Set<number>();
    for (const id of new Set([...a, ...b])) {
      if (a.has(id) !== b.has(id))
        out.push({
          aspect: 'suite',
          key: `${p} ${hex(id)}`,
          certgrid: a.has(id) ? 'yes' : 'no',
          peer: b.has(id) ? 'yes' : 'no',
        });
    }
  }
  for (const f of FINDINGS) {
    const a = certgrid.findings[f];
    const b = peer.findings[f];
    if (a === undefined || b === undefined || a === b) continue;
    out.push({ aspect: 'finding', key: f, certgrid: String(a), peer: String(b) });
  }
  return out;
}
