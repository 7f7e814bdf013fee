/**
 * SSL 2.0 handshake messages (draft-hickman-netscape-ssl-00, "SSL Handshake Protocol"):
 * CLIENT-HELLO, SERVER-HELLO and ERROR — enough to learn whether a server still speaks SSLv2,
 * its certificate and its cipher kinds. Cipher kinds are 3-byte values. The same CLIENT-HELLO with
 * a 3.x version is the "version 2 compatible" hello of RFC 5246 Appendix E.2.
 * Messages travel in SSLv2 records: see `encodeSsl2Record` and `RecordReader`.
 */
import { randomBytes } from 'node:crypto';
import { ByteReader, ByteWriter } from './bytes.js';
import { SSL2_WIRE_VERSION } from './constants.js';

export const SSL2_MESSAGE_TYPE = {
  error: 0,
  client_hello: 1,
  client_master_key: 2,
  client_finished: 3,
  server_hello: 4,
  server_verify: 5,
  server_finished: 6,
  request_certificate: 7,
  client_certificate: 8,
} as const;

/** SSLv2 error codes, with the draft's names. */
export const SSL2_ERROR: Readonly<Record<number, string>> = {
  0x0001: 'NO-CIPHER-ERROR',
  0x0002: 'NO-CERTIFICATE-ERROR',
  0x0004: 'BAD-CERTIFICATE-ERROR',
  0x0006: 'UNSUPPORTED-CERTIFICATE-TYPE-ERROR',
};

/** SSL_CT_X509_CERTIFICATE, the only certificate type the draft defines. */
export const SSL2_CT_X509_CERTIFICATE = 1;

const u24List = (w: ByteWriter, kinds: readonly number[]): void =>
  kinds.forEach((k) => {
    if (!Number.isInteger(k) || k < 0 || k > 0xffffff) throw new RangeError('cipher kind must be a u24');
    w.u24(k);
  });

function readKinds(r: ByteReader, bytes: Uint8Array): number[] {
  if (bytes.length % 3 !== 0) throw r.error('CIPHER-SPECS-LENGTH is not a multiple of 3');
  const k = new ByteReader(bytes, 'cipher specs');
  const out: number[] = [];
  while (!k.atEnd()) out.push(k.u24('cipher kind'));
  return out;
}

export interface Ssl2ClientHelloSpec {
  /** CLIENT-VERSION: 0x0002 for SSL 2.0 (default), 0x0300+ for a v2-compatible TLS hello. */
  readonly version?: number;
  readonly cipherKinds: readonly number[];
  /** 0 or 16 bytes by the draft; default empty. */
  readonly sessionId?: Uint8Array;
  /** 16–32 bytes by the draft; 16 random bytes when omitted. */
  readonly challenge?: Uint8Array;
}

/** The CLIENT-HELLO message (to be wrapped by `encodeSsl2Record`). */
export function buildSsl2ClientHello(spec: Ssl2ClientHelloSpec): Uint8Array {
  const sessionId = spec.sessionId ?? new Uint8Array(0);
  const challenge = spec.challenge ?? new Uint8Array(randomBytes(16));
  const w = new ByteWriter()
    .u8(SSL2_MESSAGE_TYPE.client_hello)
    .u16(spec.version ?? SSL2_WIRE_VERSION)
    .u16(spec.cipherKinds.length * 3)
    .u16(sessionId.length)
    .u16(challenge.length);
  u24List(w, spec.cipherKinds);
  return w.bytes(sessionId).bytes(challenge).finish();
}

export interface Ssl2ClientHello {
  readonly version: number;
  readonly cipherKinds: readonly number[];
  readonly sessionId: Uint8Array;
  readonly challenge: Uint8Array;
}

/** Parse a CLIENT-HELLO message (message type byte included). */
export function parseSsl2ClientHello(message: Uint8Array): Ssl2ClientHello {
  const r = new ByteReader(message, 'SSLv2 CLIENT-HELLO');
  const type = r.u8('MSG-CLIENT-HELLO');
  if (type !== SSL2_MESSAGE_TYPE.client_hello) throw r.error(`message type ${type} is not CLIENT-HELLO`);
  const version = r.u16('CLIENT-VERSION');
  const specsLength = r.u16('CIPHER-SPECS-LENGTH');
  const sessionIdLength = r.u16('SESSION-ID-LENGTH');
  const challengeLength = r.u16('CHALLENGE-LENGTH');
  const specs = r.bytes(specsLength, 'CIPHER-SPECS-DATA');
  const sessionId = r.bytes(sessionIdLength, 'SESSION-ID-DATA');
  const challenge = r.bytes(challengeLength, 'CHALLENGE-DATA');
  r.end();
  return { version, cipherKinds: readKinds(r, specs), sessionId, challenge };
}

