/**
 * A minimal TLS 1.0–1.2 client over one ProbeConnection: enough of a real client to complete
 * handshakes (RSA, DHE and ECDHE key exchange; CBC-HMAC, AES-GCM and ChaCha20-Poly1305 records),
 * and low-level enough that a probe can stop at any step, substitute its own bytes, and watch how
 * the server reacts.
 *
 * The handshake is a sequence of steps a probe may run one by one (RFC 5246 §7.3):
 *
 *   hello()                        ClientHello →, ← ServerHello … ServerHelloDone
 *   clientKeyExchange()            computes the real ClientKeyExchange (or bring your own body)
 *   clientKeyExchangeRecord(…)     → [Certificate] ClientKeyExchange; keys from the given secret
 *   changeCipherSpecRecord()       → ChangeCipherSpec; our writes are protected from here on
 *   finishedRecord()               → Finished
 *   send(…records)                 writes them, in one TCP segment where possible
 *   readServerFinished()           ← ChangeCipherSpec, Finished (verified)
 *
 * `handshake()` runs them all. Afterwards `applicationDataRecord()` seals data — with optional
 * tampering of MAC, padding, IV or the whole plaintext — and `observe()` reports what came back.
 * The engine never verifies the server's certificate or signatures: it is a scanner.
 *
 * @example
 *   const client = new TlsClient(conn);
 *   await client.handshake({ version: 0x0303, suites: [0xc02f], serverName: 'example.com' });
 *   await client.send(client.applicationDataRecord(utf8('GET / HTTP/1.0\r\n\r\n')));
 *   const answer = await client.observe(2_000); // answer.applicationData holds the HTTP response
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { ProbeConnection } from '../connection.js';
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  SIGNATURE_SCHEME,
  WireFormatError,
  buildChangeCipherSpecRecord,
  buildClientHello,
  bytesEqual,
  concatBytes,
  ecPointFormatsExtension,
  encodeHandshake,
  encodeRecord,
  extendedMasterSecretExtension,
  isChangeCipherSpec,
  parseAlerts,
  parseCertificate,
  parseServerHello,
  parseServerKeyExchange,
  renegotiationInfoExtension,
  serverNameExtension,
  signatureAlgorithmsExtension,
  supportedGroupsExtension,
  type Alert,
  type Extension,
  type HandshakeMessage,
  type ServerHello,
  type ServerKeyExchange,
  type TlsRecord,
} from '../wire/index.js';
import { RecordChannel } from './channel.js';
import { cipherSpec, keyExchangeOf, type CipherSpec, type KeyExchangeAlgorithm } from './cipher-spec.js';
import { SessionError } from './errors.js';
import {
  ECDHE_GROUPS,
  dheClientKeyExchange,
  ecdheClientKeyExchange,
  rsaClientKeyExchange,
  type ClientKeyExchange,
} from './key-exchange.js';
import { deriveConnectionKeys } from './keys.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret, transcriptHash } from './prf.js';
import type { ObservedAlert, ObservedRecord, Reaction, ReactionEnd } from './reaction.js';
import {
  recordLayerFor,
  type RecordLayerKeys,
  type RecordProtection,
  type RecordTamper,
} from './record-protection.js';

const TLS10 = 0x0301;
const TLS12 = 0x0303;

/** Signature schemes offered in TLS 1.2 hellos; the engine does not verify signatures, so it offers the usual ones. */
const SIGNATURE_SCHEMES: readonly number[] = [
  SIGNATURE_SCHEME.rsa_pss_rsae_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha256,
  SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha384,
  SIGNATURE_SCHEME.rsa_pkcs1_sha384,
  SIGNATURE_SCHEME.ecdsa_secp384r1_sha384,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha512,
  SIGNATURE_SCHEME.rsa_pkcs1_sha512,
  SIGNATURE_SCHEME.ecdsa_secp521r1_sha512,
  SIGNATURE_SCHEME.ed25519,
  SIGNATURE_SCHEME.rsa_pkcs1_sha1,
  SIGNATURE_SCHEME.ecdsa_sha1,
  0x0202, // dsa_sha1 (RFC 5246 §7.4.1.4.1), for DSS servers
  0x0402, // dsa_sha256
];

