/**
 * ServerHello (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3), including its TLS 1.3 guise as a
 * HelloRetryRequest, recognised by its special random. A parser for probes and a builder for
 * test servers.
 */
import { randomBytes } from 'node:crypto';
import { ByteReader, ByteWriter } from './bytes.js';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  EXTENSION_TYPE as T,
  HANDSHAKE_TYPE,
  HELLO_RETRY_REQUEST_RANDOM,
} from './constants.js';
import {
  cookieExtension,
  findExtension,
  keyShareHelloRetryExtension,
  readAlpn,
  readCookie,
  readEmpty,
  readExtensions,
  readHeartbeatMode,
  readRenegotiationInfo,
  readSctList,
  readServerKeyShare,
  readU16,
  readU8List,
  supportedVersionsServerExtension,
  writeExtensions,
  type Extension,
} from './extensions.js';
import { encodeHandshake } from './handshake.js';

const TLS13 = 0x0304;

export interface ServerHelloSpec {
  /** server_version (legacy_version); 0x0303 for TLS 1.3, which names itself in supported_versions. */
  readonly version: number;
  /** 32 bytes; random when omitted. */
  readonly random?: Uint8Array;
  readonly sessionId?: Uint8Array;
  readonly cipherSuite: number;
  /** Default 0 (null). */
  readonly compressionMethod?: number;
  /** Omitted: no extensions block (SSL 3.0 style). */
  readonly extensions?: readonly Extension[];
}

/** The ServerHello body (no handshake header). */
export function encodeServerHello(spec: ServerHelloSpec): Uint8Array {
  const random = spec.random ?? new Uint8Array(randomBytes(32));
  if (random.length !== 32) throw new TypeError('random must be 32 bytes');
  const w = new ByteWriter()
    .u16(spec.version)
    .bytes(random)
    .vector(1, spec.sessionId ?? new Uint8Array(0))
    .u16(spec.cipherSuite)
    .u8(spec.compressionMethod ?? 0);
  if (spec.extensions !== undefined) writeExtensions(w, spec.extensions);
  return w.finish();
}

/** The ServerHello handshake message. */
export function buildServerHello(spec: ServerHelloSpec): Uint8Array {
  return encodeHandshake(HANDSHAKE_TYPE.server_hello, encodeServerHello(spec));
}

export interface HelloRetryRequestSpec {
  readonly cipherSuite: number;
  /** Echo of the client's legacy_session_id (RFC 8446 §4.1.3). */
  readonly sessionId?: Uint8Array;
  readonly selectedGroup?: number;
  readonly cookie?: Uint8Array;
}

/** A HelloRetryRequest handshake message: a ServerHello with the special random (RFC 8446 §4.1.4). */
export function buildHelloRetryRequest(spec: HelloRetryRequestSpec): Uint8Array {
  const extensions = [supportedVersionsServerExtension(TLS13)];
  if (spec.selectedGroup !== undefined) extensions.push(keyShareHelloRetryExtension(spec.selectedGroup));
  if (spec.cookie !== undefined) extensions.push(cookieExtension(spec.cookie));
  return buildServerHello({
    version: 0x0303,
    random: Uint8Array.from(HELLO_RETRY_REQUEST_RANDOM),
    sessionId: spec.sessionId,
    cipherSuite: spec.cipherSuite,
    extensions,
  });
}

/** Which downgrade sentinel ends ServerHello.random (RFC 8446 §4.1.3). */
export type DowngradeSentinel = 'tls12' | 'tls11-or-older';

