/**
 * certgrid's scanner beside testssl.sh and sslscan on the same loopback servers (`npm run test:peers`,
 * not part of `npm test`: testssl.sh needs up to a minute per server, sslscan two on a fake). Each server
 * is scanned by certgrid, then by each peer, and they must agree on:
 *
 * - the protocols a handshake completes with;
 * - the accepted suites per protocol, by IANA id (for the protocols both found);
 * - the vulnerability findings both tested: Heartbleed, CCS injection, POODLE (SSLv3), BEAST, fallback
 *   SCSV, secure renegotiation, compression, RC4, Sweet32 (64-bit block ciphers), FREAK, Logjam, DROWN.
 *
 * Where a peer is wrong or cannot see what certgrid sees, the difference is in ALLOWED below with the
 * reason certgrid's answer is the right one. Every difference is printed, allowed or not; an allowed one
 * that no longer occurs is printed too (peer versions change), but does not fail.
 *
 * The real servers come from test/helpers/tls-servers.ts (their facts checked with `openssl s_client` by
 * test/e2e/tls-servers.test.ts); the fakes from test/helpers/tls/fakes (what OpenSSL can no longer serve).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessLoopback } from '../../bench/lib/certgrid-scan.js';
import {
  certgridView,
  compareViews,
  runSslscan,
  runTestssl,
  type Disagreement,
  type ScanView,
} from '../../bench/lib/peers.js';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import { tlsFixtures } from '../helpers/tls-fixtures.js';
import { startFakeTlsServer, heartbleedServer, sslv3Rc4Server } from '../helpers/tls/fakes/index.js';
import { startTlsServer, tlsServerTool, type TlsServerKind } from '../helpers/tls-servers.js';
import { requireTool } from '../helpers/tools.js';

type Peer = 'testssl.sh' | 'sslscan';

interface Server {
  readonly name: string;
  /** Handles one connection at a time (s_server -www, gnutls-serv): peers run one after the other. */
  readonly serial: boolean;
  readonly start: () => Promise<{ host: string; port: number; stop(): Promise<void> }>;
}

const REAL: readonly TlsServerKind[] = [
  'openssl-intermediate',
  'openssl-legacy',
  'nginx-intermediate',
  'gnutls-normal',
];
const FAKES = { 'fake sslv3Rc4Server': sslv3Rc4Server, 'fake heartbleedServer': heartbleedServer } as const;

// The test PKI is made with the openssl CLI, so every server needs it.
const opensslReady = requireTool('openssl', ['version']);
const toolFor: Readonly<Record<string, () => boolean>> = {
  openssl: () => opensslReady,
  nginx: () => opensslReady && requireTool('nginx', ['-v']),
  'gnutls-serv': () => opensslReady && requireTool('gnutls-serv', ['--version']),
};
const SERVERS: readonly Server[] = [
  ...REAL.filter((kind) => toolFor[tlsServerTool(kind)]?.() ?? opensslReady).map((kind): Server => ({
    name: kind,
    serial: ['openssl', 'gnutls-serv'].includes(tlsServerTool(kind)),
    start: () => startTlsServer(kind),
  })),
  ...(opensslReady
    ? Object.entries(FAKES).map(([name, config]): Server => ({
        name,
        serial: false,
        start: () => startFakeTlsServer(config),
      }))
    : []),
];

const PEERS: readonly { readonly peer: Peer; readonly ready: boolean }[] = [
  { peer: 'testssl.sh', ready: requireTool('testssl', ['--version']) },
  { peer: 'sslscan', ready: requireTool('sslscan', ['--version']) },
];

interface Allowed {
  readonly peer: Peer;
  /** Server names, or every server. */
  readonly servers: readonly string[] | '*';
  readonly aspect: Disagreement['aspect'];
  /** The disagreement's key: `TLSv1.2 0xc02f` for a suite, the finding's name, the protocol. */
  readonly key: RegExp;
  /** What certgrid says (`yes`/`no` for protocols and suites, `true`/`false` for findings). */
  readonly certgrid: string;
  readonly reason: string;
}

