/**
 * The session engine against real TLS stacks on 127.0.0.1 — `openssl s_server` and Node's own
 * server (OpenSSL inside) — completing handshakes with each key exchange and record protection and
 * carrying an HTTP request in application data; then ROBOT and the CBC padding-oracle probes,
 * which must find these patched servers not vulnerable (SSL Labs code 1), and must find the
 * deliberately broken test servers at the end of this file vulnerable.
 */
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, privateDecrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cipherSuite } from '../../src/core/scan/ciphers.js';
import { activeSessions } from '../../src/core/scan/active-sessions.js';
import type { ScanContext } from '../../src/core/scan/enumerate.js';
import {
  paddingOracleActiveTest,
  probePaddingOracles,
  type PaddingOracleReport,
} from '../../src/core/scan/probes/padding-oracle.js';
import { scanEndpoint } from '../../src/core/scan/scan-endpoint.js';
import { classifyRobotRun, probeRobot, robotActiveTest } from '../../src/core/scan/probes/robot.js';
import {
  TIMED_REACTIONS_NEEDED,
  reactionWindow,
  type ReactionWindow,
} from '../../src/core/scan/reaction-window.js';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import {
  RecordProtection,
  TlsClient,
  cipherSpec,
  deriveConnectionKeys,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  transcriptHash,
  recordMac,
  type BlockProtection,
  type CipherSpec,
  type HelloOptions,
  type OpenedCbc,
} from '../../src/core/scan/session/index.js';
import type { ProtocolSuitesFacts, ProtocolVersion } from '../../src/core/scan/types.js';
import {
  ByteReader,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  NAMED_GROUP,
  RecordReader,
  buildCertificate,
  buildChangeCipherSpecRecord,
  buildServerHello,
  bytesEqual,
  concatBytes,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  extendedMasterSecretExtension,
  parseClientHello,
  renegotiationInfoExtension,
  type AlertDescriptionName,
  type TlsRecord,
} from '../../src/core/scan/wire/index.js';
import { LOOPBACK, spawnOpensslServer, type SpawnedServer } from '../helpers/tls/spawned-server.js';
import { selfSignedLocalhost } from '../helpers/self-signed.js';
import { reaction } from '../unit/scan/session/helpers.js';
import { requireTool } from '../helpers/tools.js';

// Prints why the s_server tests are skipped when openssl is missing (and fails in CI, which installs it).
const hasOpenssl = requireTool('openssl', ['version']);

const TLS10 = 0x0301;
const TLS11 = 0x0302;
const TLS12 = 0x0303;
const REACTION_MS = 600;
const decoder = new TextDecoder();
const scheduler = createScheduler({ probeTimeoutMs: 10_000, perTarget: 8 });

const contextFor = (port: number): ScanContext => ({
  scheduler,
  target: { host: LOOPBACK, port },
  serverName: 'localhost',
});

/** What suite enumeration would have found: these suites on this protocol. */
const facts = (protocol: ProtocolVersion, ids: readonly number[]): ProtocolSuitesFacts[] => [
  { protocol, suites: ids.map((id) => ({ suite: cipherSuite(id)! })), preference: null },
];

/** The six padding-oracle codes, by SSL Labs field name. */
const paddingCodes = (r: PaddingOracleReport) => ({
  poodleTls: r.poodleTls.code,
  openSSLLuckyMinus20: r.openSSLLuckyMinus20.code,
  zombiePoodle: r.zombiePoodle.code,
  goldenDoodle: r.goldenDoodle.code,
  zeroLengthPaddingOracle: r.zeroLengthPaddingOracle.code,
  sleepingPoodle: r.sleepingPoodle.code,
});
const ALL_CLEAR = {
  poodleTls: 1,
  openSSLLuckyMinus20: 1,
  zombiePoodle: 1,
  goldenDoodle: 1,
  zeroLengthPaddingOracle: 1,
  sleepingPoodle: 1,
};

/** Handshake, one HTTP request in application data, and the answer. */
async function httpOverSession(port: number, options: HelloOptions) {
  return scheduler.probe({ host: LOOPBACK, port }, async (conn) => {
    const client = new TlsClient(conn);
    const negotiated = await client.handshake(options);
    await client.send(client.applicationDataRecord('GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'));
    const reaction = await client.observe(3_000, { closeGraceMs: 100 });
    return { negotiated, text: decoder.decode(reaction.applicationData) };
  });
}

// --- A self-signed RSA certificate, built without the openssl CLI ---------------------------------

const credentials = selfSignedLocalhost('rsa2048');

// --- openssl s_server -----------------------------------------------------------------------------

