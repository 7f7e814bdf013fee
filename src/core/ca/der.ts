/**
 * Minimal, fast DER (ITU-T X.690) writer, plus the small reader certgrid needs to pick
 * fields out of SPKIs, certificates and OCSP requests.
 *
 * Everything here is a pure function over bytes. Writers allocate exactly once per TLV:
 * the certificate hot path builds a TBSCertificate from a handful of these calls.
 * Buffers returned by `oid()` and the constants are shared: callers must not mutate them.
 */
import { CertgridError } from '../errors.js';

// ---------------------------------------------------------------------------------------
// Tags (X.690 §8; universal class numbers from X.680 §8.4)
// ---------------------------------------------------------------------------------------

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// ---------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------

/** Size of tag + definite length octets for `len` content octets. */
export function headerLength(len: number): number {
  if (len < 0x80) return 2;
  if (len < 0x100) return 3;
  if (len < 0x10000) return 4;
  if (len < 0x1000000) return 5;
  return 6;
}

/**
 * Writes tag + definite length (X.690 §8.1.3, short form below 128) at `out[at]`; returns the
 * header size. For hot paths that lay out several TLVs in one buffer.
 */
export function writeHeader(out: Uint8Array, tag: number, len: number, at = 0): number {
  out[at] = tag;
  if (len < 0x80) {
    out[at + 1] = len;
    return 2;
  }
  const n = headerLength(len) - 2;
  out[at + 1] = 0x80 | n;
  for (let i = n; i >= 1; i--) {
    out[at + 1 + i] = len & 0xff;
    len = Math.floor(len / 256);
  }
  return n + 2;
}

/** One TLV with a low tag number (single identifier octet: every tag certgrid writes is ≤ 30). */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const len = content.length;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  const h = writeHeader(out, tag, len);
  out.set(content, h);
  return out;
}

