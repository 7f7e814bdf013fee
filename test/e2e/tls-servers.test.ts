/**
 * The TLS servers the scanner's tests run against are what they claim: every `expected` fact of every kind is
 * checked here with `openssl s_client` (and `gnutls-cli` for 3DES, which this OpenSSL cannot offer).
 */
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsFixtures } from '../helpers/tls-fixtures.js';
import {
  startTlsServer,
  TLS_SERVER_KINDS,
  TLS_VERSIONS,
  tlsServerTool,
  type KeyExchange,
  type RunningTlsServer,
  type TlsServerKind,
  type TlsServerTool,
  type TlsVersion,
} from '../helpers/tls-servers.js';
import { sClient, type SClientOptions, type SClientResult } from '../helpers/tls/s-client.js';
import { acceptsConnections } from '../helpers/tls/spawned-server.js';
import { requireTool } from '../helpers/tools.js';

const opensslReady = requireTool('openssl', ['version']);
const available: Record<TlsServerTool, boolean> = {
  openssl: opensslReady,
  nginx: requireTool('nginx', ['-v']),
  'gnutls-serv': requireTool('gnutls-serv', ['--version']),
  node: true,
};
const gnutlsCliReady = requireTool('gnutls-cli', ['--version']);
const kinds = TLS_SERVER_KINDS.filter((kind) => available[tlsServerTool(kind)]);

// Two cores: a few handshakes at a time keep every server answering well inside its timeouts.
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 6) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const KX_CIPHER: Readonly<Record<KeyExchange, string>> = { ECDHE: 'kEECDH', DHE: 'kDHE', RSA: 'kRSA' };
// Every TLS <= 1.2 suite of this OpenSSL that is not AEAD is CBC (it has no RC4, and NULL is not in ALL).
const CBC_ONLY = 'ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIAGCM';
const GNUTLS_3DES_ONLY =
  'NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+3DES-CBC:+SHA1:+RSA:+ECDHE-RSA:+DHE-RSA:+ECDHE-ECDSA:' +
  '+SIGN-ALL:+GROUP-ALL:+COMP-NULL:+CTYPE-X509';

function gnutlsCliConnects(port: number, priority: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile(
      'gnutls-cli',
      ['--insecure', '--priority', priority, '--port', String(port), '127.0.0.1'],
      { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' },
      (err, stdout) => resolve(!err && /^- Description: /m.test(stdout)),
    );
    child.stdin?.end();
  });
}

/**
 * Whether the server answers a bare SSL 3.0 ClientHello with an SSL 3.0 ServerHello (s_client here has no -ssl3).
 * RFC 6101 section 5.6.1.2: handshake type 1, client_version 3.0, random, empty session id, suites, null compression.
 */
function acceptsSsl3(port: number): Promise<boolean> {
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
  const suites = [0x0035, 0x002f, 0x000a, 0x0039, 0x0033, 0x0016, 0x0005, 0x0004];
  const body = Buffer.concat([
    Buffer.from([0x03, 0x00]),
    randomBytes(32),
    Buffer.from([0]),
    u16(suites.length * 2),
    ...suites.map(u16),
    Buffer.from([1, 0]),
  ]);
  const handshake = Buffer.concat([Buffer.from([1, 0]), u16(body.length), body]);
  const record = Buffer.concat([Buffer.from([0x16, 0x03, 0x00]), u16(handshake.length), handshake]);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(record));
    const done = (): void => {
      socket.destroy();
      // record type handshake, handshake type ServerHello (2), server_version 3.0
      resolve(received[0] === 0x16 && received[5] === 0x02 && received[9] === 0x03 && received[10] === 0x00);
    };
    socket.setTimeout(5_000, done);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 11 || received[0] === 0x15) done();
    });
    socket.once('close', done);
    socket.once('error', done);
  });
}