export interface HelloOptions {
  /** client_version: 0x0301 (TLS 1.0) … 0x0303 (TLS 1.2). */
  readonly version: number;
  readonly suites: readonly number[];
  /** SNI host name; null (or an IP address) sends none. */
  readonly serverName: string | null;
  /** supported_groups; default every group the engine can compute with (x25519, P-256, P-384, P-521, x448). */
  readonly groups?: readonly number[];
  /** Offer the extended master secret (RFC 7627); default true. */
  readonly extendedMasterSecret?: boolean;
  /**
   * Offer renegotiation_info (RFC 5746 §3.4); default true. False sends neither the extension nor the
   * SCSV: a legacy client, as an insecure-renegotiation probe needs.
   */
  readonly renegotiationInfo?: boolean;
  /** Extra extensions, after the engine's own. */
  readonly extensions?: readonly Extension[];
}

/** What the server's first flight settled. */
export interface Negotiated {
  readonly version: number;
  readonly cipherSuite: number;
  readonly keyExchange: KeyExchangeAlgorithm;
  /** Null when the engine knows the key exchange but cannot run the suite's record protection. */
  readonly spec: CipherSpec | null;
  readonly clientVersion: number;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly serverHello: ServerHello;
  /** DER certificates, leaf first; empty for anonymous suites. */
  readonly certificates: readonly Uint8Array[];
  readonly serverKeyExchange: ServerKeyExchange | null;
  /** Both sides use the RFC 7627 master secret. */
  readonly extendedMasterSecret: boolean;
  readonly certificateRequested: boolean;
}

export interface TlsClientOptions {
  /** Randomness (client random, secrets, explicit IVs); injectable for tests. */
  readonly random?: (n: number) => Uint8Array;
}

export interface ObserveOptions {
  /** After a fatal alert or application data, how long to wait for the close. Default 500 ms. */
  readonly closeGraceMs?: number;
  /**
   * Stop as soon as this holds for what arrived so far (checked after each record); the reaction
   * then ends in `timeout`, the connection still open. For probes whose answer is decided by one
   * message (a ServerHello, a warning alert) rather than by how the connection ends.
   */
  readonly until?: (seen: {
    readonly alerts: readonly ObservedAlert[];
    readonly handshakeTypes: readonly number[];
  }) => boolean;
}

const utf8 = new TextEncoder();
const alertTag = (a: Alert): string => `${a.levelName} ${a.name}`;

export class TlsClient {
  readonly #channel: RecordChannel;
  readonly #random: (n: number) => Uint8Array;
  #negotiated: Negotiated | null = null;
  #transcript: Uint8Array[] = [];
  #master: Uint8Array | null = null;
  #pending: RecordLayerKeys | null = null;
  #write: RecordProtection | null = null;
  #read: RecordProtection | null = null;
  #established = false;
  #lastWriteFailed = false;

  constructor(conn: ProbeConnection, options: TlsClientOptions = {}) {
    this.#channel = new RecordChannel(conn);
    this.#random = options.random ?? ((n) => new Uint8Array(randomBytes(n)));
  }

