/**
 * ServerKeyExchange parameters (RFC 5246 §7.4.3 for DHE, RFC 8422 §5.4 for ECDHE). The message
 * does not say which kind it is — that follows from the cipher suite — so the caller says.
 * The signature is returned as sent and never verified: a scanner reports parameters, it does not
 * authenticate the server.
 */
import { ByteReader, ByteWriter, toHex } from './bytes.js';
import { HANDSHAKE_TYPE } from './constants.js';
import { encodeHandshake } from './handshake.js';

export type KeyExchangeKind = 'dhe' | 'ecdhe';

/** The signed part that follows the parameters (absent for anonymous suites). */
export interface KeyExchangeSignature {
  /** TLS 1.2 SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1); null before TLS 1.2. */
  readonly algorithm: number | null;
  readonly signature: Uint8Array;
}

export interface DheServerKeyExchange {
  readonly kind: 'dhe';
  /** dh_p, dh_g, dh_Ys as lower-case hex of the integers (leading zero bytes dropped). */
  readonly p: string;
  readonly g: string;
  readonly ys: string;
  /** Bit length of p. */
  readonly pBits: number;
  readonly signed: KeyExchangeSignature | null;
}

export interface EcdheServerKeyExchange {
  readonly kind: 'ecdhe';
  /** NamedCurve / NamedGroup id (RFC 8422 §5.1.1). */
  readonly namedCurve: number;
  /** The server's ephemeral public point, as sent. */
  readonly point: Uint8Array;
  readonly signed: KeyExchangeSignature | null;
}

export type ServerKeyExchange = DheServerKeyExchange | EcdheServerKeyExchange;

export interface ParseServerKeyExchangeOptions {
  /**
   * The negotiated version: TLS 1.2 signatures start with a SignatureAndHashAlgorithm, older ones
   * do not. When omitted the layout is inferred from which one fits the remaining bytes exactly.
   */
  readonly version?: number;
}

// ECCurveType named_curve (RFC 8422 §5.4); explicit curves (1, 2) are deprecated there.
const NAMED_CURVE = 3;

const stripZeros = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** Bit length of a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  const b = stripZeros(bytes);
  const top = b[0] ?? 0;
  return top === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(top));
}

function readSignature(r: ByteReader, version: number | undefined): KeyExchangeSignature | null {
  if (r.atEnd()) return null;
  // Without the version: TLS 1.2 layout if algorithm + u16 length + signature fills the rest exactly.
  const withAlgorithm = version !== undefined ? version >= 0x0303 : r.peekU16(2) === r.remaining - 4;
  const algorithm = withAlgorithm ? r.u16('signature algorithm') : null;
  const signature = r.vector(2, 'signature');
  r.end();
  return { algorithm, signature };
}

/** Parse a ServerKeyExchange body of the given kind. Throws `WireFormatError` when it does not decode. */
export function parseServerKeyExchange(
  body: Uint8Array,
  kind: KeyExchangeKind,
  options: ParseServerKeyExchangeOptions = {},
): ServerKeyExchange {
  const r = new ByteReader(body, 'ServerKeyExchange');
  if (kind === 'dhe') {
    const p = r.vector(2, 'dh_p', 1);
    const g = r.vector(2, 'dh_g', 1);
    const ys = r.vector(2, 'dh_Ys', 1);
    return {
      kind,
      p: toHex(stripZeros(p)),
      g: toHex(stripZeros(g)),
      ys: toHex(stripZeros(ys)),
      pBits: bitLength(p),
      signed: readSignature(r, options.version),
    };
  }
  const curveType = r.u8('curve_type');
  if (curveType !== NAMED_CURVE) throw r.error(`curve_type ${curveType} is not named_curve`);
  const namedCurve = r.u16('namedcurve');
  const point = r.vector(1, 'point', 1);
  return { kind, namedCurve, point, signed: readSignature(r, options.version) };
}

export interface KeyExchangeSignatureSpec {
  /** Written before the signature when given (TLS 1.2). */
  readonly algorithm?: number;
  readonly signature: Uint8Array;
}

const writeSignature = (w: ByteWriter, s: KeyExchangeSignatureSpec | undefined): void => {
  if (!s) return;
  if (s.algorithm !== undefined) w.u16(s.algorithm);
  w.vector(2, s.signature);
};

/** A DHE ServerKeyExchange handshake message; omit `signed` for anonymous DH. */
export function buildDheServerKeyExchange(spec: {
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly ys: Uint8Array;
  readonly signed?: KeyExchangeSignatureSpec;
}): Uint8Array {
  const w = new ByteWriter().vector(2, spec.p).vector(2, spec.g).vector(2, spec.ys);
  writeSignature(w, spec.signed);
  return encodeHandshake(HANDSHAKE_TYPE.server_key_exchange, w.finish());
}

/** An ECDHE ServerKeyExchange handshake message with a named curve. */
export function buildEcdheServerKeyExchange(spec: {
  readonly namedCurve: number;
  readonly point: Uint8Array;
  readonly signed?: KeyExchangeSignatureSpec;
}): Uint8Array {
  const w = new ByteWriter().u8(NAMED_CURVE).u16(spec.namedCurve).vector(1, spec.point);
  writeSignature(w, spec.signed);
  return encodeHandshake(HANDSHAKE_TYPE.server_key_exchange, w.finish());
}
