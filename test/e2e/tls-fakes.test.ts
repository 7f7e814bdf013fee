/**
 * The fake TLS servers of test/helpers/tls/fakes, driven with the wire codec over raw sockets: every
 * behaviour the scanner's tests rely on, and the "not vulnerable" counterpart of each flaw, so a scanner
 * test that fails points at the scanner and not at its fake.
 */
import { checkPrimeSync, createECDH, getDiffieHellman, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cipherSuite } from '../../src/core/scan/ciphers.js';
import {
  ALERT_DESCRIPTION,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HEARTBEAT_MESSAGE_TYPE,
  HEARTBEAT_MODE,
  NAMED_GROUP,
  RecordReader,
  SIGNATURE_SCHEME,
  buildChangeCipherSpecRecord,
  buildClientHelloRecord,
  buildHeartbeatRequest,
  buildMalformedHeartbeatRequest,
  buildSsl2ClientHello,
  concatBytes,
  ecPointFormatsExtension,
  encodeHandshake,
  encodeRecord,
  encodeSsl2Record,
  fromHex,
  heartbeatExtension,
  parseHeartbeat,
  parseServerFlight,
  renegotiationInfoExtension,
  sessionTicketExtension,
  signatureAlgorithmsExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  type ClientHelloSpec,
  type Extension,
  type HeartbeatMessage,
  type KeyExchangeKind,
  type ServerFlight,
  type TlsFlight,
  type WireRecord,
} from '../../src/core/scan/wire/index.js';
import {
  DH_PRIME_512_HEX,
  FFDHE_2048_HEX,
  MODP_1024_HEX,
  MODERN_SUITES,
  SSL2_KINDS,
  SSL3,
  SUITES,
  TLS10,
  TLS11,
  TLS12,
  ccsServer,
  clientPreferenceServer,
  compressionServer,
  exportServer,
  fixtureChain,
  heartbeatServer,
  heartbleedServer,
  intolerantServer,
  modernServer,
  noSecureRenegotiationServer,
  rc4OnlyServer,
  sslv2NoCiphersServer,
  sslv2Server,
  sslv3Rc4Server,
  startFakeTlsServer,
  ticketServer,
  ticketbleedServer,
  weakDhServer,
  type FakeServerConfig,
  type FakeTlsServer,
} from '../helpers/tls/fakes/index.js';
import { tlsFixtures } from '../helpers/tls-fixtures.js';

// ---------------------------------------------------------------------------------------------
// A raw client
// ---------------------------------------------------------------------------------------------

const WAIT_MS = 3_000;