/** A constructed TLV whose content is the concatenation of `parts`, allocated once. */
export function constructed(tag: number, parts: readonly Uint8Array[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  let off = writeHeader(out, tag, len);
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function sequence(...parts: readonly Uint8Array[]): Buffer {
  return constructed(TAG.SEQUENCE, parts);
}

/** SEQUENCE from an array, for callers that already hold one (avoids a spread). */
export function sequenceOf(parts: readonly Uint8Array[]): Buffer {
  return constructed(TAG.SEQUENCE, parts);
}

/**
 * SET OF: DER requires the encodings in ascending order (X.690 §11.6).
 * All SETs certgrid writes are SET OF (RDNs, attribute values, empty sets).
 */
export function set(...parts: readonly Uint8Array[]): Buffer {
  const sorted = parts.length > 1 ? [...parts].sort((a, b) => Buffer.compare(a, b)) : parts;
  return constructed(TAG.SET, sorted);
}

/**
 * INTEGER from an unsigned big-endian magnitude: strips redundant leading zeros and adds
 * one 0x00 when the top bit is set, so the value stays positive (X.690 §8.3.2).
 */
export function integerFromBytes(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const body = magnitude.length === 0 ? new Uint8Array([0]) : magnitude.subarray(i);
  const pad = (body[0] as number) & 0x80 ? 1 : 0;
  const len = body.length + pad;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  const h = writeHeader(out, TAG.INTEGER, len);
  if (pad) out[h] = 0;
  out.set(body, h + pad);
  return out;
}

const CANONICAL_POSITIVE_HEX = /^(?:[1-7][0-9a-fA-F]|0[1-9a-fA-F])[0-9a-fA-F]*$|^00$/;

/** INTEGER from unsigned hex (odd lengths allowed). */
export function integerFromHex(hex: string): Buffer {
  const n = hex.length;
  // Fast path: whole octets, no redundant leading zero, top bit clear (what newSerialHex makes).
  if (n > 0 && n % 2 === 0 && n < 256 && CANONICAL_POSITIVE_HEX.test(hex)) {
    const out = Buffer.allocUnsafe(2 + n / 2);
    out[0] = TAG.INTEGER;
    out[1] = n / 2;
    out.write(hex, 2, n / 2, 'hex');
    return out;
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('integerFromHex: not a hex string');
  return integerFromBytes(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

/** INTEGER from a bigint, two's complement, minimal length (negative values allowed). */
export function integerFromBigInt(value: bigint): Buffer {
  if (value >= 0n) {
    const hex = value.toString(16);
    return integerFromHex(hex);
  }
  // Two's complement: find the smallest byte count n with -2^(8n-1) <= value.
  let n = 1;
  while (value < -(1n << BigInt(8 * n - 1))) n++;
  const twos = (1n << BigInt(8 * n)) + value;
  return tlv(TAG.INTEGER, Buffer.from(twos.toString(16).padStart(2 * n, '0'), 'hex'));
}

export function integerFromNumber(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new TypeError('integerFromNumber: not a safe integer');
  return integerFromBigInt(BigInt(value));
}

/** ENUMERATED (X.690 §8.4): encoded like INTEGER; certgrid only needs small non-negative values. */
export function enumerated(value: number): Buffer {
  const int = integerFromNumber(value);
  int[0] = TAG.ENUMERATED;
  return int;
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted notation (X.690 §8.19); encodings are cached. */
export function oid(dotted: string): Buffer {
  const hit = oidCache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new TypeError(`oid: bad arc in ${dotted}`);
    return BigInt(s);
  });
  if (
    arcs.length < 2 ||
    (arcs[0] as bigint) > 2n ||
    ((arcs[0] as bigint) < 2n && (arcs[1] as bigint) > 39n)
  ) {
    throw new TypeError(`oid: invalid ${dotted}`);
  }
  const bytes: number[] = [];
  const pushArc = (arc: bigint): void => {
    const tmp = [Number(arc & 0x7fn)];
    arc >>= 7n;
    while (arc > 0n) {
      tmp.unshift(Number(arc & 0x7fn) | 0x80);
      arc >>= 7n;
    }
    bytes.push(...tmp);
  };
  pushArc((arcs[0] as bigint) * 40n + (arcs[1] as bigint));
  for (const arc of arcs.slice(2)) pushArc(arc);
  const enc = tlv(TAG.OID, Uint8Array.from(bytes));
  oidCache.set(dotted, enc);
  return enc;
}

/** Decodes OBJECT IDENTIFIER contents (without tag and length) to dotted notation. */
export function oidToString(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let acc = 0n;
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  if (arcs.length === 0 || acc !== 0n)
    throw new CertgridError('INVALID_FORMAT', 'Malformed OBJECT IDENTIFIER.');
  const first = arcs[0] as bigint;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** A TLV whose contents are `value` in `encoding`, written straight into one allocation. */
export function stringTlv(tag: number, value: string, encoding: 'utf8' | 'latin1'): Buffer {
  const len = Buffer.byteLength(value, encoding);
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  const h = writeHeader(out, tag, len);
  out.write(value, h, len, encoding);
  return out;
}

export function utf8String(value: string): Buffer {
  return stringTlv(TAG.UTF8_STRING, value, 'utf8');
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString (X.680 §41.4): throws TypeError outside its character set. */
export function printableString(value: string): Buffer {
  if (!PRINTABLE.test(value)) throw new TypeError('printableString: character outside PrintableString');
  return stringTlv(TAG.PRINTABLE_STRING, value, 'latin1');
}

export function isPrintableString(value: string): boolean {
  return PRINTABLE.test(value);
}

// eslint-disable-next-line no-control-regex
const IA5 = /^[\x00-\x7f]*$/;

export function isIa5String(value: string): boolean {
  return IA5.test(value);
}

/** IA5String (ASCII): throws TypeError on non-ASCII input. */
export function ia5String(value: string): Buffer {
  if (!IA5.test(value)) throw new TypeError('ia5String: non-ASCII character');
  return stringTlv(TAG.IA5_STRING, value, 'latin1');
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

function checkDate(d: Date): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('time: invalid Date');
}

/** UTCTime YYMMDDHHMMSSZ, seconds always present, no fractions (RFC 5280 §4.1.2.5.1). */
export function utcTime(d: Date): Buffer {
  checkDate(d);
  const y = d.getUTCFullYear();
  if (y < 1950 || y > 2049) throw new TypeError('utcTime: year outside 1950..2049');
  const s =
    two(y % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    'Z';
  return tlv(TAG.UTC_TIME, Buffer.from(s, 'latin1'));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, no fractional seconds (RFC 5280 §4.1.2.5.2). */
export function generalizedTime(d: Date): Buffer {
  checkDate(d);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new TypeError('generalizedTime: year outside 0..9999');
  const s =
    String(y).padStart(4, '0') +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    'Z';
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(s, 'latin1'));
}

const timeCache = new Map<number, Buffer>();

/**
 * Time per RFC 5280 §4.1.2.5 / §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.
 * Encodings are cached per second (certificates issued in a burst share their validity
 * instants); the returned Buffer is shared and must not be mutated.
 */
export function time(d: Date): Buffer {
  checkDate(d);
  const second = Math.floor(d.getTime() / 1000);
  let enc = timeCache.get(second);
  if (!enc) {
    const y = d.getUTCFullYear();
    enc = y >= 1950 && y <= 2049 ? utcTime(d) : generalizedTime(d);
    if (timeCache.size >= 256) timeCache.clear();
    timeCache.set(second, enc);
  }
  return enc;
}

/** BIT STRING with an explicit count of unused bits in the last octet (X.690 §8.6). */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  if (unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    throw new TypeError('bitString: bad unused bit count');
  }
  const len = bytes.length + 1;
  const out = Buffer.allocUnsafe(headerLength(len) + len);
  const h = writeHeader(out, TAG.BIT_STRING, len);
  out[h] = unusedBits;
  out.set(bytes, h + 1);
  return out;
}

/**
 * Named-bit BIT STRING (KeyUsage, ReasonFlags): bit 0 is the most significant bit of the first
 * octet, and DER drops trailing zero bits (X.690 §11.2.2).
 */
export function namedBitString(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const max = Math.max(...bits);
  const bytes = new Uint8Array((max >> 3) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] as number) | (0x80 >> (b & 7));
  return bitString(bytes, 7 - (max & 7));
}

export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

const TRUE = Buffer.from([0x01, 0x01, 0xff]);
const FALSE = Buffer.from([0x01, 0x01, 0x00]);

/** BOOLEAN; DER TRUE is 0xFF (X.690 §11.1). */
export function boolean(value: boolean): Buffer {
  return value ? TRUE : FALSE;
}

export const NULL = Buffer.from([0x05, 0x00]);

export function nullValue(): Buffer {
  return NULL;
}

function contextTag(tagNumber: number, isConstructed: boolean): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) {
    throw new TypeError('context tag number must be 0..30');
  }
  return 0x80 | (isConstructed ? 0x20 : 0) | tagNumber;
}

/** [n] EXPLICIT: a constructed context tag wrapping complete encodings. */
export function explicit(tagNumber: number, ...inner: readonly Uint8Array[]): Buffer {
  return constructed(contextTag(tagNumber, true), inner);
}

/** [n] IMPLICIT over primitive contents (e.g. dNSName [2] IA5String). */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Buffer {
  return tlv(contextTag(tagNumber, false), content);
}

/** [n] IMPLICIT over constructed contents (e.g. GeneralNames, SET OF certificates). */
export function implicitConstructed(tagNumber: number, parts: readonly Uint8Array[]): Buffer {
  return constructed(contextTag(tagNumber, true), parts);
}

/** Re-tags a complete encoding as [n] IMPLICIT, keeping its constructed bit. */
export function implicit(tagNumber: number, encoded: Uint8Array): Buffer {
  const node = readNode(encoded);
  const isConstructed = ((encoded[0] as number) & 0x20) !== 0;
  return tlv(contextTag(tagNumber, isConstructed), encoded.subarray(node.contentStart, node.end));
}

export function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------
// Reader (just enough structure-walking for SPKIs, certificates and OCSP requests)
// ---------------------------------------------------------------------------------------

/** One TLV inside a buffer: `start` is the tag octet, contents are [contentStart, end). */
export interface DerNode {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function malformed(why: string): CertgridError {
  return new CertgridError('INVALID_FORMAT', `Malformed DER: ${why}.`);
}

/**
 * Reads the TLV at `offset`, bounded by `limit`. Rejects high tag numbers and the indefinite
 * length form (not DER, X.690 §10.1); throws CertgridError('INVALID_FORMAT').
 */
export function readNode(buf: Uint8Array, offset = 0, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw malformed('truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed('high tag number');
  let len = buf[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw malformed('indefinite length');
    if (n > 4 || p + n > limit) throw malformed('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
  }
  if (p + len > limit) throw malformed('length beyond end of data');
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** Reads a single TLV that must span the whole buffer. */
export function readRoot(buf: Uint8Array, expectedTag?: number): DerNode {
  const node = readNode(buf, 0, buf.length);
  if (node.end !== buf.length) throw malformed('trailing data');
  if (expectedTag !== undefined && node.tag !== expectedTag) throw malformed('unexpected tag');
  return node;
}

/** The TLVs inside a constructed node. */
export function childrenOf(buf: Uint8Array, node: DerNode): DerNode[] {
  if (!((buf[node.start] as number) & 0x20)) throw malformed('primitive node has no children');
  const out: DerNode[] = [];
  let p = node.contentStart;
  while (p < node.end) {
    const child = readNode(buf, p, node.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** A view (no copy) of a node's contents. */
export function contentOf(buf: Uint8Array, node: DerNode): Buffer {
  return view(buf, node.contentStart, node.end);
}

/** A view (no copy) of a node's whole encoding. */
export function encodingOf(buf: Uint8Array, node: DerNode): Buffer {
  return view(buf, node.start, node.end);
}

function view(buf: Uint8Array, start: number, end: number): Buffer {
  return Buffer.isBuffer(buf)
    ? buf.subarray(start, end)
    : Buffer.from(buf.buffer, buf.byteOffset + start, end - start);
}

/** Expects `node` to carry `tag`, else INVALID_FORMAT naming `what`. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw malformed(`expected ${what}`);
  return node;
}

/**
 * Decodes UTCTime / GeneralizedTime in the RFC 5280 §4.1.2.5 profile (Z, seconds, no fractions;
 * UTCTime years 50–99 are 19xx). INVALID_FORMAT otherwise.
 */
export function parseTime(buf: Uint8Array, node: DerNode): Date {
  const s = Buffer.from(buf.subarray(node.contentStart, node.end)).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (node.tag === TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    throw malformed('bad time');
  }
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  if (d.getUTCFullYear() < 100) d.setUTCFullYear(year);
  return d;
}
