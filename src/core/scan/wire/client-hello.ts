/**
 * ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2, RFC 6101 §5.6.1.2): a builder for probes that
 * offer exactly what they are told to — any version, suite list and extension list, including
 * ones a real client would never send — and a parser for test servers that read it.
 */
import { randomBytes } from 'node:crypto';
import { ByteReader, ByteWriter } from './bytes.js';
import {
  CONTENT_TYPE,
  EXTENSION_TYPE as T,
  HANDSHAKE_TYPE,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
} from './constants.js';
import {
  findExtension,
  paddingExtension,
  readAlpn,
  readClientKeyShares,
  readEmpty,
  readHeartbeatMode,
  readRenegotiationInfo,
  readServerNames,
  readU16List,
  readU8List,
  readExtensions,
  writeExtensions,
  type Extension,
  type KeyShareEntry,
} from './extensions.js';
import { encodeHandshake } from './handshake.js';
import { encodeRecord, type EncodeRecordOptions } from './record.js';

export interface ClientHelloSpec {
  /** client_version (legacy_version): 0x0300 … 0x0303; TLS 1.3 clients send 0x0303 (RFC 8446 §4.1.2). */
  readonly version: number;
  /** 32 bytes; random when omitted. */
  readonly random?: Uint8Array;
  /** Up to 32 bytes by the RFC; up to 255 are encoded so probes can send oversized ones. Default empty. */
  readonly sessionId?: Uint8Array;
  /** Cipher suite ids (u16), in preference order; signalling values such as 0x00ff included as given. */
  readonly cipherSuites: readonly number[];
  /** Default [0] (null). */
  readonly compressionMethods?: readonly number[];
  /** Omitted: no extensions block at all, as SSL 3.0 clients send. `[]`: an empty block. */
  readonly extensions?: readonly Extension[];
  /**
   * Add a padding extension when the handshake message would be 256–511 bytes long: some F5
   * load balancers stall on such lengths (RFC 7685 §4 cites the problem). The result is ≥ 512 bytes.
   */
  readonly padToAvoid256To511?: boolean;
}

const PADDED_LENGTH = 512;

function encodeBody(
  spec: ClientHelloSpec,
  random: Uint8Array,
  extensions: readonly Extension[] | undefined,
): Uint8Array {
  const w = new ByteWriter()
    .u16(spec.version)
    .bytes(random)
    .vector(1, spec.sessionId ?? new Uint8Array(0))
    .prefixed(2, (v) => spec.cipherSuites.forEach((s) => v.u16(s)))
    .prefixed(1, (v) => (spec.compressionMethods ?? [0]).forEach((m) => v.u8(m)));
  if (extensions !== undefined) writeExtensions(w, extensions);
  return w.finish();
}

/** The ClientHello body (no handshake header). */
export function encodeClientHello(spec: ClientHelloSpec): Uint8Array {
  const random = spec.random ?? new Uint8Array(randomBytes(32));
  if (random.length !== 32) throw new TypeError('random must be 32 bytes');
  let body = encodeBody(spec, random, spec.extensions);
  const length = 4 + body.length;
  if (spec.padToAvoid256To511 && length >= 256 && length < PADDED_LENGTH) {
    // A padding extension costs its 4-byte header, plus the block's 2-byte length if there was no block.
    const overhead = 4 + (spec.extensions === undefined ? 2 : 0);
    const pad = paddingExtension(Math.max(0, PADDED_LENGTH - length - overhead));
    const exts = [...(spec.extensions ?? [])];
    // pre_shared_key must stay last (RFC 8446 §4.2.11).
    const psk = exts.findIndex((e) => e.type === T.pre_shared_key);
    exts.splice(psk < 0 ? exts.length : psk, 0, pad);
    body = encodeBody(spec, random, exts);
  }
  return body;
}

/** The ClientHello handshake message (type 1, u24 length, body). */
export function buildClientHello(spec: ClientHelloSpec): Uint8Array {
  return encodeHandshake(HANDSHAKE_TYPE.client_hello, encodeClientHello(spec));
}

/**
 * The ClientHello in handshake records, ready for the socket. `recordVersion` is the record
 * layer's version; 0x0301 is what most clients send for compatibility (RFC 8446 §5.1).
 */