export interface Ssl2ServerHello {
  readonly sessionIdHit: boolean;
  readonly certificateType: number;
  readonly version: number;
  /** The server's X.509 certificate (DER); empty when the session id hit. */
  readonly certificate: Uint8Array;
  readonly cipherKinds: readonly number[];
  readonly connectionId: Uint8Array;
}

export interface Ssl2ServerHelloSpec {
  readonly sessionIdHit?: boolean;
  readonly certificateType?: number;
  readonly version?: number;
  readonly certificate: Uint8Array;
  readonly cipherKinds: readonly number[];
  /** 16–32 bytes by the draft; 16 random bytes when omitted. */
  readonly connectionId?: Uint8Array;
}

/** The SERVER-HELLO message (to be wrapped by `encodeSsl2Record`). */
export function buildSsl2ServerHello(spec: Ssl2ServerHelloSpec): Uint8Array {
  const connectionId = spec.connectionId ?? new Uint8Array(randomBytes(16));
  const w = new ByteWriter()
    .u8(SSL2_MESSAGE_TYPE.server_hello)
    .u8(spec.sessionIdHit ? 1 : 0)
    .u8(spec.certificateType ?? SSL2_CT_X509_CERTIFICATE)
    .u16(spec.version ?? SSL2_WIRE_VERSION)
    .u16(spec.certificate.length)
    .u16(spec.cipherKinds.length * 3)
    .u16(connectionId.length)
    .bytes(spec.certificate);
  u24List(w, spec.cipherKinds);
  return w.bytes(connectionId).finish();
}

/** Parse a SERVER-HELLO message (message type byte included). */
export function parseSsl2ServerHello(message: Uint8Array): Ssl2ServerHello {
  const r = new ByteReader(message, 'SSLv2 SERVER-HELLO');
  const type = r.u8('MSG-SERVER-HELLO');
  if (type !== SSL2_MESSAGE_TYPE.server_hello) throw r.error(`message type ${type} is not SERVER-HELLO`);
  const sessionIdHit = r.u8('SESSION-ID-HIT') !== 0;
  const certificateType = r.u8('CERTIFICATE-TYPE');
  const version = r.u16('SERVER-VERSION');
  const certificateLength = r.u16('CERTIFICATE-LENGTH');
  const specsLength = r.u16('CIPHER-SPECS-LENGTH');
  const connectionIdLength = r.u16('CONNECTION-ID-LENGTH');
  const certificate = r.bytes(certificateLength, 'CERTIFICATE-DATA');
  const specs = r.bytes(specsLength, 'CIPHER-SPECS-DATA');
  const connectionId = r.bytes(connectionIdLength, 'CONNECTION-ID-DATA');
  r.end();
  return {
    sessionIdHit,
    certificateType,
    version,
    certificate,
    cipherKinds: readKinds(r, specs),
    connectionId,
  };
}

/** The ERROR message. */
export function buildSsl2Error(code: number): Uint8Array {
  return new ByteWriter().u8(SSL2_MESSAGE_TYPE.error).u16(code).finish();
}

export interface Ssl2Error {
  readonly code: number;
  /** The draft's name, or `UNKNOWN-ERROR(N)`. */
  readonly name: string;
}

/** What an SSLv2 server said, by message type. */
export type Ssl2ServerMessage =
  | { readonly kind: 'server-hello'; readonly hello: Ssl2ServerHello }
  | { readonly kind: 'error'; readonly error: Ssl2Error }
  | { readonly kind: 'other'; readonly messageType: number; readonly message: Uint8Array };

/** Classify and parse one SSLv2 message from a server. */
export function parseSsl2ServerMessage(message: Uint8Array): Ssl2ServerMessage {
  const r = new ByteReader(message, 'SSLv2 message');
  const type = r.u8('message type');
  if (type === SSL2_MESSAGE_TYPE.server_hello)
    return { kind: 'server-hello', hello: parseSsl2ServerHello(message) };
  if (type === SSL2_MESSAGE_TYPE.error) {
    const code = r.u16('ERROR-CODE');
    r.end();
    return { kind: 'error', error: { code, name: SSL2_ERROR[code] ?? `UNKNOWN-ERROR(${code})` } };
  }
  return { kind: 'other', messageType: type, message };
}
