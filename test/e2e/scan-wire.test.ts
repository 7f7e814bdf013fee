/**
 * The wire codec against real TLS stacks on 127.0.0.1: Node's (OpenSSL inside) at TLS 1.2 and
 * TLS 1.3, and `openssl s_server` with a DHE suite. Raw sockets only; nothing of node:tls on
 * the client side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getDiffieHellman } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NAMED_GROUP,
  RecordReader,
  SIGNATURE_SCHEME,
  buildClientHelloRecord,
  ecPointFormatsExtension,
  generateKeyShare,
  parseServerFlight,
  renegotiationInfoExtension,
  serverNameExtension,
  signatureAlgorithmsExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  keyShareExtension,
  type ClientHelloSpec,
  type ServerFlight,
  type ServerFlightOptions,
  type WireRecord,
} from '../../src/core/scan/wire/index.js';
import { selfSignedLocalhost, type SelfSigned } from '../helpers/self-signed.js';
import { requireTool } from '../helpers/tools.js';

const SIG_ALGS = [
  SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha256,
  SIGNATURE_SCHEME.ecdsa_secp384r1_sha384,
];

/** Send one ClientHello on a raw socket and read records until the server's flight is complete. */
function exchange(
  port: number,
  spec: ClientHelloSpec,
  options: ServerFlightOptions = {},
): Promise<ServerFlight> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const reader = new RecordReader();
    const records: WireRecord[] = [];
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      try {
        if (error) throw error;
        resolve(parseServerFlight(records, options));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    const timer = setTimeout(() => finish(new Error('no complete flight within 10 s')), 10_000);
    socket.on('connect', () => socket.write(buildClientHelloRecord(spec)));
    socket.on('data', (chunk: Buffer) => {
      try {
        records.push(...reader.push(chunk));
        if (parseServerFlight(records, options).complete) finish();
      } catch (e) {
        finish(e);
      }
    });
    socket.on('close', () => finish());
    socket.on('error', (e) => finish(e));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('Node TLS servers', () => {
  let cert: SelfSigned;
  let tls12: Server;
  let tls13: Server;
  let port12 = 0;
  let port13 = 0;

  beforeAll(async () => {
    cert = selfSignedLocalhost('p256');
    const opts = { key: cert.keyPem, cert: cert.certPem };
    tls12 = createServer({ ...opts, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }, (s) => s.destroy());
    tls13 = createServer({ ...opts, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }, (s) => s.destroy());
    for (const s of [tls12, tls13]) s.on('tlsClientError', () => undefined);
    port12 = await listen(tls12);
    port13 = await listen(tls13);
  });

  afterAll(async () => {
    await Promise.all(
      [tls12, tls13].filter(Boolean).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
  });

  it('TLS 1.2: ServerHello with an offered suite, our certificate, an ECDHE key exchange on x25519', async () => {
    const offered = [0xc02b, 0xc02c, 0xcca9];
    const flight = await exchange(
      port12,
      {
        version: 0x0303,
        cipherSuites: offered,
        extensions: [
          serverNameExtension('localhost'),
          // Up to TLS 1.2 the list also bounds the curve of an ECDSA certificate (RFC 8422 §5.1.1).
          supportedGroupsExtension([NAMED_GROUP.x25519, NAMED_GROUP.secp256r1]),
          ecPointFormatsExtension(),
          signatureAlgorithmsExtension(SIG_ALGS),
          renegotiationInfoExtension(),
        ],
        padToAvoid256To511: true,
      },
      { keyExchange: 'ecdhe' },
    );
    if (flight.kind !== 'tls') throw new Error(`expected a TLS ≤ 1.2 flight, got ${flight.kind}`);
    expect(flight.complete).toBe(true);
    expect(flight.serverHello.version).toBe(0x0303);
    expect(offered).toContain(flight.serverHello.cipherSuite);
    expect(flight.serverHello.renegotiationInfo).toEqual(new Uint8Array(0));
    expect(flight.certificates?.[0]).toEqual(cert.der);
    const params = flight.serverKeyExchange?.params;
    if (params?.kind !== 'ecdhe') throw new Error('expected ECDHE parameters');
    expect(params.namedCurve).toBe(NAMED_GROUP.x25519);
    expect(params.point.length).toBe(32);
    expect(SIG_ALGS).toContain(params.signed?.algorithm);
    expect(flight.serverHelloDone).toBe(true);
  });

  it('TLS 1.3: supported_versions 0x0304 and an x25519 key_share', async () => {
    const share = generateKeyShare(NAMED_GROUP.x25519);
    const flight = await exchange(port13, {
      version: 0x0303,
      sessionId: new Uint8Array(32).fill(7),
      cipherSuites: [0x1301, 0x1302, 0x1303],
      extensions: [
        serverNameExtension('localhost'),
        supportedVersionsExtension([0x0304]),
        supportedGroupsExtension([NAMED_GROUP.x25519]),
        keyShareExtension([share]),
        signatureAlgorithmsExtension(SIG_ALGS),
      ],
    });
    if (flight.kind !== 'tls13') throw new Error(`expected a TLS 1.3 flight, got ${flight.kind}`);
    expect(flight.serverHello.helloRetryRequest).toBe(false);
    expect(flight.serverHello.supportedVersion).toBe(0x0304);
    expect(flight.serverHello.version).toBe(0x0304);
    expect(flight.serverHello.legacyVersion).toBe(0x0303);
    expect(flight.serverHello.keyShare?.group).toBe(NAMED_GROUP.x25519);
    expect(flight.serverHello.keyShare?.keyExchange?.length).toBe(32);
    expect(flight.serverHello.sessionId).toEqual(new Uint8Array(32).fill(7));
  });

  it('TLS 1.3: an empty key_share list draws a HelloRetryRequest naming x25519', async () => {
    // Empty client_shares ask the server to pick a group (RFC 8446 §4.2.8).
    const flight = await exchange(port13, {
      version: 0x0303,
      cipherSuites: [0x1301],
      extensions: [
        supportedVersionsExtension([0x0304]),
        supportedGroupsExtension([NAMED_GROUP.x25519]),
        keyShareExtension([]),
        signatureAlgorithmsExtension(SIG_ALGS),
      ],
    });
    expect(flight).toMatchObject({
      kind: 'tls13',
      complete: true,
      serverHello: {
        helloRetryRequest: true,
        version: 0x0304,
        cipherSuite: 0x1301,
        keyShare: { group: NAMED_GROUP.x25519 },
      },
    });
  });

  it('offering only suites the server cannot use draws a handshake_failure alert', async () => {
    // RSA-authenticated suites against an ECDSA certificate.
    const flight = await exchange(port12, {
      version: 0x0303,
      cipherSuites: [0x009c, 0xc02f, 0x002f],
      extensions: [
        supportedGroupsExtension([NAMED_GROUP.x25519, NAMED_GROUP.secp256r1]),
        signatureAlgorithmsExtension(SIG_ALGS),
      ],
    });
    expect(flight.kind).toBe('none');
    expect(flight.complete).toBe(true);
    expect(flight.fatalAlert).toMatchObject({ levelName: 'fatal', name: 'handshake_failure' });
  });
});

// DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER } (PKCS #3), DER by hand.
function dhParamsPem(primeHex: string, generator: number): string {
  const len = (n: number): string =>
    n < 0x80
      ? n.toString(16).padStart(2, '0')
      : n < 0x100
        ? `81${n.toString(16).padStart(2, '0')}`
        : `82${n.toString(16).padStart(4, '0')}`;
  const int = (hex: string): string => {
    const body = parseInt(hex.slice(0, 2), 16) & 0x80 ? `00${hex}` : hex;
    return `02${len(body.length / 2)}${body}`;
  };
  const content = int(primeHex) + int(generator.toString(16).padStart(2, '0'));
  const der = Buffer.from(`30${len(content.length / 2)}${content}`, 'hex');
  return `-----BEGIN DH PARAMETERS-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END DH PARAMETERS-----\n`;
}

const hasOpenssl = requireTool('openssl', ['version']);

describe.skipIf(!hasOpenssl)('openssl s_server with a DHE-RSA suite', () => {
  // RFC 3526 group 14 (2048-bit MODP), as Node knows it: an expected prime from outside the code under test.
  const modp14 = getDiffieHellman('modp14');
  let dir = '';
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certgrid-scan-wire-'));
    writeFileSync(join(dir, 'dh.pem'), dhParamsPem(modp14.getPrime('hex'), 2));
    await new Promise<void>((resolve, reject) => {
      const req = spawn(
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
      req.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`openssl req exited ${code}`))));
    });
    child = spawn(
      'openssl',
      [
        's_server',
        '-accept',
        '127.0.0.1:0',
        '-cert',
        join(dir, 'cert.pem'),
        '-key',
        join(dir, 'key.pem'),
        '-dhparam',
        join(dir, 'dh.pem'),
        '-cipher',
        'DHE-RSA-AES128-GCM-SHA256',
        '-tls1_2',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s_server did not start:\n${output}`)), 20_000);
      const onData = (b: Buffer): void => {
        output += b.toString();
        const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`s_server exited ${code}:\n${output}`)));
    });
  });

  afterAll(() => {
    child?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends a DHE ServerKeyExchange whose p is the 2048-bit prime it was given', async () => {
    const flight = await exchange(
      port,
      {
        version: 0x0303,
        cipherSuites: [0x009e],
        extensions: [signatureAlgorithmsExtension(SIG_ALGS), renegotiationInfoExtension()],
      },
      { keyExchange: (suite) => (suite === 0x009e ? 'dhe' : undefined) },
    );
    if (flight.kind !== 'tls') throw new Error(`expected a TLS ≤ 1.2 flight, got ${flight.kind}`);
    expect(flight.serverHello.cipherSuite).toBe(0x009e);
    const params = flight.serverKeyExchange?.params;
    if (params?.kind !== 'dhe') throw new Error('expected DHE parameters');
    expect(params.pBits).toBe(2048);
    expect(params.p).toBe(modp14.getPrime('hex'));
    expect(params.g).toBe('02');
    expect(params.ys.length).toBeGreaterThan(400);
    expect(params.signed?.algorithm).not.toBeNull();
    const pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    expect(flight.certificates?.[0]).toEqual(new Uint8Array(der));
  });
});