  /** What the hello settled; throws `TypeError` before `hello()`. */
  get negotiated(): Negotiated {
    if (this.#negotiated === null) throw new TypeError('no ServerHello yet');
    return this.#negotiated;
  }

  /** The handshake completed and the server's Finished verified. */
  get established(): boolean {
    return this.#established;
  }

  /** Our write protection once ChangeCipherSpec is sent (for probes that build records by hand). */
  get writeProtection(): RecordProtection | null {
    return this.#write;
  }

  /** The master secret once a ClientKeyExchange with a known pre-master secret was built. */
  get masterSecret(): Uint8Array | null {
    return this.#master;
  }

  // --- ClientHello and the server's first flight -------------------------------------------------

  /**
   * Send a ClientHello and read the server's flight up to ServerHelloDone. Throws `SessionError`:
   * `SESSION_REFUSED` (alert), `SESSION_CLOSED`, `SESSION_TIMEOUT`, `SESSION_UNSUPPORTED` (TLS 1.3,
   * SSL 3.0, or a key exchange the engine lacks), `SESSION_PROTOCOL`.
   */
  async hello(options: HelloOptions): Promise<Negotiated> {
    if (this.#negotiated !== null) throw new TypeError('hello() was already called');
    if (options.version < TLS10 || options.version > TLS12)
      throw new RangeError('version must be 0x0301..0x0303');
    const clientRandom = this.#random(32);
    const message = buildClientHello({
      version: options.version,
      random: clientRandom,
      cipherSuites: options.suites,
      extensions: this.#helloExtensions(options),
      padToAvoid256To511: true,
    });
    this.#transcript.push(message);
    await this.#channel.write(encodeRecord(CONTENT_TYPE.handshake, TLS10, message));

    const reassembler = new HandshakeReassembler();
    let hello: ServerHello | null = null;
    let certificates: readonly Uint8Array[] = [];
    let serverKeyExchangeBody: Uint8Array | null = null;
    let certificateRequested = false;
    for (;;) {
      const fragment = await this.#nextHandshakeFragment('ServerHelloDone');
      for (const m of this.#reassemble(reassembler, fragment)) {
        if (m.type === HANDSHAKE_TYPE.hello_request) continue; // RFC 5246 §7.4.1.1
        this.#transcript.push(encodeHandshake(m.type, m.body));
        if (hello === null) {
          if (m.type !== HANDSHAKE_TYPE.server_hello) this.#unexpected(m.type, 'ServerHello');
          hello = this.#parse(() => parseServerHello(m.body));
          this.#checkServerHello(hello, options);
          continue;
        }
        switch (m.type) {
          case HANDSHAKE_TYPE.certificate:
            certificates = this.#parse(() => parseCertificate(m.body)).certs;
            break;
          case HANDSHAKE_TYPE.server_key_exchange:
            serverKeyExchangeBody = m.body;
            break;
          case HANDSHAKE_TYPE.certificate_request:
            certificateRequested = true;
            break;
          case HANDSHAKE_TYPE.certificate_status:
            break;
          case HANDSHAKE_TYPE.server_hello_done: {
            // #checkServerHello made sure the suite has a key exchange.
            const keyExchange = keyExchangeOf(hello.cipherSuite) as KeyExchangeAlgorithm;
            const ske = serverKeyExchangeBody;
            const version = hello.version;
            const params =
              keyExchange === 'rsa' || ske === null
                ? null
                : this.#parse(() =>
                    parseServerKeyExchange(ske, keyExchange === 'dhe' ? 'dhe' : 'ecdhe', {
                      version,
                    }),
                  );
            if (keyExchange !== 'rsa' && params === null) {
              throw new SessionError(
                'SESSION_PROTOCOL',
                'no ServerKeyExchange for an ephemeral key exchange',
              );
            }
            this.#negotiated = {
              version: hello.version,
              cipherSuite: hello.cipherSuite,
              keyExchange,
              spec: cipherSpec(hello.cipherSuite) ?? null,
              clientVersion: options.version,
              clientRandom,
              serverRandom: hello.random,
              serverHello: hello,
              certificates,
              serverKeyExchange: params,
              extendedMasterSecret: hello.extendedMasterSecret && options.extendedMasterSecret !== false,
              certificateRequested,
            };
            return this.#negotiated;
          }
          default:
            this.#unexpected(m.type, 'a server flight message');
        }
      }
    }
  }