describe.skipIf(!hasOpenssl)('openssl s_server', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certgrid-scan-session-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (protocolFlag: string, ciphers: string): Promise<SpawnedServer> =>
    spawnOpensslServer({
      cert: join(dir, 'cert.pem'),
      key: join(dir, 'key.pem'),
      extra: ['-cipher', ciphers, protocolFlag],
    });

  describe('TLS 1.2', () => {
    let server: SpawnedServer;
    beforeAll(async () => {
      server = await start(
        '-tls1_2',
        'AES128-SHA:AES256-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-GCM-SHA256:' +
          'DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-SHA:@SECLEVEL=0',
      );
    });
    afterAll(async () => server?.stop());

    const cases: readonly (readonly [string, number, (readonly number[])?, boolean?])[] = [
      ['RSA, AES-128-CBC, HMAC-SHA1', 0x002f],
      ['RSA, AES-256-CBC, HMAC-SHA256, without extended master secret', 0x003d, undefined, false],
      ['ECDHE x25519, AES-128-CBC-SHA', 0xc013, [NAMED_GROUP.x25519]],
      ['ECDHE P-256, AES-128-GCM', 0xc02f, [NAMED_GROUP.secp256r1]],
      ['ECDHE P-384, AES-256-CBC-SHA384 (SHA-384 PRF)', 0xc028, [NAMED_GROUP.secp384r1]],
      ['DHE, AES-256-GCM-SHA384', 0x009f],
      ['DHE, AES-128-CBC-SHA', 0x0033],
    ];
    for (const [name, suite, groups, ems] of cases) {
      it(`completes ${name} and carries an HTTP request`, async () => {
        const { negotiated, text } = await httpOverSession(server.port, {
          version: TLS12,
          suites: [suite],
          serverName: 'localhost',
          ...(groups ? { groups } : {}),
          ...(ems === false ? { extendedMasterSecret: false } : {}),
        });
        expect(negotiated.version).toBe(TLS12);
        expect(negotiated.cipherSuite).toBe(suite);
        expect(negotiated.extendedMasterSecret).toBe(ems !== false);
        expect(text).toMatch(/^HTTP\/1\.0 200 ok/);
      });
    }

    it('ROBOT: not vulnerable (1)', async () => {
      const report = await probeRobot(contextFor(server.port), facts(TLS12, [0x002f, 0xc013]), {
        reactionTimeoutMs: REACTION_MS,
      });
      expect(report).toMatchObject({ status: 'not-vulnerable', code: 1, suite: 0x002f, protocol: TLS12 });
      expect(report.runs.map((r) => r.flow)).toEqual(['with-finished', 'key-exchange-only']);
    });

    it('CBC padding oracles: not vulnerable (1) on every test', async () => {
      const report = await probePaddingOracles(
        contextFor(server.port),
        facts(TLS12, [0xc02f, 0xc013, 0x002f]),
        {
          reactionTimeoutMs: REACTION_MS,
        },
      );
      // AES-128 with HMAC-SHA1 is preferred; of two such suites, the first the server accepted.
      expect(report.suite).toBe(0xc013);
      expect(paddingCodes(report)).toEqual(ALL_CLEAR);
      expect(report.rounds).toHaveLength(1);
    });

    it('full scans one after another, with the scheduler defaults, give the same active-test codes', async () => {
      // s_server serves one connection at a time and sleeps a second after each scan's renegotiation
      // probe, so every scan after the first starts behind that sleep.
      const defaults = createScheduler();
      const codes: Readonly<Record<string, number>>[] = [];
      for (let i = 0; i < 3; i++) {
        const scan = await scanEndpoint(
          { scheduler: defaults, activeTests: [robotActiveTest, paddingOracleActiveTest] },
          { ip: LOOPBACK, port: server.port, serverName: 'localhost' },
        );
        expect(scan.failure).toBeNull();
        codes.push(scan.activeTests);
      }
      expect(codes).toEqual(Array.from({ length: 3 }, () => ({ bleichenbacher: 1, ...ALL_CLEAR })));
    });
  });

  describe('TLS 1.0 (implicit CBC IVs)', () => {
    let server: SpawnedServer | null = null;
    beforeAll(async () => {
      try {
        server = await start('-tls1', 'AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0');
      } catch (e) {
        console.warn(
          `skipping TLS 1.0 s_server tests: it did not start (${(e as Error).message.split('\n')[0]})`,
        );
      }
    });
    afterAll(async () => server?.stop());

    for (const suite of [0x002f, 0xc013]) {
      it(`completes suite 0x${suite.toString(16)} and carries an HTTP request`, async ({ skip }) => {
        if (server === null) skip();
        const { negotiated, text } = await httpOverSession(server!.port, {
          version: TLS10,
          suites: [suite],
          serverName: 'localhost',
        });
        expect(negotiated.version).toBe(TLS10);
        expect(text).toMatch(/^HTTP\/1\.0 200 ok/);
      });
    }

    it('CBC padding oracles: not vulnerable (1)', async ({ skip }) => {
      if (server === null) skip();
      const report = await probePaddingOracles(contextFor(server!.port), facts(TLS10, [0x002f]), {
        reactionTimeoutMs: REACTION_MS,
      });
      expect(paddingCodes(report)).toEqual(ALL_CLEAR);
    });
  });
});