export interface ServerHello {
  /** ServerHello.server_version (legacy_version in TLS 1.3). */
  readonly legacyVersion: number;
  /** The negotiated version: supported_versions when present (RFC 8446 §4.2.1), else legacyVersion. */
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  /** null when the message has no extensions block (SSL 3.0, or TLS servers with nothing to say). */
  readonly extensions: readonly Extension[] | null;
  /** The random is the HelloRetryRequest value (RFC 8446 §4.1.3). */
  readonly helloRetryRequest: boolean;
  /** Set when a server that supports TLS 1.3 negotiated something older (RFC 8446 §4.1.3). */
  readonly downgradeSentinel: DowngradeSentinel | null;
  readonly supportedVersion?: number;
  /** The server's key_share: group and key in a ServerHello, group only in a HelloRetryRequest. */
  readonly keyShare?: { readonly group: number; readonly keyExchange?: Uint8Array };
  /** The HelloRetryRequest cookie (RFC 8446 §4.2.2). */
  readonly cookie?: Uint8Array;
  /** renegotiated_connection of renegotiation_info: empty on an initial handshake (RFC 5746 §3.4). */
  readonly renegotiationInfo?: Uint8Array;
  readonly heartbeatMode?: number;
  readonly ecPointFormats?: readonly number[];
  /** The selected ALPN protocol (RFC 7301 §3.1). */
  readonly alpn?: string;
  /** Serialized SCTs from signed_certificate_timestamp (RFC 6962 §3.3). */
  readonly scts?: readonly Uint8Array[];
  /** The server will send a NewSessionTicket (RFC 5077 §3.2). */
  readonly sessionTicket: boolean;
  readonly extendedMasterSecret: boolean;
  readonly encryptThenMac: boolean;
  /** The server will staple an OCSP response in CertificateStatus (RFC 6066 §8). */
  readonly statusRequest: boolean;
}

const endsWith = (random: Uint8Array, tail: readonly number[]): boolean =>
  tail.every((b, i) => random[random.length - tail.length + i] === b);

/** Parse a ServerHello body. Throws `WireFormatError` on anything that does not decode exactly. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const legacyVersion = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vector(1, 'session_id');
  if (sessionId.length > 32) throw r.error('session_id longer than 32 bytes');
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = r.atEnd() ? null : readExtensions(r, 'ServerHello');
  r.end();
  const exts = extensions ?? [];
  const seen = new Set<number>();
  for (const e of exts) {
    // RFC 5246 §7.4.1.4: at most one extension of each type.
    if (seen.has(e.type)) throw r.error(`duplicate extension ${e.type}`);
    seen.add(e.type);
  }

  const helloRetryRequest = endsWith(random, HELLO_RETRY_REQUEST_RANDOM);
  const read = <V>(type: number, fn: (e: Extension) => V): V | undefined => {
    const e = findExtension(exts, type);
    return e && fn(e);
  };
  const supportedVersion = read(T.supported_versions, (e) => readU16(e, 'supported_versions'));
  const version = supportedVersion ?? legacyVersion;
  const downgradeSentinel =
    version >= TLS13
      ? null
      : endsWith(random, DOWNGRADE_TLS12)
        ? 'tls12'
        : endsWith(random, DOWNGRADE_TLS11)
          ? 'tls11-or-older'
          : null;
  return {
    legacyVersion,
    version,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions,
    helloRetryRequest,
    downgradeSentinel,
    supportedVersion,
    keyShare: read(T.key_share, (e) =>
      helloRetryRequest ? { group: readU16(e, 'key_share') } : readServerKeyShare(e),
    ),
    cookie: read(T.cookie, readCookie),
    renegotiationInfo: read(T.renegotiation_info, readRenegotiationInfo),
    heartbeatMode: read(T.heartbeat, readHeartbeatMode),
    ecPointFormats: read(T.ec_point_formats, (e) => readU8List(e, 'ec_point_formats')),
    alpn: read(T.application_layer_protocol_negotiation, (e) => {
      const names = readAlpn(e);
      if (names.length !== 1) throw r.error('ALPN must name exactly one protocol');
      return names[0] as string;
    }),
    scts: read(T.signed_certificate_timestamp, readSctList),
    sessionTicket: read(T.session_ticket, (e) => readEmpty(e, 'session_ticket')) ?? false,
    extendedMasterSecret:
      read(T.extended_master_secret, (e) => readEmpty(e, 'extended_master_secret')) ?? false,
    encryptThenMac: read(T.encrypt_then_mac, (e) => readEmpty(e, 'encrypt_then_mac')) ?? false,
    statusRequest: read(T.status_request, (e) => readEmpty(e, 'status_request')) ?? false,
  };
}