  #helloExtensions(options: HelloOptions): Extension[] {
    const exts: Extension[] = [];
    if (options.serverName !== null && isIP(options.serverName) === 0) {
      exts.push(serverNameExtension(options.serverName));
    }
    exts.push(supportedGroupsExtension(options.groups ?? ECDHE_GROUPS), ecPointFormatsExtension());
    if (options.version >= TLS12) exts.push(signatureAlgorithmsExtension(SIGNATURE_SCHEMES));
    if (options.renegotiationInfo !== false) exts.push(renegotiationInfoExtension());
    if (options.extendedMasterSecret !== false) exts.push(extendedMasterSecretExtension());
    exts.push(...(options.extensions ?? []));
    return exts;
  }

  #checkServerHello(hello: ServerHello, options: HelloOptions): void {
    if (hello.version < TLS10 || hello.version > options.version) {
      throw new SessionError(
        'SESSION_UNSUPPORTED',
        `server chose version 0x${hello.version.toString(16)}, offered up to 0x${options.version.toString(16)}`,
      );
    }
    if (!options.suites.includes(hello.cipherSuite)) {
      throw new SessionError(
        'SESSION_PROTOCOL',
        `server chose suite 0x${hello.cipherSuite.toString(16)}, not offered`,
      );
    }
    if (hello.compressionMethod !== 0) {
      throw new SessionError(
        'SESSION_UNSUPPORTED',
        `server chose compression method ${hello.compressionMethod}`,
      );
    }
    if (keyExchangeOf(hello.cipherSuite) === undefined) {
      throw new SessionError(
        'SESSION_UNSUPPORTED',
        `no key exchange for suite 0x${hello.cipherSuite.toString(16)}`,
      );
    }
  }

  // --- Our second flight ----------------------------------------------------------------------------

  /** The real ClientKeyExchange for the negotiated key exchange. */
  clientKeyExchange(): ClientKeyExchange {
    const n = this.negotiated;
    if (n.keyExchange === 'rsa') {
      const leaf = n.certificates[0];
      if (leaf === undefined)
        throw new SessionError('SESSION_PROTOCOL', 'no server certificate for RSA key exchange');
      return rsaClientKeyExchange(leaf, n.clientVersion, this.#random);
    }
    const params = n.serverKeyExchange;
    if (params?.kind === 'dhe') return dheClientKeyExchange(params.p, params.g, params.ys);
    if (params?.kind === 'ecdhe') return ecdheClientKeyExchange(params.namedCurve, params.point);
    throw new SessionError('SESSION_PROTOCOL', 'ServerKeyExchange does not match the key exchange');
  }

  /**
   * The ClientKeyExchange record (preceded by an empty Certificate when the server asked for one).
   * `body` may be anything — a ROBOT probe sends malformed encryptions. Keys are derived from
   * `preMasterSecret` when given and the suite is one the engine runs; a probe that wants its
   * Finished to fail on purpose passes a secret the server does not share.
   */
  clientKeyExchangeRecord(body: Uint8Array, preMasterSecret: Uint8Array | null): Uint8Array {
    const n = this.negotiated;
    const messages: Uint8Array[] = [];
    // No client certificate: an empty certificate_list (RFC 5246 §7.4.6).
    if (n.certificateRequested) messages.push(encodeHandshake(HANDSHAKE_TYPE.certificate, new Uint8Array(3)));
    messages.push(encodeHandshake(HANDSHAKE_TYPE.client_key_exchange, body));
    this.#transcript.push(...messages);
    if (preMasterSecret !== null && n.spec !== null) {
      const transcript = concatBytes(this.#transcript);
      this.#master = n.extendedMasterSecret
        ? extendedMasterSecret(
            n.version,
            n.spec.prfHash,
            preMasterSecret,
            transcriptHash(n.version, n.spec.prfHash, transcript),
          )
        : masterSecret(n.version, n.spec.prfHash, preMasterSecret, n.clientRandom, n.serverRandom);
      const keys = deriveConnectionKeys(n.spec, n.version, this.#master, n.clientRandom, n.serverRandom);
      this.#pending = recordLayerFor('client', n.spec, n.version, keys, this.#random);
    }
    return encodeRecord(CONTENT_TYPE.handshake, n.version, concatBytes(messages));
  }

  /** Our ChangeCipherSpec; from here on our records are protected (when keys were derived). */
  changeCipherSpecRecord(): Uint8Array {
    const n = this.negotiated;
    this.#write = this.#pending?.write ?? null;
    return buildChangeCipherSpecRecord(n.version);
  }

  /**
   * Our Finished, protected. Without keys (no shared secret given, or a suite the engine cannot
   * run) it is 64 random bytes in a handshake record: what a server sees as a Finished it cannot
   * decrypt.
   */
  finishedRecord(): Uint8Array {
    const n = this.negotiated;
    if (this.#master === null || this.#write === null || n.spec === null) {
      return encodeRecord(CONTENT_TYPE.handshake, n.version, this.#random(64));
    }
    const verifyData = finishedVerifyData(
      n.version,
      n.spec.prfHash,
      this.#master,
      'client',
      concatBytes(this.#transcript),
    );
    const message = encodeHandshake(HANDSHAKE_TYPE.finished, verifyData);
    this.#transcript.push(message);
    return this.#write.sealRecord(CONTENT_TYPE.handshake, message);
  }

  /** Write records in one go; false when the server had already closed or reset the connection. */
  async send(...records: Uint8Array[]): Promise<boolean> {
    const ok = await this.#channel.write(concatBytes(records));
    this.#lastWriteFailed = !ok;
    return ok;
  }

  /** Read the server's ChangeCipherSpec and Finished, and check its verify_data (RFC 5246 §7.4.9). */
  async readServerFinished(): Promise<void> {
    const n = this.negotiated;
    if (this.#pending === null || this.#master === null || n.spec === null) {
      throw new TypeError('no keys: send a ClientKeyExchange with the shared secret first');
    }
    const reassembler = new HandshakeReassembler();
    for (;;) {
      const fragment = await this.#nextHandshakeFragment('Finished');
      for (const m of this.#reassemble(reassembler, fragment)) {
        if (m.type === HANDSHAKE_TYPE.new_session_ticket && this.#read === null) {
          this.#transcript.push(encodeHandshake(m.type, m.body));
          continue;
        }
        if (m.type !== HANDSHAKE_TYPE.finished || this.#read === null) this.#unexpected(m.type, 'Finished');
        const expected = finishedVerifyData(
          n.version,
          n.spec.prfHash,
          this.#master,
          'server',
          concatBytes(this.#transcript),
        );
        if (!bytesEqual(expected, m.body))
          throw new SessionError('SESSION_PROTOCOL', 'server Finished does not verify');
        this.#transcript.push(encodeHandshake(m.type, m.body));
        this.#established = true;
        return;
      }
    }
  }

  /** The whole handshake with the real key exchange. */
  async handshake(options: HelloOptions): Promise<Negotiated> {
    const n = await this.hello(options);
    if (n.spec === null) {
      throw new SessionError(
        'SESSION_UNSUPPORTED',
        `suite 0x${n.cipherSuite.toString(16)}: record protection not supported`,
      );
    }
    const kx = this.clientKeyExchange();
    const ok = await this.send(
      this.clientKeyExchangeRecord(kx.body, kx.preMasterSecret),
      this.changeCipherSpecRecord(),
      this.finishedRecord(),
    );
    if (!ok) throw new SessionError('SESSION_CLOSED', 'server closed before our Finished');
    await this.readServerFinished();
    return n;
  }

  // --- Records after the handshake ----------------------------------------------------------------

  /**
   * A new ClientHello, protected under the session: a client-initiated renegotiation (RFC 5246
   * §7.4.1.2). It carries the extensions `hello()` would build from `options` but never
   * renegotiation_info (the engine does not send the client_verify_data a secure renegotiation
   * needs, RFC 5746 §3.5), so only a server that allows insecure renegotiation goes on with it. Its
   * answer is for `observe()`; the engine does not run the second handshake.
   */
  renegotiationHelloRecord(options: HelloOptions): Uint8Array {
    if (!this.#established) throw new TypeError('no established session to renegotiate');
    const message = buildClientHello({
      version: options.version,
      random: this.#random(32),
      cipherSuites: options.suites,
      extensions: this.#helloExtensions({ ...options, renegotiationInfo: false }),
      padToAvoid256To511: true,
    });
    return this.protectedRecord(CONTENT_TYPE.handshake, message);
  }

  /** A protected record of any content type, with optional tampering. */
  protectedRecord(type: number, content: Uint8Array, tamper?: RecordTamper): Uint8Array {
    if (this.#write === null)
      throw new TypeError('no write protection: send ChangeCipherSpec with keys first');
    return this.#write.sealRecord(type, content, tamper);
  }

  /** A protected application_data record. */
  applicationDataRecord(content: Uint8Array | string, tamper?: RecordTamper): Uint8Array {
    return this.protectedRecord(
      CONTENT_TYPE.application_data,
      typeof content === 'string' ? utf8.encode(content) : content,
      tamper,
    );
  }

  /**
   * Watch the server for up to `waitMs`: alerts (decrypted once the server has switched keys),
   * handshake messages, application data, and how the connection ends. Stops early on a close or
   * reset, or shortly after a fatal alert or data (to see whether a close follows).
   */
  async observe(waitMs: number, options: ObserveOptions = {}): Promise<Reaction> {
    const started = Date.now();
    const grace = options.closeGraceMs ?? 500;
    let deadline = started + waitMs;
    const alerts: ObservedAlert[] = [];
    const records: ObservedRecord[] = [];
    const handshakeTypes: number[] = [];
    const data: Uint8Array[] = [];
    let changeCipherSpec = false;
    let undecryptable = 0;
    let end: ReactionEnd;
    let reactedAfterMs: number | null = null;
    const settle = (): void => {
      deadline = Math.min(deadline, Date.now() + grace);
    };
    for (;;) {
      if (options.until?.({ alerts, handshakeTypes }) === true) {
        end = 'timeout';
        break;
      }
      const ev = await this.#channel.next(deadline);
      if (ev.kind !== 'timeout') reactedAfterMs ??= Date.now() - started;
      if (ev.kind === 'closed' || ev.kind === 'reset' || ev.kind === 'timeout') {
        end = ev.kind;
        break;
      }
      if (ev.kind === 'malformed') {
        end = 'malformed';
        break;
      }
      const rec = ev.record;
      if (rec.type === CONTENT_TYPE.change_cipher_spec) {
        records.push({ type: rec.type, length: rec.fragment.length });
        changeCipherSpec = true;
        if (this.#pending !== null) this.#read = this.#pending.read;
        continue;
      }
      const opened = this.#open(rec);
      if (rec.type === CONTENT_TYPE.alert) {
        const parsed = this.#alertsOf(rec, opened);
        records.push({
          type: rec.type,
          length: rec.fragment.length,
          ...(parsed !== null && !parsed.encrypted
            ? { visibleAlert: parsed.alerts.map(alertTag).join(' ') }
            : {}),
        });
        if (parsed === null) undecryptable++;
        else alerts.push(...parsed.alerts.map((a) => ({ ...a, encrypted: parsed.encrypted })));
        if (
          parsed === null ||
          parsed.alerts.some((a) => a.levelName === 'fatal' || a.name === 'close_notify')
        )
          settle();
        continue;
      }
      records.push({ type: rec.type, length: rec.fragment.length });
      if (opened === null) {
        undecryptable++;
        continue;
      }
      if (rec.type === CONTENT_TYPE.application_data) {
        data.push(opened);
        settle();
      } else if (rec.type === CONTENT_TYPE.handshake) {
        for (const m of this.#messagesOf(opened)) handshakeTypes.push(m.type);
      }
    }
    return {
      alerts,
      applicationData: concatBytes(data),
      handshakeTypes,
      changeCipherSpec,
      undecryptable,
      records,
      end,
      writeFailed: this.#lastWriteFailed,
      elapsedMs: Date.now() - started,
      reactedAfterMs,
    };
  }

  // --- Internals ------------------------------------------------------------------------------------

  /** The record's content: decrypted when the server has switched keys; null when it does not open. */
  #open(rec: TlsRecord): Uint8Array | null {
    if (this.#read === null) return rec.fragment;
    const opened = this.#read.open(rec.type, rec.fragment);
    return opened.ok ? opened.content : null;
  }

  /** Alerts of an alert record; a 2-byte fragment that does not decrypt is a plaintext alert. */
  #alertsOf(rec: TlsRecord, opened: Uint8Array | null): { alerts: Alert[]; encrypted: boolean } | null {
    const tryParse = (b: Uint8Array): Alert[] | null => {
      try {
        return parseAlerts(b);
      } catch {
        return null;
      }
    };
    if (opened !== null) {
      const alerts = tryParse(opened);
      if (alerts !== null) return { alerts, encrypted: this.#read !== null };
    }
    if (this.#read !== null && rec.fragment.length === 2) {
      const alerts = tryParse(rec.fragment);
      if (alerts !== null) return { alerts, encrypted: false };
    }
    return null;
  }

  #messagesOf(content: Uint8Array): HandshakeMessage[] {
    try {
      return new HandshakeReassembler().push(content);
    } catch {
      return [];
    }
  }

  /** The next handshake fragment (decrypted when protected); alerts and ends become errors. */
  async #nextHandshakeFragment(waitingFor: string): Promise<Uint8Array> {
    for (;;) {
      const ev = await this.#channel.next();
      switch (ev.kind) {
        case 'closed':
        case 'reset':
          throw new SessionError('SESSION_CLOSED', `connection ${ev.kind} while waiting for ${waitingFor}`);
        case 'timeout':
          throw new SessionError('SESSION_TIMEOUT', `no ${waitingFor} in time`);
        case 'malformed':
          throw new SessionError('SESSION_PROTOCOL', `not TLS while waiting for ${waitingFor}: ${ev.detail}`);
        case 'record':
          break;
      }
      const rec = ev.record;
      if (rec.type === CONTENT_TYPE.change_cipher_spec) {
        if (this.#pending === null || this.#read !== null || !isChangeCipherSpec(rec.fragment)) {
          throw new SessionError(
            'SESSION_PROTOCOL',
            `unexpected ChangeCipherSpec while waiting for ${waitingFor}`,
          );
        }
        this.#read = this.#pending.read;
        continue;
      }
      const content = this.#open(rec);
      if (content === null) throw new SessionError('SESSION_PROTOCOL', 'a protected record does not decrypt');
      if (rec.type === CONTENT_TYPE.alert) {
        const alerts = this.#alertsOf(rec, content)?.alerts ?? [];
        const fatal = alerts.find((a) => a.levelName === 'fatal' || a.name === 'close_notify');
        if (fatal !== undefined) {
          throw new SessionError(
            'SESSION_REFUSED',
            `server sent ${fatal.name} while we waited for ${waitingFor}`,
            fatal,
          );
        }
        continue; // warnings (no_renegotiation …) do not end the handshake
      }
      if (rec.type !== CONTENT_TYPE.handshake) {
        throw new SessionError(
          'SESSION_PROTOCOL',
          `content type ${rec.type} while waiting for ${waitingFor}`,
        );
      }
      return content;
    }
  }

  #reassemble(reassembler: HandshakeReassembler, fragment: Uint8Array): HandshakeMessage[] {
    return this.#parse(() => reassembler.push(fragment));
  }

  #parse<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof WireFormatError) throw new SessionError('SESSION_PROTOCOL', e.reason);
      throw e;
    }
  }

  #unexpected(type: number, expected: string): never {
    throw new SessionError(
      'SESSION_PROTOCOL',
      `handshake message type ${type} where ${expected} was expected`,
    );
  }
}
