/**
 * Zero-copy DER (ITU-T X.690) reader for certificate ingest.
 *
 * The inventory parses every certificate a scan or an import sees, so this walks the bytes
 * in place: a node is four numbers, contents are decoded straight from the input, and
 * nothing is re-encoded. Every failure is a CertgridError('INVALID_FORMAT').
 */
import { CertgridError } from '../errors.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One TLV: `start` is the identifier octet, the contents are [body, end). */
export interface Node {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

export function malformed(what: string): CertgridError {
  return new CertgridError('INVALID_FORMAT', `Not a parseable X.509 certificate: ${what}.`);
}

/**
 * The TLV at `pos`, which must end by `limit`. DER only: definite lengths in the minimum
 * number of octets are not enforced (real certificates occasionally pad them), but the
 * indefinite form and high tag numbers, which no certificate field uses, are rejected.
 */
export function nodeAt(buf: Uint8Array, pos: number, limit: number, what: string): Node {
  if (pos + 2 > limit) throw malformed(`${what} is truncated`);
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed(`${what} uses a high tag number`);
  let len = buf[pos + 1] as number;
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw malformed(`${what} uses the indefinite length form`);
    if (n > 4 || body + n > limit) throw malformed(`${what} has a bad length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] as number);
    body += n;
  }
  const end = body + len;
  if (end > limit) throw malformed(`${what} runs past its container`);
  return { tag, start: pos, body, end };
}

/** The TLV at `pos` inside `parent`, expected to carry `tag`. */
export function expect(buf: Uint8Array, pos: number, parent: Node, tag: number, what: string): Node {
  const node = nodeAt(buf, pos, parent.end, what);
  if (node.tag !== tag) throw malformed(`${what} has tag 0x${node.tag.toString(16)}`);
  return node;
}

/** Every TLV inside a constructed node, in order. */
export function children(buf: Uint8Array, parent: Node, what: string): Node[] {
  if ((parent.tag & 0x20) === 0) throw malformed(`${what} is not constructed`);
  const out: Node[] = [];
  let p = parent.body;
  while (p < parent.end) {
    const child = nodeAt(buf, p, parent.end, what);
    out.push(child);
    p = child.end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// OBJECT IDENTIFIER (X.690 §8.19)
// ---------------------------------------------------------------------------------------

const oidCache = new Map<string, string>();
const OID_CACHE_MAX = 4096;

/**
 * Dotted form of an OBJECT IDENTIFIER's contents. Certificates repeat the same few dozen
 * OIDs, so decodings are cached by their content octets (bounded: policy OIDs from the
 * wild are unbounded).
 */
export function oidAt(buf: Buffer, node: Node, what: string): string {
  if (node.tag !== TAG.OID) throw malformed(`${what} is not an OBJECT IDENTIFIER`);
  const key = buf.toString('latin1', node.body, node.end);
  const hit = oidCache.get(key);
  if (hit !== undefined) return hit;
  const dotted = decodeOid(buf, node.body, node.end, what);
  if (oidCache.size >= OID_CACHE_MAX) oidCache.clear();
  oidCache.set(key, dotted);
  return dotted;
}

function decodeOid(buf: Uint8Array, start: number, end: number, what: string): string {
  if (start === end || ((buf[end - 1] as number) & 0x80) !== 0) throw malformed(`${what} is a bad OID`);
  const arcs: string[] = [];
  let acc = 0n;
  let small = 0;
  let big = false;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (big) acc = (acc << 7n) | BigInt(b & 0x7f);
    else {
      small = small * 128 + (b & 0x7f);
      // Arcs past 2^53 exist (UUID-based OIDs under 2.25): switch to bigint before precision goes.
      if (small > 0x1fffffffffff) {
        big = true;
        acc = BigInt(small);
      }
    }
    if ((b & 0x80) === 0) {
      const value = big ? acc : BigInt(small);
      if (arcs.length === 0) {
        // The first subidentifier packs two arcs: 40 * X + Y, X ∈ {0, 1, 2} (§8.19.4).
        if (value < 80n) arcs.push(String(value / 40n), String(value % 40n));
        else arcs.push('2', String(value - 80n));
      } else {
        arcs.push(String(value));
      }
      acc = 0n;
      small = 0;
      big = false;
    }
  }
  return arcs.join('.');
}

// ---------------------------------------------------------------------------------------
// Time (RFC 5280 §4.1.2.5)
// ---------------------------------------------------------------------------------------

const UTC = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/;
const GENERALIZED = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:[.,](\d+))?(Z|[+-]\d{4})$/;

/**
 * UTCTime or GeneralizedTime as epoch milliseconds. RFC 5280 requires Z and seconds, but
 * certificates from old or embedded CAs omit seconds or carry an offset; they are read as
 * written rather than rejected. UTCTime years 50–99 are 19xx (§4.1.2.5.1).
 */
export function timeAt(buf: Buffer, node: Node, what: string): number {
  const s = buf.toString('latin1', node.body, node.end);
  let year: number;
  let m: RegExpExecArray | null;
  let fraction = 0;
  if (node.tag === TAG.UTC_TIME && (m = UTC.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME && (m = GENERALIZED.exec(s))) {
    year = Number(m[1]);
    if (m[7]) fraction = Math.floor(Number(`0.${m[7]}`) * 1000);
  } else {
    throw malformed(`${what} is not a valid time`);
  }
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw malformed(`${what} is not a valid time`);
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  // Date.UTC maps years 0–99 to 1900–1999; GeneralizedTime means them literally.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  const zone = m[node.tag === TAG.UTC_TIME ? 7 : 8] as string;
  if (zone !== 'Z') {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
    ms += zone[0] === '+' ? -offset : offset;
  }
  return ms;
}

// ---------------------------------------------------------------------------------------
// Strings (X.680 §41; RFC 5280 §4.1.2.4 DirectoryString)
// ---------------------------------------------------------------------------------------

/** Whether `tag` is one of the character string types a name or GeneralName may carry. */
export function isStringTag(tag: number): boolean {
  switch (tag) {
    case TAG.UTF8_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.PRINTABLE_STRING:
    case TAG.TELETEX_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.UNIVERSAL_STRING:
    case TAG.BMP_STRING:
      return true;
    default:
      return false;
  }
}

/**
 * A character string's value. TeletexString is read as Latin-1 (what issuers put there in
 * practice, not T.61), BMPString as UTF-16BE, UniversalString as UTF-32BE; the ASCII types
 * as Latin-1 so stray 8-bit octets survive instead of becoming U+FFFD.
 */
export function stringAt(buf: Buffer, node: Node, what: string): string {
  switch (node.tag) {
    case TAG.UTF8_STRING:
      return buf.toString('utf8', node.body, node.end);
    case TAG.BMP_STRING: {
      if ((node.end - node.body) % 2 !== 0) throw malformed(`${what} is an odd-length BMPString`);
      return Buffer.from(buf.subarray(node.body, node.end)).swap16().toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      if ((node.end - node.body) % 4 !== 0) throw malformed(`${what} is a bad UniversalString`);
      let s = '';
      for (let i = node.body; i < node.end; i += 4) {
        const cp = buf.readUInt32BE(i);
        if (cp > 0x10ffff) throw malformed(`${what} is a bad UniversalString`);
        // Surrogate code points are kept: asn1js-based encoders (PKI.js, @peculiar/x509) write a
        // character outside the BMP as its two surrogates, which pair up again in the JS string.
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case TAG.NUMERIC_STRING:
    case TAG.PRINTABLE_STRING:
    case TAG.TELETEX_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
      return buf.toString('latin1', node.body, node.end);
    default:
      throw malformed(`${what} is not a character string`);
  }
}

/** BOOLEAN contents: any non-zero octet is TRUE (BER; DER's 0xFF is not insisted on). */
export function booleanAt(buf: Uint8Array, node: Node, what: string): boolean {
  if (node.tag !== TAG.BOOLEAN || node.end - node.body !== 1) throw malformed(`${what} is not a BOOLEAN`);
  return buf[node.body] !== 0;
}

/** A small non-negative INTEGER (pathLenConstraint, versions), or throws. */
export function smallIntegerAt(buf: Uint8Array, node: Node, what: string): number {
  const len = node.end - node.body;
  if (node.tag !== TAG.INTEGER || len === 0 || len > 6 || ((buf[node.body] as number) & 0x80) !== 0) {
    throw malformed(`${what} is not a small non-negative INTEGER`);
  }
  let v = 0;
  for (let i = node.body; i < node.end; i++) v = v * 256 + (buf[i] as number);
  return v;
}