// --- Node's TLS server ----------------------------------------------------------------------------

describe('node:tls server with RSA key exchange allowed', () => {
  let server: TlsServer;
  let port = 0;
  beforeAll(async () => {
    server = createTlsServer(
      {
        key: credentials.keyPem,
        cert: credentials.certPem,
        ciphers:
          'AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:@SECLEVEL=0',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.2',
      },
      (socket) => {
        socket.on('error', () => undefined);
        socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      },
    );
    server.on('tlsClientError', () => undefined);
    port = await new Promise<number>((resolve) =>
      server.listen(0, LOOPBACK, () => resolve((server.address() as AddressInfo).port)),
    );
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: readonly (readonly [string, number, number])[] = [
    ['TLS 1.2, RSA, AES-128-CBC-SHA', TLS12, 0x002f],
    ['TLS 1.2, ECDHE, ChaCha20-Poly1305', TLS12, 0xcca8],
    ['TLS 1.2, ECDHE, AES-128-GCM', TLS12, 0xc02f],
    ['TLS 1.1 (explicit CBC IVs), RSA, AES-256-CBC-SHA', TLS11, 0x0035],
    ['TLS 1.0, ECDHE, AES-128-CBC-SHA', TLS10, 0xc013],
  ];
  for (const [name, version, suite] of cases) {
    it(`completes ${name} and carries an HTTP request`, async () => {
      const { negotiated, text } = await httpOverSession(port, {
        version,
        suites: [suite],
        serverName: 'localhost',
      });
      expect([negotiated.version, negotiated.cipherSuite]).toEqual([version, suite]);
      expect(text).toBe('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  }

  it('ROBOT: not vulnerable (1)', async () => {
    const report = await probeRobot(contextFor(port), facts(TLS12, [0xc02f, 0x002f]), {
      reactionTimeoutMs: REACTION_MS,
    });
    expect(report).toMatchObject({ status: 'not-vulnerable', code: 1, suite: 0x002f });
  });

  it('CBC padding oracles: not vulnerable (1) on every test, at TLS 1.2 and TLS 1.1', async () => {
    for (const version of [TLS12, TLS11] as const) {
      const report = await probePaddingOracles(contextFor(port), facts(version, [0x002f]), {
        reactionTimeoutMs: REACTION_MS,
      });
      expect(paddingCodes(report)).toEqual(ALL_CLEAR);
    }
  });

  it('no RSA key exchange, no CBC suite: both tests not applicable', async () => {
    const ctx = contextFor(port);
    const robot = await probeRobot(ctx, facts(TLS12, [0xc02f]));
    expect(robot).toMatchObject({ status: 'not-applicable', code: 1, runs: [] });
    const padding = await probePaddingOracles(ctx, facts(TLS12, [0xc02f, 0xcca8]));
    expect(padding.zombiePoodle.status).toBe('not-applicable');
    expect(paddingCodes(padding)).toEqual(ALL_CLEAR);
  });
});

// --- Deliberately vulnerable test servers --------------------------------------------------------

/**
 * What a test server does: send an alert (encrypted once keys are on), close, reset, go silent, or
 * answer; or one of these after a delay.
 */
type Action =
  | { readonly alert: AlertDescriptionName }
  | 'close'
  | 'reset'
  | 'hang'
  | 'answer'
  | { readonly afterMs: number; readonly then: Action };

interface FakeBehaviour {
  /**
   * After decrypting the ClientKeyExchange block (raw RSA): go on with the handshake, or act now.
   * `open` counts the client connections the server holds at that moment, this one included.
   */
  readonly onPreMasterBlock?: (block: Uint8Array, connection: number, open: number) => 'continue' | Action;
  /**
   * For each application data record: what opening it found, and the content when its MAC verifies
   * with only the padding length byte honoured (SSL 3.0's rule, which POODLE TLS servers kept).
   */
  readonly onRecord?: (opened: OpenedCbc, ssl3Content: Uint8Array | null) => Action;
}

/** Reads whole records from a socket. */
class RecordPeer {
  readonly #reader = new RecordReader({ ssl2: false });
  readonly #queue: TlsRecord[] = [];
  #wake: (() => void) | null = null;
  #ended = false;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const r of this.#reader.push(new Uint8Array(chunk))) if (r.kind === 'tls') this.#queue.push(r);
      } catch {
        this.#ended = true;
      }
      this.#wake?.();
    });
    const end = (): void => {
      this.#ended = true;
      this.#wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  async next(): Promise<TlsRecord | null> {
    for (;;) {
      const r = this.#queue.shift();
      if (r !== undefined) return r;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** The secret of a valid PKCS #1 v1.5 encryption block holding 48 bytes, or null (RFC 8017 §7.2.2). */
function unpadPkcs1(block: Uint8Array): Uint8Array | null {
  if (block[0] !== 0 || block[1] !== 2) return null;
  const zero = block.indexOf(0, 2);
  if (zero < 10 || block.length - zero - 1 !== 48) return null;
  return block.slice(zero + 1);
}

/**
 * How the test server takes its connections. By default each is served as it comes in (nginx, node:tls).
 * `oneAtATime` serves them in turn, the next only once the current one is over, as `openssl s_server`
 * and gnutls-serv do; with `lingerAfterAlert` a connection it sent a fatal alert on is over for the
 * server but its socket stays open until the next connection is taken, so a client sees the close only
 * when another connection was waiting: a reaction that depends on the client's other connections, as
 * gnutls-serv's close after an alert does.
 */
interface FakeServing {
  readonly oneAtATime?: boolean;
  readonly lingerAfterAlert?: boolean;
}

/**
 * A TLS 1.2 server for TLS_RSA_WITH_AES_128_CBC_SHA built from the engine's server-side pieces
 * (key schedule, record protection, Finished), with hooks that make it answer like a broken one.
 */
class FakeServer {
  readonly #server: NetServer;
  readonly #key = createPrivateKey(credentials.keyPem);
  readonly #spec: CipherSpec = cipherSpec(0x002f)!;
  readonly #behaviour: FakeBehaviour;
  readonly #serving: FakeServing;
  readonly #waiting: { socket: Socket; connection: number }[] = [];
  readonly #lingering = new Set<Socket>();
  /** The connection being served, one at a time; null when idle. */
  #current: { socket: Socket; over: () => void } | null = null;
  #connections = 0;
  #open = 0;
  port = 0;

  constructor(behaviour: FakeBehaviour, serving: FakeServing = {}) {
    this.#behaviour = behaviour;
    this.#serving = serving;
    this.#server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      this.#open++;
      socket.once('close', () => this.#open--);
      const connection = this.#connections++;
      if (serving.oneAtATime !== true) {
        this.#serve(socket, connection).catch(() => socket.destroy());
        return;
      }
      // Not read until its turn: the client's hello waits in the socket, as in a listen backlog.
      socket.pause();
      this.#waiting.push({ socket, connection });
      this.#next();
    });
  }

  /** One at a time: takes the next waiting connection once the current one is over. */
  #next(): void {
    if (this.#current !== null) return;
    const next = this.#waiting.shift();
    if (next === undefined) return;
    if (next.socket.destroyed) return this.#next();
    for (const s of this.#lingering) s.destroy();
    this.#lingering.clear();
    let over = false;
    const done = (): void => {
      if (over) return;
      over = true;
      this.#current = null;
      this.#next();
    };
    this.#current = { socket: next.socket, over: done };
    next.socket.once('close', done);
    next.socket.resume();
    this.#serve(next.socket, next.connection).catch(() => next.socket.destroy());
  }

  async listen(): Promise<this> {
    this.port = await new Promise<number>((resolve) =>
      this.#server.listen(0, LOOPBACK, () => resolve((this.#server.address() as AddressInfo).port)),
    );
    return this;
  }

  close(): Promise<void> {
    for (const { socket } of this.#waiting) socket.destroy();
    for (const s of this.#lingering) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(socket: Socket, connection: number): Promise<void> {
    const peer = new RecordPeer(socket);
    const reassembler = new HandshakeReassembler();
    const pending: { type: number; body: Uint8Array }[] = [];
    const nextMessage = async (): Promise<{ type: number; body: Uint8Array } | null> => {
      for (;;) {
        const m = pending.shift();
        if (m !== undefined) return m;
        const rec = await peer.next();
        if (rec === null || rec.type !== CONTENT_TYPE.handshake) return null;
        pending.push(...reassembler.push(rec.fragment));
      }
    };
    const plainAlert = (name: AlertDescriptionName): void => {
      socket.end(encodeRecord(CONTENT_TYPE.alert, TLS12, encodeAlert(2, name)));
    };

    const helloMessage = await nextMessage();
    if (helloMessage?.type !== HANDSHAKE_TYPE.client_hello) return void socket.destroy();
    const hello = parseClientHello(helloMessage.body);
    if (!hello.cipherSuites.includes(this.#spec.suite) || hello.version < TLS12)
      return plainAlert('handshake_failure');
    const ems = hello.extendedMasterSecret;
    const serverRandom = new Uint8Array(randomBytes(32));
    const flight = [
      buildServerHello({
        version: TLS12,
        random: serverRandom,
        cipherSuite: this.#spec.suite,
        extensions: [renegotiationInfoExtension(), ...(ems ? [extendedMasterSecretExtension()] : [])],
      }),
      buildCertificate({ certs: [credentials.der] }),
      encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
    ];
    const transcript: Uint8Array[] = [encodeHandshake(helloMessage.type, helloMessage.body), ...flight];
    socket.write(encodeRecord(CONTENT_TYPE.handshake, TLS12, concatBytes(flight)));

    const cke = await nextMessage();
    if (cke?.type !== HANDSHAKE_TYPE.client_key_exchange) return void socket.destroy();
    transcript.push(encodeHandshake(cke.type, cke.body));
    const encrypted = new ByteReader(cke.body, 'ClientKeyExchange').vector(2, 'encrypted');
    const block = new Uint8Array(
      privateDecrypt({ key: this.#key, padding: constants.RSA_NO_PADDING }, encrypted),
    );
    const early = this.#behaviour.onPreMasterBlock?.(block, connection, this.#open) ?? 'continue';
    if (early !== 'continue') return this.#act(socket, early, null);
    // RFC 5246 §7.4.7.1: whatever is wrong with the block, go on with a random pre-master secret.
    const pms = unpadPkcs1(block) ?? new Uint8Array(randomBytes(48));
    const master = ems
      ? extendedMasterSecret(TLS12, 'sha256', pms, transcriptHash(TLS12, 'sha256', concatBytes(transcript)))
      : masterSecret(TLS12, 'sha256', pms, hello.random, serverRandom);
    const keys = deriveConnectionKeys(this.#spec, TLS12, master, hello.random, serverRandom);
    const read = new RecordProtection(this.#spec, TLS12, keys.client);
    const write = new RecordProtection(this.#spec, TLS12, keys.server);

    const ccs = await peer.next();
    if (ccs?.type !== CONTENT_TYPE.change_cipher_spec) return void socket.destroy();
    const finishedRecord = await peer.next();
    if (finishedRecord === null) return void socket.destroy();
    const finished = read.open(finishedRecord.type, finishedRecord.fragment);
    if (!finished.ok) return plainAlert('bad_record_mac');
    const expected = encodeHandshake(
      HANDSHAKE_TYPE.finished,
      finishedVerifyData(TLS12, 'sha256', master, 'client', concatBytes(transcript)),
    );
    if (!bytesEqual(finished.content, expected)) return plainAlert('decrypt_error');
    transcript.push(expected);
    const ours = encodeHandshake(
      HANDSHAKE_TYPE.finished,
      finishedVerifyData(TLS12, 'sha256', master, 'server', concatBytes(transcript)),
    );
    socket.write(
      concatBytes([buildChangeCipherSpecRecord(TLS12), write.sealRecord(CONTENT_TYPE.handshake, ours)]),
    );

    const macKeys = { spec: this.#spec.protection as BlockProtection, ...keys.client };
    for (;;) {
      const rec = await peer.next();
      if (rec === null) return;
      const seq = read.sequence;
      const opened = read.open(rec.type, rec.fragment);
      const cbc = opened.cbc!;
      const ssl3Content = ((): Uint8Array | null => {
        const end = cbc.plaintext.length - cbc.paddingLength - 1 - macKeys.spec.macLength;
        if (cbc.badLength || end < 0) return null;
        const content = cbc.plaintext.subarray(0, end);
        const mac = recordMac(macKeys, { seq, type: rec.type, version: TLS12 }, content);
        return bytesEqual(mac, cbc.plaintext.subarray(end, end + mac.length)) ? content : null;
      })();
      const action = this.#behaviour.onRecord?.(cbc, ssl3Content) ?? uniform(cbc);
      // An empty record carries no request: a server that took it waits for the next one.
      if (action === 'answer' && (opened.ok ? opened.content : ssl3Content)?.length === 0) continue;
      return this.#act(socket, action, write);
    }
  }

  #act(socket: Socket, action: Action, write: RecordProtection | null): void {
    if (action === 'hang') return;
    if (typeof action === 'object' && 'afterMs' in action) {
      setTimeout(() => socket.destroyed || this.#act(socket, action.then, write), action.afterMs);
      return;
    }
    if (action === 'close') return void socket.end();
    if (action === 'reset') return void socket.resetAndDestroy();
    if (action === 'answer') {
      const answer = new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\n');
      return void socket.end(write!.sealRecord(CONTENT_TYPE.application_data, answer));
    }
    const alert = encodeAlert(2, action.alert);
    const record =
      write === null
        ? encodeRecord(CONTENT_TYPE.alert, TLS12, alert)
        : write.sealRecord(CONTENT_TYPE.alert, alert);
    if (this.#serving.lingerAfterAlert === true && this.#current?.socket === socket) {
      socket.write(record);
      this.#lingering.add(socket);
      this.#current.over();
      return;
    }
    socket.end(record);
  }
}

/** An alert sent well after a short reaction wait (25 ms) and well within the full one. */
const late = (alert: AlertDescriptionName): Action => ({ afterMs: 150, then: { alert } });

/** A reaction window as a scan leaves it once it has timed a few prompt reactions: waits are short. */
function taughtWindow(): ReactionWindow {
  const window = reactionWindow(REACTION_MS);
  for (let i = 0; i < TIMED_REACTIONS_NEEDED; i++)
    window.note(reaction({ end: 'closed', reactedAfterMs: 1 }));
  expect(window.next().short).toBe(true);
  return window;
}

/** The block starts 0x00 0x02, as PKCS #1 v1.5 wants. */
const conformant = (b: Uint8Array): boolean => b[0] === 0 && b[1] === 2;

/** RFC 5246's rule for a record: valid → answer, anything else → bad_record_mac. */
const uniform = (o: OpenedCbc): Action => (o.content !== null ? 'answer' : { alert: 'bad_record_mac' });

async function withFake<T>(
  behaviour: FakeBehaviour,
  fn: (ctx: ScanContext) => Promise<T>,
  serving: FakeServing = {},
): Promise<T> {
  const server = await new FakeServer(behaviour, serving).listen();
  try {
    return await fn(contextFor(server.port));
  } finally {
    await server.close();
  }
}

describe('test servers with a CBC padding oracle', () => {
  const run = (behaviour: FakeBehaviour): Promise<PaddingOracleReport> =>
    withFake(behaviour, (ctx) =>
      probePaddingOracles(ctx, facts(TLS12, [0x002f]), { reactionTimeoutMs: REACTION_MS }),
    );

  it('a server that follows RFC 5246 is not vulnerable (the test server itself is sound)', async () => {
    const report = await run({});
    expect(paddingCodes(report)).toEqual(ALL_CLEAR);
    expect(report.rounds[0]?.descriptions.valid).toMatch(/application data/);
  });

  it('another encrypted alert for bad padding: Zombie POODLE, GOLDENDOODLE, 0-length oracle, not exploitable', async () => {
    const report = await run({
      onRecord: (o) =>
        o.content !== null
          ? 'answer'
          : o.paddingValid
            ? { alert: 'bad_record_mac' }
            : { alert: 'decryption_failed' },
    });
    expect(paddingCodes(report)).toEqual({
      ...ALL_CLEAR,
      zombiePoodle: 2,
      goldenDoodle: 4,
      zeroLengthPaddingOracle: 6,
    });
    expect(report.rounds).toHaveLength(2);
    expect(report.zombiePoodle.detail).toMatch(/decryption_failed/);
  });

  it('a bare close for bad padding: the same oracles, visible on the wire (exploitable)', async () => {
    const report = await run({
      onRecord: (o) =>
        o.content !== null ? 'answer' : o.paddingValid ? { alert: 'bad_record_mac' } : 'close',
    });
    expect(paddingCodes(report)).toEqual({
      ...ALL_CLEAR,
      zombiePoodle: 3,
      goldenDoodle: 5,
      zeroLengthPaddingOracle: 7,
    });
  });

  it('padding bytes never checked: POODLE TLS (2); an all-padding record underflows: LuckyMinus20 (2)', async () => {
    const report = await run({
      onRecord: (o, ssl3Content) => {
        const unpadded = o.plaintext.length - o.paddingLength - 1;
        // OpenSSL's AES-NI path before 1.0.2h: content length = unpadded - MAC < 0, read as huge.
        if (unpadded >= 0 && unpadded < 20) return { alert: 'record_overflow' };
        return ssl3Content !== null ? 'answer' : { alert: 'bad_record_mac' };
      },
    });
    expect(report.poodleTls).toMatchObject({ status: 'vulnerable', code: 2 });
    expect(report.openSSLLuckyMinus20).toMatchObject({ status: 'vulnerable', code: 2 });
    expect(report.zombiePoodle.code).toBe(1);
    expect(report.goldenDoodle.code).toBe(1);
  });

  it('an alert later than a short wait is waited for before it counts: not an oracle', async () => {
    // The scan has timed prompt reactions already, so waits are short; this server sends the same
    // alert for every bad record, only later for a bad MAC (a slow path, not an oracle).
    const report = await withFake(
      { onRecord: (o) => (o.content === null && o.paddingValid ? late('bad_record_mac') : uniform(o)) },
      (ctx) => probePaddingOracles(ctx, facts(TLS12, [0x002f]), { reactionWindow: taughtWindow() }),
    );
    expect(paddingCodes(report)).toEqual(ALL_CLEAR);
    expect(report.rounds[0]?.reactions['invalid-mac']).toBe('alert bad_record_mac, closed');
  });

  it('silence for a valid MAC with bad padding: Sleeping POODLE, exploitable (11)', async () => {
    const report = await run({
      onRecord: (o, ssl3Content) => (o.content === null && ssl3Content !== null ? 'hang' : uniform(o)),
    });
    expect(report.sleepingPoodle).toMatchObject({ status: 'exploitable', code: 11 });
    expect(report.zombiePoodle.code).toBe(1);
    expect(report.poodleTls.code).toBe(1);
  });
});

describe('test servers with a Bleichenbacher oracle', () => {
  const run = (behaviour: FakeBehaviour) =>
    withFake(behaviour, (ctx) => probeRobot(ctx, facts(TLS12, [0x002f]), { reactionTimeoutMs: REACTION_MS }));

  it('a server that follows RFC 5246 is not vulnerable', async () => {
    expect(await run({})).toMatchObject({ status: 'not-vulnerable', code: 1 });
  });

  it('an alert for blocks not starting 0x00 0x02: strong oracle (3)', async () => {
    const report = await run({
      onPreMasterBlock: (b) => (conformant(b) ? 'continue' : { alert: 'handshake_failure' }),
    });
    expect(report).toMatchObject({ status: 'strong-oracle', code: 3 });
    expect(report.runs).toHaveLength(4);
    expect(report.runs[0]?.reactions['wrong-first-bytes']).toBe('alert handshake_failure, closed');
    expect(report.runs[0]?.reactions.correct).toBe('alert bad_record_mac, closed');
  });

  it('an alert for every block but a fully valid one: weak oracle (2)', async () => {
    const report = await run({
      onPreMasterBlock: (b) => (unpadPkcs1(b) !== null ? 'continue' : { alert: 'decrypt_error' }),
    });
    expect(report).toMatchObject({ status: 'weak-oracle', code: 2 });
  });

  it('a TCP reset for blocks not starting 0x00 0x02: strong oracle, seen without any alert', async () => {
    const report = await run({ onPreMasterBlock: (b) => (conformant(b) ? 'continue' : 'reset') });
    expect(report.status).toBe('strong-oracle');
    expect(report.runs.find((r) => r.flow === 'key-exchange-only')?.reactions['wrong-first-bytes']).toBe(
      'reset',
    );
  });

  it('a late reaction is confirmed with the full wait, and later waits grow to match it', async () => {
    // Waits start short (prompt reactions timed already). Blocks not starting 0x00 0x02 draw the same
    // alert as the others after a Finished, only late; sent alone they draw it too, where a sound
    // server keeps waiting: an oracle in the key-exchange-only flow.
    const report = await withFake(
      { onPreMasterBlock: (b) => (conformant(b) ? 'continue' : late('bad_record_mac')) },
      (ctx) => probeRobot(ctx, facts(TLS12, [0x002f]), { reactionWindow: taughtWindow() }),
    );
    const withFinished = report.runs.filter((r) => r.flow === 'with-finished');
    expect(withFinished).toHaveLength(1);
    // Short waits had seen silence against alerts here; the full wait shows the same alert everywhere.
    expect(classifyRobotRun(withFinished[0]!.reactions)).toBe('none');
    expect(withFinished[0]!.reactions['wrong-first-bytes']).toBe('alert bad_record_mac, closed');
    // Having timed those late alerts, the flow where silence is the sound answer waits long enough.
    expect(report).toMatchObject({ status: 'strong-oracle', code: 3 });
    const alone = report.runs.find((r) => r.flow === 'key-exchange-only');
    expect(alone?.reactions['wrong-first-bytes']).toBe('alert bad_record_mac, closed');
    expect(alone?.reactions.correct).toBe('timeout');
  });

  it('a difference that does not come back: inconsistent (4)', async () => {
    let blocks = 0;
    const report = await withFake(
      // The flows run one after the other: the first run of the first flow (five blocks) shows it, its
      // repetition does not.
      {
        onPreMasterBlock: (b) =>
          blocks++ < 5 && !conformant(b) ? { alert: 'handshake_failure' } : 'continue',
      },
      (ctx) =>
        probeRobot(ctx, facts(TLS12, [0x002f]), {
          reactionTimeoutMs: REACTION_MS,
          sessions: activeSessions(ctx, { concurrency: 'one-at-a-time' }),
        }),
    );
    expect(report).toMatchObject({ status: 'inconsistent', code: 4 });
  });

  it('a difference seen only while sessions ran side by side is not a finding (1)', async () => {
    // The server answers a malformed block differently while it holds another connection: our own
    // parallelism, not a Bleichenbacher oracle. The run is repeated one session at a time and counts then.
    const report = await run({
      onPreMasterBlock: (b, _connection, open) =>
        open > 1 && !conformant(b) ? { alert: 'handshake_failure' } : 'continue',
    });
    expect(report).toMatchObject({ status: 'not-vulnerable', code: 1 });
  });
});

describe('test servers that serve one connection at a time (openssl s_server, gnutls-serv)', () => {
  const robot = (ctx: ScanContext) =>
    probeRobot(ctx, facts(TLS12, [0x002f]), { reactionTimeoutMs: REACTION_MS });
  const padding = (ctx: ScanContext) =>
    probePaddingOracles(ctx, facts(TLS12, [0x002f]), { reactionTimeoutMs: REACTION_MS });

  it('sessions wait their turn: none times out in the queue, both tests answer 1', async () => {
    // ROBOT's five silent sessions each hold the server for the reaction wait: queued side by side,
    // the third would get its hello answered only after two waits, past this probe timeout. One at a
    // time, each has the whole probe timeout for one wait.
    const waitMs = 1_000;
    const tight = createScheduler({ probeTimeoutMs: 2 * waitMs });
    const options = { reactionTimeoutMs: waitMs };
    await withFake(
      {},
      async (ctx) => {
        const scoped = { ...ctx, scheduler: tight };
        const robotReport = await probeRobot(scoped, facts(TLS12, [0x002f]), options);
        expect(robotReport).toMatchObject({ status: 'not-vulnerable', code: 1 });
        expect(robotReport.runs.map((r) => r.reactions.correct)).toEqual([
          'alert bad_record_mac, closed',
          'timeout',
        ]);
        expect(paddingCodes(await probePaddingOracles(scoped, facts(TLS12, [0x002f]), options))).toEqual(
          ALL_CLEAR,
        );
      },
      { oneAtATime: true },
    );
  });

  it('the same answer every time from a server that closes after an alert only when another connection waits', async () => {
    // Each session waits out its reaction here (no close comes), so a shorter wait keeps this test short.
    const options = { reactionTimeoutMs: REACTION_MS / 2 };
    const answers = await withFake(
      {},
      async (ctx) => {
        const out: unknown[] = [];
        for (let i = 0; i < 2; i++) {
          const r = await probeRobot(ctx, facts(TLS12, [0x002f]), options);
          out.push({
            robot: r.code,
            padding: paddingCodes(await probePaddingOracles(ctx, facts(TLS12, [0x002f]), options)),
          });
        }
        return out;
      },
      { oneAtATime: true, lingerAfterAlert: true },
    );
    expect(answers).toEqual(Array.from({ length: 2 }, () => ({ robot: 1, padding: ALL_CLEAR })));
  });

  it('a real oracle still shows, one session at a time: strong oracle (3), GOLDENDOODLE (5)', async () => {
    await withFake(
      {
        onPreMasterBlock: (b) => (conformant(b) ? 'continue' : { alert: 'handshake_failure' }),
        onRecord: (o) =>
          o.content !== null ? 'answer' : o.paddingValid ? { alert: 'bad_record_mac' } : 'close',
      },
      async (ctx) => {
        expect(await robot(ctx)).toMatchObject({ status: 'strong-oracle', code: 3 });
        expect((await padding(ctx)).goldenDoodle.code).toBe(5);
      },
      { oneAtATime: true },
    );
  });
});