export function buildClientHelloRecord(
  spec: ClientHelloSpec,
  recordVersion = 0x0301,
  options: EncodeRecordOptions = {},
): Uint8Array {
  return encodeRecord(CONTENT_TYPE.handshake, recordVersion, buildClientHello(spec), options);
}

/** A parsed ClientHello with typed views of the extensions a test server usually checks. */
export interface ClientHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  /** null when the hello has no extensions block. Duplicates are kept, in order. */
  readonly extensions: readonly Extension[] | null;
  readonly serverNames?: readonly string[];
  readonly supportedGroups?: readonly number[];
  readonly ecPointFormats?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly signatureAlgorithmsCert?: readonly number[];
  readonly supportedVersions?: readonly number[];
  readonly keyShares?: readonly KeyShareEntry[];
  readonly pskKeyExchangeModes?: readonly number[];
  readonly alpn?: readonly string[];
  readonly renegotiationInfo?: Uint8Array;
  readonly heartbeatMode?: number;
  /** The SessionTicket extension's data (empty when asking for a new ticket). */
  readonly sessionTicket?: Uint8Array;
  readonly statusRequest: boolean;
  readonly signedCertificateTimestamp: boolean;
  readonly extendedMasterSecret: boolean;
  readonly encryptThenMac: boolean;
  /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV in the suite list (RFC 5746 §3.3). */
  readonly renegotiationScsv: boolean;
  /** TLS_FALLBACK_SCSV in the suite list (RFC 7507 §3). */
  readonly fallbackScsv: boolean;
}

/** Parse a ClientHello body. Throws `WireFormatError` on anything that does not decode exactly. */
export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const version = r.u16('client_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vector(1, 'session_id');
  if (sessionId.length > 32) throw r.error('session_id longer than 32 bytes');
  const suites = r.sub(2, 'cipher_suites');
  if (suites.remaining < 2 || suites.remaining % 2 !== 0) throw suites.error('length must be even and ≥ 2');
  const cipherSuites: number[] = [];
  while (!suites.atEnd()) cipherSuites.push(suites.u16('cipher_suite'));
  const compression = r.vector(1, 'compression_methods', 1);
  // RFC 5246 §7.4.1.2: the extensions block is optional; SSL 3.0 hellos end here.
  const extensions = r.atEnd() ? null : readExtensions(r, 'ClientHello');
  r.end();

  const read = <V>(type: number, fn: (e: Extension) => V): V | undefined => {
    const e = findExtension(extensions ?? [], type);
    return e && fn(e);
  };
  return {
    version,
    random,
    sessionId,
    cipherSuites,
    compressionMethods: [...compression],
    extensions,
    serverNames: read(T.server_name, readServerNames),
    supportedGroups: read(T.supported_groups, (e) => readU16List(e, 2, 'supported_groups')),
    ecPointFormats: read(T.ec_point_formats, (e) => readU8List(e, 'ec_point_formats')),
    signatureAlgorithms: read(T.signature_algorithms, (e) => readU16List(e, 2, 'signature_algorithms')),
    signatureAlgorithmsCert: read(T.signature_algorithms_cert, (e) =>
      readU16List(e, 2, 'signature_algorithms_cert'),
    ),
    supportedVersions: read(T.supported_versions, (e) => readU16List(e, 1, 'supported_versions')),
    keyShares: read(T.key_share, readClientKeyShares),
    pskKeyExchangeModes: read(T.psk_key_exchange_modes, (e) => readU8List(e, 'psk_key_exchange_modes')),
    alpn: read(T.application_layer_protocol_negotiation, readAlpn),
    renegotiationInfo: read(T.renegotiation_info, readRenegotiationInfo),
    heartbeatMode: read(T.heartbeat, readHeartbeatMode),
    sessionTicket: read(T.session_ticket, (e) => e.data),
    statusRequest: read(T.status_request, () => true) ?? false,
    signedCertificateTimestamp: read(T.signed_certificate_timestamp, () => true) ?? false,
    extendedMasterSecret:
      read(T.extended_master_secret, (e) => readEmpty(e, 'extended_master_secret')) ?? false,
    encryptThenMac: read(T.encrypt_then_mac, (e) => readEmpty(e, 'encrypt_then_mac')) ?? false,
    renegotiationScsv: cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
    fallbackScsv: cipherSuites.includes(TLS_FALLBACK_SCSV),
  };
}