const FAKE_NAMES = Object.keys(FAKES);

/** Known, explained differences. Each says why certgrid's answer is the right one. */
const ALLOWED: readonly Allowed[] = [
  {
    peer: 'sslscan',
    servers: FAKE_NAMES,
    aspect: 'suite',
    key: /^(TLSv1\.[0-2]) /,
    certgrid: 'yes',
    reason:
      'the fakes answer a ClientHello with their plaintext flight (ServerHello, Certificate, ServerHelloDone) and ' +
      'never complete a key exchange; sslscan 2.0.7 counts a suite its OpenSSL supports as accepted only after a ' +
      'completed OpenSSL handshake, so on a fake it lists only suites its OpenSSL lacks and it tests with its own ' +
      'ClientHello (here RC4 and 3DES in TLS 1.0). The ServerHello choosing the suite is the acceptance; ' +
      'testssl.sh, reading ServerHellos too, agrees with certgrid on these servers',
  },
  {
    peer: 'sslscan',
    servers: ['fake sslv3Rc4Server'],
    aspect: 'suite',
    key: /^SSLv3 /,
    certgrid: 'yes',
    reason:
      'sslscan 2.0.7 reports SSLv3 enabled (it checks protocols with its own ClientHello) but lists no SSLv3 ' +
      'suite: its OpenSSL (Debian’s 3.0, built without SSLv3) cannot negotiate one. testssl.sh finds the same ' +
      'five SSLv3 suites as certgrid',
  },
  {
    peer: 'sslscan',
    servers: ['fake heartbleedServer'],
    aspect: 'finding',
    key: /^heartbleed$/,
    certgrid: 'true',
    reason:
      'sslscan sends its heartbeat request behind a ClientHello with a fixed list of pre-TLS 1.2 suites (no GCM ' +
      'or ChaCha20); the fake accepts only ECDHE/DHE AEAD suites, refuses that hello with handshake_failure, and ' +
      'sslscan 2.0.7 reports a refused hello as "not vulnerable". The fake answers an oversized heartbeat in full ' +
      '(CVE-2014-0160); testssl.sh, whose hello it accepts, reports it VULNERABLE as certgrid does',
  },
];

const allowedFor = (server: string, peer: Peer, d: Disagreement): Allowed | undefined =>
  ALLOWED.find(
    (a) =>
      a.peer === peer &&
      (a.servers === '*' || a.servers.includes(server)) &&
      a.aspect === d.aspect &&
      a.key.test(d.key) &&
      a.certgrid === d.certgrid,
  );

interface Compared {
  readonly certgrid: ScanView;
  readonly peers: Partial<Record<Peer, { readonly view: ScanView; readonly seconds: number }>>;
  readonly errors: Partial<Record<Peer, string>>;
}

const results = new Map<string, Compared>();
const used = new Set<Allowed>();