/** The Strict-Transport-Security header of `GET /` (null when absent). */
function hstsHeader(server: RunningTlsServer): Promise<string | null> {
  const client = tlsFixtures().leaves.client;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: server.host,
        port: server.port,
        path: '/',
        servername: 'localhost',
        rejectUnauthorized: false,
        ciphers: 'ALL:@SECLEVEL=0',
        minVersion: 'TLSv1',
        agent: false,
        timeout: 10_000,
        ...(server.expected.clientCertRequired ? { cert: client.cert.pem, key: client.key.pem } : {}),
      },
      (res) => {
        res.resume();
        const value = res.headers['strict-transport-security'];
        resolve(typeof value === 'string' ? value : null);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

interface Observed {
  readonly versions: ReadonlyMap<TlsVersion, SClientResult>;
  readonly keyExchanges: ReadonlyMap<KeyExchange, SClientResult>;
  readonly cbc?: SClientResult;
  readonly tripleDes?: boolean;
  readonly ssl3: boolean;
  readonly hsts: string | null;
  /** Without a client certificate, TLS 1.2 and 1.3 (client-cert kinds only). */
  readonly noClientCert: readonly SClientResult[];
}

async function observe(server: RunningTlsServer): Promise<Observed> {
  const f = tlsFixtures();
  const base: SClientOptions = {
    port: server.port,
    caFile: f.root.path,
    verifyHostname: 'localhost',
    authLevel: 2,
    ...(server.expected.clientCertRequired
      ? {
          clientCert: {
            cert: f.leaves.client.cert.path,
            key: f.leaves.client.key.path,
            chain: f.intermediate.path,
          },
        }
      : {}),
  };
  const s = (o: Partial<SClientOptions>): Promise<SClientResult> => limited(() => sClient({ ...base, ...o }));
  // The newest version up to TLS 1.2 the server claims, for the TLS <= 1.2 suite checks.
  const upTo12 = [...server.expected.protocols].reverse().find((v) => v !== 'TLSv1.3') ?? 'TLSv1.2';
  const [versions, keyExchanges, cbc, tripleDes, ssl3, hsts, noClientCert] = await Promise.all([
    Promise.all(TLS_VERSIONS.map(async (version) => [version, await s({ version })] as const)),
    Promise.all(
      (['ECDHE', 'DHE', 'RSA'] as const).map(
        async (kx) => [kx, await s({ version: upTo12, cipher: KX_CIPHER[kx] })] as const,
      ),
    ),
    s({ version: upTo12, cipher: CBC_ONLY }),
    gnutlsCliReady ? limited(() => gnutlsCliConnects(server.port, GNUTLS_3DES_ONLY)) : undefined,
    limited(() => acceptsSsl3(server.port)),
    limited(() => hstsHeader(server)),
    server.expected.clientCertRequired
      ? Promise.all([
          s({ version: 'TLSv1.2', clientCert: undefined }),
          // TLS 1.3: the client finishes first; the server's refusal is an alert read after it (-ign_eof).
          s({ version: 'TLSv1.3', clientCert: undefined, send: '' }),
        ])
      : [],
  ]);
  return {
    versions: new Map(versions),
    keyExchanges: new Map(keyExchanges),
    cbc,
    ...(tripleDes === undefined ? {} : { tripleDes }),
    ssl3,
    hsts,
    noClientCert,
  };
}

describe.skipIf(!opensslReady)('TLS servers for the scanner tests', () => {
  const servers = new Map<TlsServerKind, RunningTlsServer>();
  const observed = new Map<TlsServerKind, Observed>();

  beforeAll(async () => {
    const started = await Promise.allSettled(kinds.map((kind) => startTlsServer(kind)));
    for (const result of started)
      if (result.status === 'fulfilled') servers.set(result.value.kind, result.value);
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    await Promise.all([...servers].map(async ([kind, server]) => observed.set(kind, await observe(server))));
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  });

  describe.each(kinds)('%s', (kind) => {
    const server = (): RunningTlsServer => servers.get(kind) as RunningTlsServer;
    const seen = (): Observed => observed.get(kind) as Observed;

    it('listens on 127.0.0.1 and accepts exactly the protocol versions it claims', () => {
      const { expected } = server();
      expect(server().host).toBe('127.0.0.1');
      const accepted = TLS_VERSIONS.filter((v) => seen().versions.get(v)?.connected);
      expect(accepted, `refused: ${expected.refusedProtocols.join(', ')}`).toEqual(expected.protocols);
      for (const v of accepted) expect(seen().versions.get(v)?.protocol).toBe(v);
      expect([...expected.protocols, ...expected.refusedProtocols].sort()).toEqual([...TLS_VERSIONS].sort());
      expect(seen().ssl3, 'SSL 3.0').toBe(false);
    });

    it('offers the key exchanges, DH group and CBC suites it claims', () => {
      const { expected } = server();
      for (const kx of ['ECDHE', 'DHE', 'RSA'] as const) {
        const result = seen().keyExchanges.get(kx);
        expect(result?.connected, `${kx}: ${result?.cipher ?? 'refused'}`).toBe(
          expected.keyExchanges.includes(kx),
        );
        if (!result?.connected) continue;
        if (kx === 'ECDHE') expect(result.cipher).toMatch(/^ECDHE-/);
        if (kx === 'DHE') expect(result.serverTempKey).toBe(`DH, ${expected.dhBits} bits`);
        if (kx === 'RSA') {
          expect(result.cipher).not.toMatch(/DHE|ECDHE/);
          expect(result.serverTempKey).toBeUndefined();
        }
      }
      if (!expected.keyExchanges.includes('DHE')) expect(expected.dhBits).toBeUndefined();
      expect(seen().cbc?.connected, seen().cbc?.cipher).toBe(expected.cbc);
    });

    it.skipIf(!gnutlsCliReady)('accepts a 3DES suite only when it claims to', () => {
      expect(seen().tripleDes).toBe(server().expected.tripleDes);
    });

    it('serves the certificate chain it claims, and a client trusting the test root judges it as claimed', () => {
      const { expected } = server();
      const newest = seen().versions.get(expected.protocols.at(-1) as TlsVersion) as SClientResult;
      expect(newest.chain).toEqual(expected.chain);
      expect(newest.verification).toBe(expected.verification);
      expect(new X509Certificate(newest.chain[0] as string).fingerprint256).toBe(
        expected.leaf.fingerprint256,
      );
    });

    it('issues TLS 1.2 session tickets only when it claims to', () => {
      const { expected } = server();
      const tls12 = seen().versions.get('TLSv1.2') as SClientResult;
      if (!tls12.connected) {
        expect(expected.sessionTickets).toBeUndefined();
        return;
      }
      expect(tls12.sessionTicket).toBe(expected.sessionTickets);
    });

    it('sends HSTS only when it claims to', () => {
      expect(seen().hsts).toBe(server().expected.hsts ?? null);
    });

    it('requires a client certificate only when it claims to', () => {
      const { expected } = server();
      if (!expected.clientCertRequired) {
        // The version checks above ran without one.
        expect(seen().noClientCert).toEqual([]);
        return;
      }
      const [tls12, tls13] = seen().noClientCert as [SClientResult, SClientResult];
      expect(tls12.connected).toBe(false);
      expect(tls13.alert ?? tls13.output).toMatch(/certificate required/);
    });
  });

  it('the broken certificates are broken as described', () => {
    const f = tlsFixtures();
    const leafOf = (kind: TlsServerKind): X509Certificate | undefined => {
      const newest = observed.get(kind)?.versions.get('TLSv1.3');
      return newest?.chain[0] ? new X509Certificate(newest.chain[0]) : undefined;
    };
    expect(observed.get('openssl-incomplete-chain')?.versions.get('TLSv1.3')?.chain).toHaveLength(1);
    expect(observed.get('openssl-chain-extra-cert')?.versions.get('TLSv1.3')?.chain).toHaveLength(3);
    expect(observed.get('openssl-chain-wrong-order')?.versions.get('TLSv1.3')?.chain[1]).toBe(f.root.pem);
    expect(new Date(leafOf('openssl-expired')?.validTo ?? 0).getTime()).toBeLessThan(Date.now());
    expect(leafOf('openssl-wrong-host')?.checkHost('localhost')).toBeUndefined();
    const selfSigned = leafOf('openssl-self-signed') as X509Certificate;
    expect(selfSigned.subject).toBe(selfSigned.issuer);
    expect(selfSigned.verify(selfSigned.publicKey)).toBe(true);
    expect(server('openssl-sha1').expected.leaf.signatureAlgorithm).toBe('sha1WithRSAEncryption');
    expect(server('openssl-rsa1024').expected.leaf.keyBits).toBe(1024);
    expect(server('openssl-ecdsa').expected.leaf.keyType).toBe('ec');

    function server(kind: TlsServerKind): RunningTlsServer {
      return servers.get(kind) as RunningTlsServer;
    }
  });
});

describe.skipIf(!opensslReady)('startTlsServer', () => {
  const tools = (['openssl', 'nginx', 'gnutls-serv', 'node'] as const).filter((tool) => available[tool]);
  const kindOf: Readonly<Record<TlsServerTool, TlsServerKind>> = {
    openssl: 'openssl-intermediate',
    nginx: 'nginx-intermediate',
    'gnutls-serv': 'gnutls-tls12',
    node: 'node-intermediate',
  };

  it.each(tools)(
    '%s: serves a caller-supplied certificate, and stop() leaves nothing behind',
    async (tool) => {
      const f = tlsFixtures();
      const leaf = f.leaves.ecdsa;
      const server = await startTlsServer(kindOf[tool], {
        certificate: { cert: leaf.cert.path, key: leaf.key.path, chain: f.intermediate.path },
      });
      let stopped = false;
      try {
        expect(server.expected.chain).toEqual(leaf.chainPems);
        expect(server.expected.verification).toBeUndefined();
        const result = await sClient({ port: server.port, caFile: f.root.path, verifyHostname: 'localhost' });
        expect(result.chain).toEqual(leaf.chainPems);
        expect(result.verification).toBe('ok');
        await server.stop();
        stopped = true;
        expect(await acceptsConnections(server.port)).toBe(false);
        if (server.pid !== undefined) expect(() => process.kill(-(server.pid as number), 0)).toThrow();
      } finally {
        if (!stopped) await server.stop();
      }
    },
  );

  it('fails with the program output when the server cannot start', async () => {
    const f = tlsFixtures();
    // A key that does not match the certificate: s_server exits at once and says why.
    await expect(
      startTlsServer('openssl-intermediate', {
        certificate: { cert: f.leaves.ecdsa.cert.path, key: f.leaves.rsa.key.path },
      }),
    ).rejects.toThrow(/exited before accepting connections[\s\S]*does not match the certificate/);
  });
});