/** A socket that collects the records the server sends. */
class WireClient {
  readonly records: WireRecord[] = [];
  readonly #socket: Socket;
  readonly #reader = new RecordReader();
  #ended = false;
  #error: string | undefined;
  #wake: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.records.push(...this.#reader.push(chunk));
      } catch (e) {
        this.#error = String(e);
        socket.destroy();
      }
      this.#notify();
    });
    const end = (): void => {
      this.#ended = true;
      this.#notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (e) => {
      this.#error = e.message;
      end();
    });
  }

  static open(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The server closed (or reset) the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  get error(): string | undefined {
    return this.#error;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    wake.forEach((w) => w());
  }

  send(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  /** Resolves true once `done()` holds, false when the connection ends first or the wait times out. */
  async until(done: () => boolean, timeoutMs = WAIT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done()) return true;
      if (this.#ended) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server closed the connection (true) or the wait timed out (false). */
  async closedByServer(timeoutMs = WAIT_MS): Promise<boolean> {
    await this.until(() => false, timeoutMs);
    return this.#ended;
  }

  close(): void {
    this.#socket.destroy();
  }
}

const keyExchangeOf = (id: number): KeyExchangeKind | undefined => {
  const s = cipherSuite(id);
  if (s === undefined || !s.forwardSecrecy) return undefined;
  return s.kx === 'DH' ? 'dhe' : s.kx === 'ECDH' ? 'ecdhe' : undefined;
};

const flightOf = (records: readonly WireRecord[]): ServerFlight =>
  parseServerFlight(records, { keyExchange: keyExchangeOf });

const CLIENT_GROUPS = [NAMED_GROUP.x25519, NAMED_GROUP.secp256r1, NAMED_GROUP.secp384r1];

/** A TLS 1.2 ClientHello offering the modern suites, x25519/P-256/P-384 and renegotiation_info. */
function clientHello(o: Partial<ClientHelloSpec> & { extra?: readonly Extension[] } = {}): ClientHelloSpec {
  const { extra = [], ...spec } = o;
  return {
    version: TLS12,
    cipherSuites: MODERN_SUITES,
    extensions: [
      supportedGroupsExtension(CLIENT_GROUPS),
      ecPointFormatsExtension(),
      signatureAlgorithmsExtension([
        SIGNATURE_SCHEME.rsa_pkcs1_sha256,
        SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
      ]),
      renegotiationInfoExtension(),
      ...extra,
    ],
    ...spec,
  };
}

interface Exchange {
  readonly client: WireClient;
  readonly flight: ServerFlight;
}

/** Connect, send `hello` (a spec or raw bytes) and read until the flight is complete or the server closes. */
async function exchange(server: FakeTlsServer, hello: ClientHelloSpec | Uint8Array): Promise<Exchange> {
  const client = await WireClient.open(server.port);
  client.send(hello instanceof Uint8Array ? hello : buildClientHelloRecord(hello));
  await client.until(() => flightOf(client.records).complete);
  return { client, flight: flightOf(client.records) };
}

/** Like `exchange`, for a hello the server must accept; the client is closed unless `keepOpen`. */
async function handshake(
  server: FakeTlsServer,
  hello: ClientHelloSpec | Uint8Array = clientHello(),
  keepOpen = false,
): Promise<TlsFlight & { client: WireClient }> {
  const { client, flight } = await exchange(server, hello);
  if (!keepOpen) client.close();
  if (flight.kind !== 'tls') throw new Error(`expected a TLS flight, got ${JSON.stringify(flight)}`);
  expect(flight.serverHelloDone).toBe(true);
  return { ...flight, client };
}

/** The fatal alert a refused hello got (the server closes after it). */
async function refusal(server: FakeTlsServer, hello: ClientHelloSpec | Uint8Array): Promise<number | null> {
  const { client, flight } = await exchange(server, hello);
  expect(await client.closedByServer()).toBe(true);
  client.close();
  expect(flight.kind).toBe('none');
  return flight.fatalAlert?.description ?? null;
}

/** Records of `type` received after the first `from`. */
const recordsAfter = (client: WireClient, from: number, type: number): Uint8Array[] =>
  client.records.slice(from).flatMap((r) => (r.kind === 'tls' && r.type === type ? [r.fragment] : []));

/** One heartbeat message from the heartbeat records after `from` (it may span several). */
const heartbeatAfter = (client: WireClient, from: number): HeartbeatMessage | null => {
  const fragments = recordsAfter(client, from, CONTENT_TYPE.heartbeat);
  if (fragments.length === 0) return null;
  const message = parseHeartbeat(concatBytes(fragments));
  return message.payload.length === message.payloadLength && message.padding.length >= 16 ? message : null;
};

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

const MULTI_VERSION: FakeServerConfig = {
  protocols: [TLS10, TLS11, TLS12],
  suites: {
    [TLS10]: [SUITES['ECDHE-RSA-AES128-SHA'], SUITES['AES128-SHA']],
    [TLS11]: [SUITES['ECDHE-RSA-AES128-SHA'], SUITES['AES128-SHA']],
    [TLS12]: MODERN_SUITES,
  },
  fallbackScsv: true,
};

const CONFIGS = {
  modern: modernServer,
  multiVersion: MULTI_VERSION,
  multiVersionNoScsv: { ...MULTI_VERSION, fallbackScsv: false },
  sslv2: sslv2Server,
  sslv2NoCiphers: sslv2NoCiphersServer,
  sslv3Rc4: sslv3Rc4Server,
  export: exportServer,
  heartbeat: heartbeatServer,
  heartbleed: heartbleedServer,
  ccs: ccsServer,
  intolerant: intolerantServer,
  noSecureRenegotiation: noSecureRenegotiationServer,
  compression: compressionServer,
  ticketbleed: ticketbleedServer,
  ticket: ticketServer,
  weakDh: weakDhServer,
  rc4Only: rc4OnlyServer,
  clientPreference: clientPreferenceServer,
  /** ECDHE only, P-384 then x25519, so a hello without a shared group has nothing to fall back on. */
  ecdheOnly: {
    ...modernServer,
    suites: [SUITES['ECDHE-RSA-AES128-GCM-SHA256']],
    groups: [NAMED_GROUP.secp384r1, NAMED_GROUP.x25519],
  },
  /** A given chain of two made-up "certificates" and an anonymous DH suite. */
  customChain: {
    protocols: [TLS12],
    suites: [0x0034 /* ADH-AES128-SHA */, SUITES['AES128-SHA']],
    chain: [ascii('not a certificate'), ascii('second')],
  },
} satisfies Record<string, FakeServerConfig>;

type Name = keyof typeof CONFIGS;
const servers = {} as Record<Name, FakeTlsServer>;

beforeAll(async () => {
  const names = Object.keys(CONFIGS) as Name[];
  const started = await Promise.all(names.map((n) => startFakeTlsServer(CONFIGS[n])));
  names.forEach((n, i) => (servers[n] = started[i] as FakeTlsServer));
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('DH primes', () => {
  const safePrime = (hex: string, bits: number): void => {
    const p = BigInt(`0x${hex}`);
    expect(p.toString(2)).toHaveLength(bits);
    expect(checkPrimeSync(p)).toBe(true);
    expect(checkPrimeSync((p - 1n) / 2n)).toBe(true);
  };

  it('are safe primes of 512, 1024 and 2048 bits', () => {
    safePrime(DH_PRIME_512_HEX, 512);
    safePrime(MODP_1024_HEX, 1024);
    safePrime(FFDHE_2048_HEX, 2048);
  });

  it('the 1024-bit one is Oakley group 2 (RFC 2409), as node:crypto knows it', () => {
    expect(MODP_1024_HEX).toBe(getDiffieHellman('modp2').getPrime('hex'));
  });

  it('the 2048-bit one is ffdhe2048 (RFC 7919), as OpenSSL has it built in', () => {
    // The fixtures' ffdhe2048.pem is `openssl genpkey -genparam … group:ffdhe2048`: DER SEQUENCE { p, g }.
    const pem = readFileSync(tlsFixtures().dhParams.ffdhe2048, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex');
    expect(der).toContain(`0282010100${FFDHE_2048_HEX}020102`);
  });
});

describe('protocol versions', () => {
  it('negotiates min(client_version, highest configured)', async () => {
    expect((await handshake(servers.multiVersion)).serverHello.version).toBe(TLS12);
    expect(
      (await handshake(servers.multiVersion, clientHello({ version: TLS11, cipherSuites: [0x002f] })))
        .serverHello.version,
    ).toBe(TLS11);
    const old = await handshake(servers.sslv3Rc4, clientHello({ cipherSuites: [SUITES['RC4-SHA']] }));
    expect(old.serverHello.version).toBe(TLS10);
  });

  it('answers a TLS 1.3 hello as a TLS 1.2 server, ignoring supported_versions', async () => {
    const flight = await handshake(
      servers.modern,
      clientHello({ version: 0x0304, extra: [supportedVersionsExtension([0x0304, TLS12])] }),
    );
    expect(flight.serverHello.version).toBe(TLS12);
    expect(flight.serverHello.supportedVersion).toBeUndefined();
  });

  it('speaks SSLv3 to an SSLv3 hello without extensions', async () => {
    const flight = await handshake(servers.sslv3Rc4, {
      version: SSL3,
      cipherSuites: [SUITES['AES128-SHA'], SUITES['RC4-MD5']],
    });
    expect(flight.serverHello.version).toBe(SSL3);
    expect(flight.serverHello.cipherSuite).toBe(SUITES['RC4-MD5']);
  });

  it('refuses a version it does not speak with protocol_version', async () => {
    expect(await refusal(servers.modern, clientHello({ version: TLS11 }))).toBe(
      ALERT_DESCRIPTION.protocol_version,
    );
    expect(await refusal(servers.multiVersion, clientHello({ version: SSL3 }))).toBe(
      ALERT_DESCRIPTION.protocol_version,
    );
  });

  it('version intolerance: closes without answering the configured client_versions', async () => {
    for (const version of [0x0304, 0x0398, 0x0498]) {
      const { client, flight } = await exchange(servers.intolerant, clientHello({ version }));
      expect(await client.closedByServer()).toBe(true);
      expect(client.records).toHaveLength(0);
      expect(flight.kind).toBe('none');
      client.close();
    }
    expect((await handshake(servers.intolerant)).serverHello.version).toBe(TLS12);
    // Not intolerant: the same hello gets TLS 1.2.
    expect((await handshake(servers.modern, clientHello({ version: 0x0498 }))).serverHello.version).toBe(
      TLS12,
    );
  });
});

describe('cipher suites', () => {
  const reversed = [...MODERN_SUITES].reverse();

  it('server preference: its own first accepted suite', async () => {
    const flight = await handshake(servers.modern, clientHello({ cipherSuites: reversed }));
    expect(flight.serverHello.cipherSuite).toBe(MODERN_SUITES[0]);
  });

  it('client preference: the first suite of the client that it accepts', async () => {
    const flight = await handshake(
      servers.clientPreference,
      clientHello({ cipherSuites: [0x1301, ...reversed] }),
    );
    expect(flight.serverHello.cipherSuite).toBe(reversed[0]);
  });

  it('no shared suite: handshake_failure', async () => {
    expect(await refusal(servers.modern, clientHello({ cipherSuites: [SUITES['RC4-SHA'], 0x00ff] }))).toBe(
      ALERT_DESCRIPTION.handshake_failure,
    );
    expect(await refusal(servers.rc4Only, clientHello())).toBe(ALERT_DESCRIPTION.handshake_failure);
    const rc4 = await handshake(
      servers.rc4Only,
      clientHello({ cipherSuites: [SUITES['RC4-MD5'], SUITES['RC4-SHA']] }),
    );
    expect(rc4.serverHello.cipherSuite).toBe(SUITES['RC4-SHA']);
  });

  it('per-version suite lists', async () => {
    const tls10 = await handshake(
      servers.multiVersion,
      clientHello({ version: TLS10, cipherSuites: [...MODERN_SUITES, 0x002f] }),
    );
    expect(tls10.serverHello.cipherSuite).toBe(0x002f);
    expect(await refusal(servers.multiVersion, clientHello({ version: TLS10 }))).toBe(
      ALERT_DESCRIPTION.handshake_failure,
    );
  });
});

describe('flight', () => {
  it('sends the fixture chain, an ECDHE key exchange on a real point and ServerHelloDone', async () => {
    const flight = await handshake(
      servers.modern,
      clientHello({ extra: [], cipherSuites: [SUITES['ECDHE-RSA-AES128-GCM-SHA256']] }),
    );
    expect(flight.certificates).toEqual(fixtureChain('rsa'));
    expect(new X509Certificate(flight.certificates![0]!).subjectAltName).toContain('127.0.0.1');
    const ske = flight.serverKeyExchange?.params;
    expect(ske?.kind).toBe('ecdhe');
    if (ske?.kind !== 'ecdhe') return;
    expect(ske.namedCurve).toBe(NAMED_GROUP.x25519);
    expect(ske.point).toHaveLength(32);
    expect(ske.signed?.algorithm).toBe(SIGNATURE_SCHEME.rsa_pkcs1_sha256);
    expect(ske.signed?.signature).toHaveLength(256);
    expect(flight.serverHello.ecPointFormats).toEqual([0]);
    expect(flight.messages.map((m) => m.type)).toEqual([
      HANDSHAKE_TYPE.server_hello,
      HANDSHAKE_TYPE.certificate,
      HANDSHAKE_TYPE.server_key_exchange,
      HANDSHAKE_TYPE.server_hello_done,
    ]);
  });

  it('NIST curve points are on the curve', async () => {
    const flight = await handshake(
      servers.modern,
      clientHello({
        extensions: [supportedGroupsExtension([NAMED_GROUP.secp256r1])],
        cipherSuites: [SUITES['ECDHE-RSA-AES128-GCM-SHA256']],
      }),
    );
    const ske = flight.serverKeyExchange?.params;
    if (ske?.kind !== 'ecdhe') throw new Error('no ECDHE parameters');
    expect(ske.namedCurve).toBe(NAMED_GROUP.secp256r1);
    expect(ske.point).toHaveLength(65);
    const ours = createECDH('prime256v1');
    ours.generateKeys();
    // computeSecret throws for a point that is not on the curve.
    expect(ours.computeSecret(ske.point)).toHaveLength(32);
  });

  it('groups: server order, client order, and no shared group', async () => {
    const p384First = [NAMED_GROUP.secp384r1, NAMED_GROUP.x25519, NAMED_GROUP.secp256r1];
    const groupOf = async (server: FakeTlsServer, groups: number[]): Promise<number | undefined> => {
      const flight = await handshake(server, clientHello({ extensions: [supportedGroupsExtension(groups)] }));
      const ske = flight.serverKeyExchange?.params;
      return ske?.kind === 'ecdhe' ? ske.namedCurve : undefined;
    };
    expect(await groupOf(servers.modern, p384First)).toBe(NAMED_GROUP.x25519);
    expect(await groupOf(servers.clientPreference, p384First)).toBe(NAMED_GROUP.secp384r1);
    expect(await groupOf(servers.ecdheOnly, [NAMED_GROUP.secp256r1, NAMED_GROUP.x25519])).toBe(
      NAMED_GROUP.x25519,
    );
    expect(
      await refusal(
        servers.ecdheOnly,
        clientHello({ extensions: [supportedGroupsExtension([NAMED_GROUP.secp256r1])] }),
      ),
    ).toBe(ALERT_DESCRIPTION.handshake_failure);
    // With DHE suites too, a client without a shared group gets DHE.
    const dhe = await handshake(
      servers.modern,
      clientHello({ extensions: [supportedGroupsExtension([NAMED_GROUP.secp521r1])] }),
    );
    expect(dhe.serverHello.cipherSuite).toBe(SUITES['DHE-RSA-AES128-GCM-SHA256']);
  });

  it('DHE: ffdhe2048 by default, Oakley group 2 on the weak-DH server, 512 bits on the export server', async () => {
    const dheOf = async (
      server: FakeTlsServer,
      spec: ClientHelloSpec,
    ): Promise<{ p: string; g: string; ys: string; bits: number }> => {
      const ske = (await handshake(server, spec)).serverKeyExchange?.params;
      if (ske?.kind !== 'dhe') throw new Error('no DHE parameters');
      expect(ske.g).toBe('02');
      return { p: ske.p, g: ske.g, ys: ske.ys, bits: ske.pBits };
    };
    const dheHello = clientHello({ cipherSuites: [SUITES['DHE-RSA-AES128-GCM-SHA256']] });
    const modern = await dheOf(servers.modern, dheHello);
    expect(modern).toMatchObject({ p: FFDHE_2048_HEX, bits: 2048 });
    expect(BigInt(`0x${modern.ys}`) < BigInt(`0x${modern.p}`)).toBe(true);
    expect(await dheOf(servers.weakDh, dheHello)).toMatchObject({ p: MODP_1024_HEX, bits: 1024 });
    const exp = await dheOf(
      servers.export,
      clientHello({ version: TLS10, cipherSuites: [SUITES['EXP-EDH-RSA-DES-CBC-SHA']] }),
    );
    expect(exp).toMatchObject({ p: DH_PRIME_512_HEX, bits: 512 });
  });

  it('export RSA suites: no ServerKeyExchange; before TLS 1.2 the signature has no algorithm', async () => {
    const rsa = await handshake(
      servers.export,
      clientHello({ version: TLS10, cipherSuites: [SUITES['EXP-RC4-MD5']] }),
    );
    expect(rsa.serverHello.cipherSuite).toBe(SUITES['EXP-RC4-MD5']);
    expect(rsa.serverKeyExchange).toBeNull();
    const dhe = await handshake(
      servers.export,
      clientHello({ version: TLS10, cipherSuites: [SUITES['EXP-EDH-RSA-DES-CBC-SHA']] }),
    );
    expect(dhe.serverKeyExchange?.params?.signed?.algorithm).toBeNull();
  });

  it('a given chain is sent as is; anonymous suites send no Certificate and an unsigned key exchange', async () => {
    const rsa = await handshake(servers.customChain, clientHello({ cipherSuites: [SUITES['AES128-SHA']] }));
    expect(rsa.certificates).toEqual([ascii('not a certificate'), ascii('second')]);
    const anon = await handshake(servers.customChain, clientHello({ cipherSuites: [0x0034] }));
    expect(anon.certificates).toBeNull();
    expect(anon.serverKeyExchange?.params?.signed).toBeNull();
  });
});

describe('ServerHello extensions and compression', () => {
  it('renegotiation_info answers the extension or the SCSV, and nothing else', async () => {
    expect((await handshake(servers.modern)).serverHello.renegotiationInfo).toEqual(new Uint8Array(0));
    const scsv = await handshake(
      servers.modern,
      clientHello({ extensions: [], cipherSuites: [...MODERN_SUITES, 0x00ff] }),
    );
    expect(scsv.serverHello.renegotiationInfo).toEqual(new Uint8Array(0));
    const ssl3 = await handshake(servers.sslv3Rc4, {
      version: SSL3,
      cipherSuites: [SUITES['RC4-SHA'], 0x00ff],
    });
    expect(ssl3.serverHello.renegotiationInfo).toEqual(new Uint8Array(0));
    const none = await handshake(
      servers.modern,
      clientHello({ extensions: [supportedGroupsExtension(CLIENT_GROUPS)] }),
    );
    expect(none.serverHello.renegotiationInfo).toBeUndefined();
    const insecure = await handshake(
      servers.noSecureRenegotiation,
      clientHello({ cipherSuites: [...MODERN_SUITES, 0x00ff] }),
    );
    expect(insecure.serverHello.renegotiationInfo).toBeUndefined();
  });

  it('DEFLATE only from the compression server, only when offered', async () => {
    const deflate = clientHello({ compressionMethods: [1, 0] });
    expect((await handshake(servers.compression, deflate)).serverHello.compressionMethod).toBe(1);
    expect((await handshake(servers.compression)).serverHello.compressionMethod).toBe(0);
    expect((await handshake(servers.modern, deflate)).serverHello.compressionMethod).toBe(0);
  });

  it('heartbeat extension only when configured and offered', async () => {
    const offer = clientHello({ extra: [heartbeatExtension(HEARTBEAT_MODE.peer_allowed_to_send)] });
    expect((await handshake(servers.heartbeat, offer)).serverHello.heartbeatMode).toBe(1);
    expect((await handshake(servers.heartbleed, offer)).serverHello.heartbeatMode).toBe(1);
    expect((await handshake(servers.heartbeat)).serverHello.heartbeatMode).toBeUndefined();
    expect((await handshake(servers.modern, offer)).serverHello.heartbeatMode).toBeUndefined();
  });
});

describe('TLS_FALLBACK_SCSV', () => {
  const fallback = (version: number): ClientHelloSpec =>
    clientHello({ version, cipherSuites: [SUITES['AES128-SHA'], 0x5600] });

  it('inappropriate_fallback below the highest version', async () => {
    expect(await refusal(servers.multiVersion, fallback(TLS11))).toBe(
      ALERT_DESCRIPTION.inappropriate_fallback,
    );
    const top = await handshake(
      servers.multiVersion,
      clientHello({ cipherSuites: [...MODERN_SUITES, 0x5600] }),
    );
    expect(top.serverHello.version).toBe(TLS12);
  });

  it('not supported: the fallback hello is answered', async () => {
    expect((await handshake(servers.multiVersionNoScsv, fallback(TLS11))).serverHello.version).toBe(TLS11);
  });
});

describe('SSLv2', () => {
  const allKinds = Object.values(SSL2_KINDS);
  const ssl2Hello = (kinds: readonly number[] = allKinds, version = 0x0002): Uint8Array =>
    encodeSsl2Record(buildSsl2ClientHello({ cipherKinds: kinds, version }));

  it('SERVER-HELLO with the configured kinds the client offered, and the leaf', async () => {
    const { client, flight } = await exchange(servers.sslv2, ssl2Hello());
    client.close();
    if (flight.kind !== 'ssl2' || flight.message.kind !== 'server-hello') throw new Error('no SERVER-HELLO');
    const hello = flight.message.hello;
    expect(hello.cipherKinds).toEqual(sslv2Server.ssl2?.kinds);
    expect(hello.certificate).toEqual(fixtureChain('rsa')[0]);
    expect(hello.version).toBe(2);
    const some = await exchange(
      servers.sslv2,
      ssl2Hello([SSL2_KINDS.DES_64_CBC_WITH_MD5, SSL2_KINDS.IDEA_128_CBC_WITH_MD5]),
    );
    some.client.close();
    expect(
      some.flight.kind === 'ssl2' &&
        some.flight.message.kind === 'server-hello' &&
        some.flight.message.hello.cipherKinds,
    ).toEqual([SSL2_KINDS.DES_64_CBC_WITH_MD5]);
  });

  it('every kind disabled: an empty list', async () => {
    const { client, flight } = await exchange(servers.sslv2NoCiphers, ssl2Hello());
    client.close();
    if (flight.kind !== 'ssl2' || flight.message.kind !== 'server-hello') throw new Error('no SERVER-HELLO');
    expect(flight.message.hello.cipherKinds).toEqual([]);
  });

  it('no SSLv2: the connection is closed without an answer', async () => {
    const { client } = await exchange(servers.modern, ssl2Hello());
    expect(await client.closedByServer()).toBe(true);
    expect(client.records).toHaveLength(0);
    client.close();
  });

  it('SSLv2 server still speaks TLS 1.2; a v2-compatible hello (version 3.1) gets a TLS answer', async () => {
    expect((await handshake(servers.sslv2)).serverHello.version).toBe(TLS12);
    const compat = await handshake(
      servers.sslv3Rc4,
      ssl2Hello([SUITES['RC4-SHA'], SSL2_KINDS.RC4_128_WITH_MD5], TLS10),
    );
    expect(compat.serverHello.version).toBe(TLS10);
    expect(compat.serverHello.cipherSuite).toBe(SUITES['RC4-SHA']);
  });
});

describe('heartbeat', () => {
  const offer = clientHello({ extra: [heartbeatExtension(HEARTBEAT_MODE.peer_allowed_to_send)] });
  const heartbeatRecord = (message: Uint8Array): Uint8Array =>
    encodeRecord(CONTENT_TYPE.heartbeat, TLS12, message);

  it('a well-formed request gets its payload back', async () => {
    const { client } = await handshake(servers.heartbeat, offer, true);
    const from = client.records.length;
    client.send(heartbeatRecord(buildHeartbeatRequest(ascii('ping'))));
    expect(await client.until(() => heartbeatAfter(client, from) !== null)).toBe(true);
    const response = heartbeatAfter(client, from)!;
    expect(response.type).toBe(HEARTBEAT_MESSAGE_TYPE.heartbeat_response);
    expect(response.payload).toEqual(ascii('ping'));
    client.close();
  });

  it('Heartbleed: a request claiming more than it carries gets that many bytes', async () => {
    const { client } = await handshake(servers.heartbleed, offer, true);
    const from = client.records.length;
    client.send(heartbeatRecord(buildMalformedHeartbeatRequest(0x4000, ascii('hi'))));
    expect(await client.until(() => heartbeatAfter(client, from) !== null)).toBe(true);
    const leak = heartbeatAfter(client, from)!;
    expect(leak.type).toBe(HEARTBEAT_MESSAGE_TYPE.heartbeat_response);
    expect(leak.payloadLength).toBe(0x4000);
    expect(leak.payload.subarray(0, 2)).toEqual(ascii('hi'));
    expect(leak.payload.subarray(2).every((b) => b === 0xaa)).toBe(true);
    // Over 2^14 bytes with the padding: more than one record.
    expect(recordsAfter(client, from, CONTENT_TYPE.heartbeat).length).toBeGreaterThan(1);
    client.close();
  });

  it('not vulnerable: the malformed request is dropped, the next well-formed one answered', async () => {
    const { client } = await handshake(servers.heartbeat, offer, true);
    const from = client.records.length;
    client.send(heartbeatRecord(buildMalformedHeartbeatRequest(0x4000, ascii('hi'))));
    client.send(heartbeatRecord(buildHeartbeatRequest(ascii('after'))));
    expect(await client.until(() => heartbeatAfter(client, from) !== null)).toBe(true);
    // The server answers in order: the first heartbeat it sent is the answer to the second request.
    expect(heartbeatAfter(client, from)!.payload).toEqual(ascii('after'));
    expect(client.ended).toBe(false);
    client.close();
  });

  it('without heartbeat support a heartbeat record closes the connection', async () => {
    const { client } = await handshake(servers.modern, offer, true);
    const from = client.records.length;
    client.send(heartbeatRecord(buildMalformedHeartbeatRequest(0x4000)));
    expect(await client.closedByServer()).toBe(true);
    expect(client.records.length).toBe(from);
    client.close();
  });
});

describe('CCS injection (CVE-2014-0224)', () => {
  it('vulnerable: an early ChangeCipherSpec is accepted, the next record gets bad_record_mac', async () => {
    const { client } = await handshake(servers.ccs, clientHello(), true);
    const from = client.records.length;
    client.send(buildChangeCipherSpecRecord(TLS12));
    // Silence, and the connection stays open: prove it by sending the next record and reading the answer.
    client.send(buildChangeCipherSpecRecord(TLS12));
    expect(await client.until(() => recordsAfter(client, from, CONTENT_TYPE.alert).length > 0)).toBe(true);
    expect(recordsAfter(client, from, CONTENT_TYPE.alert)[0]).toEqual(
      Uint8Array.of(2, ALERT_DESCRIPTION.bad_record_mac),
    );
    expect(await client.closedByServer()).toBe(true);
    client.close();
  });

  it('not vulnerable: unexpected_message and close', async () => {
    const { client } = await handshake(servers.modern, clientHello(), true);
    const from = client.records.length;
    client.send(buildChangeCipherSpecRecord(TLS12));
    expect(await client.closedByServer()).toBe(true);
    expect(recordsAfter(client, from, CONTENT_TYPE.alert)).toEqual([
      Uint8Array.of(2, ALERT_DESCRIPTION.unexpected_message),
    ]);
    client.close();
  });

  it('after a ClientKeyExchange a ChangeCipherSpec is in order', async () => {
    const { client } = await handshake(servers.modern, clientHello(), true);
    const from = client.records.length;
    const cke = encodeHandshake(HANDSHAKE_TYPE.client_key_exchange, fromHex('0020' + '11'.repeat(32)));
    client.send(
      concatBytes([encodeRecord(CONTENT_TYPE.handshake, TLS12, cke), buildChangeCipherSpecRecord(TLS12)]),
    );
    client.send(encodeRecord(CONTENT_TYPE.handshake, TLS12, new Uint8Array(40)));
    expect(await client.until(() => recordsAfter(client, from, CONTENT_TYPE.alert).length > 0)).toBe(true);
    expect(recordsAfter(client, from, CONTENT_TYPE.alert)[0]).toEqual(
      Uint8Array.of(2, ALERT_DESCRIPTION.bad_record_mac),
    );
    client.close();
  });
});

describe('Ticketbleed (CVE-2016-9244)', () => {
  const sessionId = fromHex('0102030405060708090a0b0c0d0e0f10');
  const withTicket = clientHello({
    sessionId,
    extra: [sessionTicketExtension(new Uint8Array(64).fill(0x42))],
  });

  it('vulnerable: a 32-byte session id, the 16 sent then non-zero "memory"', async () => {
    const { serverHello } = await handshake(servers.ticketbleed, withTicket);
    expect(serverHello.sessionId).toHaveLength(32);
    expect(serverHello.sessionId.subarray(0, 16)).toEqual(sessionId);
    expect(serverHello.sessionId.subarray(16).every((b) => b !== 0)).toBe(true);
    expect(serverHello.sessionTicket).toBe(true);
  });

  it('not vulnerable: a fresh session id, not starting with the one sent', async () => {
    for (let i = 0; i < 5; i++) {
      const { serverHello } = await handshake(servers.ticket, withTicket);
      expect(serverHello.sessionId).toHaveLength(32);
      expect(serverHello.sessionId.subarray(0, 16)).not.toEqual(sessionId);
      expect(serverHello.sessionTicket).toBe(true);
    }
  });

  it('no ticket, no bleed', async () => {
    const { serverHello } = await handshake(servers.ticketbleed, clientHello({ sessionId }));
    expect(serverHello.sessionId.subarray(0, 16)).not.toEqual(sessionId);
    expect(serverHello.sessionTicket).toBe(false);
  });
});

describe('robustness', () => {
  it('closes on bytes that are not TLS and keeps serving', async () => {
    const before = servers.modern.connections();
    const client = await WireClient.open(servers.modern.port);
    client.send(ascii('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(await client.closedByServer()).toBe(true);
    expect(client.records).toHaveLength(0);
    client.close();
    // A hello split over two records, then a hello after an abrupt client reset.
    const hello = buildClientHelloRecord(clientHello(), TLS10, { maxFragment: 100 });
    expect((await handshake(servers.modern, hello)).serverHello.version).toBe(TLS12);
    const rude = await WireClient.open(servers.modern.port);
    rude.send(hello.subarray(0, 20));
    rude.close();
    expect((await handshake(servers.modern)).serverHello.version).toBe(TLS12);
    expect(servers.modern.connections()).toBe(before + 4);
  });

  it('closes when the first message is not a ClientHello', async () => {
    const { client } = await exchange(servers.modern, buildChangeCipherSpecRecord(TLS12));
    expect(await client.closedByServer()).toBe(true);
    expect(client.records).toHaveLength(0);
    client.close();
  });

  it('stop() closes the listener and open connections', async () => {
    const fake = await startFakeTlsServer(modernServer);
    const open = await WireClient.open(fake.port);
    await fake.stop();
    expect(await open.closedByServer()).toBe(true);
    await expect(WireClient.open(fake.port)).rejects.toThrow();
    await fake.stop();
  });

  it('rejects configs it cannot play', async () => {
    await expect(startFakeTlsServer({ protocols: [] })).rejects.toThrow(TypeError);
    await expect(startFakeTlsServer({ protocols: [TLS12], groups: [0x0200] })).rejects.toThrow(TypeError);
  });
});