/** certgrid first, then the peers: in parallel on a fake, one after the other on a server that serialises. */
async function compare(server: Server): Promise<Compared> {
  const running = await server.start();
  try {
    const scan = await assessLoopback(createScheduler(), running, {
      rootPem: tlsFixtures().root.pem,
      // The active tests (ROBOT, padding oracles) are not compared here.
      activeTests: [],
    });
    if (scan.facts.failure !== null)
      throw new Error(`certgrid could not scan ${server.name}: ${scan.facts.failure}`);
    const certgrid = certgridView(scan.facts, scan.result.details!);
    const peers: Compared['peers'] = {};
    const errors: Compared['errors'] = {};
    const runPeer = async (peer: Peer) => {
      try {
        const run =
          peer === 'testssl.sh'
            ? await runTestssl(running.host, running.port)
            : await runSslscan(running.host, running.port);
        peers[peer] = { view: run.view, seconds: run.seconds };
      } catch (e) {
        errors[peer] = e instanceof Error ? e.message : String(e);
      }
    };
    const ready = PEERS.filter((p) => p.ready).map((p) => p.peer);
    if (server.serial) for (const peer of ready) await runPeer(peer);
    else await Promise.all(ready.map(runPeer));
    return { certgrid, peers, errors };
  } finally {
    await running.stop();
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(width, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

const anyPeer = PEERS.some((p) => p.ready);

describe.skipIf(!anyPeer || SERVERS.length === 0)('certgrid beside testssl.sh and sslscan', () => {
  beforeAll(async () => {
    // Two servers at a time: testssl.sh is CPU-bound shell, and this machine has two cores.
    const width = Number(process.env.CERTGRID_PEERS_PARALLEL ?? 2);
    await pool(SERVERS, width, async (server) => {
      results.set(server.name, await compare(server));
    });
  });

  afterAll(() => {
    const lines: string[] = [];
    const note = (v: ScanView, key: string) => v.notes[key as keyof ScanView['notes']] ?? '';
    for (const [name, r] of results) {
      const times = Object.entries(r.peers).map(([p, v]) => `${p} ${v.seconds.toFixed(1)} s`);
      lines.push(`${name}: certgrid ${r.certgrid.protocols.join(' ')}; ${times.join(', ')}`);
      for (const [peer, message] of Object.entries(r.errors)) lines.push(`  ${peer} failed: ${message}`);
      for (const { peer } of PEERS) {
        const view = r.peers[peer]?.view;
        if (view === undefined) continue;
        for (const d of compareViews(r.certgrid, view)) {
          const allowed = allowedFor(name, peer, d);
          if (allowed) used.add(allowed);
          const words =
            d.aspect === 'finding'
              ? ` (certgrid: ${note(r.certgrid, d.key)}; ${peer}: ${note(view, d.key)})`
              : '';
          lines.push(
            `  ${allowed ? `allowed #${ALLOWED.indexOf(allowed) + 1}` : 'UNEXPECTED'}: ${peer} ${d.aspect} ${d.key}: ` +
              `certgrid ${d.certgrid}, ${peer} ${d.peer}${words}`,
          );
        }
      }
    }
    ALLOWED.forEach((a, i) =>
      lines.push(`#${i + 1}${used.has(a) ? '' : ' (not seen this run)'}: ${a.peer}, ${a.key}: ${a.reason}`),
    );
    console.info(`peer comparison:\n${lines.join('\n')}`);
  });

  for (const server of SERVERS) {
    describe(server.name, () => {
      for (const { peer, ready } of PEERS) {
        const unexpected = (aspect: Disagreement['aspect']) => {
          const r = results.get(server.name);
          if (r === undefined) throw new Error(`${server.name} was not scanned`);
          const view = r.peers[peer]?.view;
          if (view === undefined) throw new Error(`${peer} failed on ${server.name}: ${r.errors[peer]}`);
          return compareViews(r.certgrid, view)
            .filter((d) => d.aspect === aspect && allowedFor(server.name, peer, d) === undefined)
            .map((d) => `${d.key}: certgrid ${d.certgrid}, ${peer} ${d.peer}`);
        };
        it.skipIf(!ready)(`${peer}: the same protocols`, () => {
          expect(unexpected('protocol')).toEqual([]);
        });
        it.skipIf(!ready)(`${peer}: the same suites per protocol`, () => {
          expect(unexpected('suite')).toEqual([]);
        });
        it.skipIf(!ready)(`${peer}: the same findings where both tested`, () => {
          expect(unexpected('finding')).toEqual([]);
        });
      }
    });
  }

  it('finds what each server is known to have', () => {
    // A guard against all three being wrong the same way: the facts the servers were built with.
    const legacy = results.get('openssl-legacy')?.certgrid;
    if (legacy) expect(legacy.protocols).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2']);
    const rc4 = results.get('fake sslv3Rc4Server')?.certgrid;
    if (rc4) {
      expect(rc4.protocols).toEqual(['SSLv3', 'TLSv1.0']);
      expect(rc4.findings).toMatchObject({ poodleSsl3: true, beast: true, rc4: true, sweet32: true });
    }
    const hb = results.get('fake heartbleedServer')?.certgrid;
    if (hb) expect(hb.findings.heartbleed).toBe(true);
  });
});
