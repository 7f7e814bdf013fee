/**
 * The little DER (ITU-T X.690) the trust evaluation needs: walking a certificate to the signature
 * algorithm, the validity, the SubjectPublicKeyInfo and a handful of extensions. node:crypto's
 * X509Certificate does the real parsing and all signature checks; this reader only fetches what it
 * does not expose. Kept apart from the inventory's reader so the assessment has no dependency on it.
 */

/** Thrown for bytes that are not the DER we expect; callers decide what an unreadable field means. */
export class DerError extends Error {
  constructor(what: string) {
    super(`Malformed DER: ${what}.`);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
} as const;

/** One TLV: the identifier octet is at `start`, the contents are [body, end). */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

/** The TLV at `pos`, which must end by `limit`. Definite lengths only, as DER requires. */
export function tlvAt(buf: Uint8Array, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated element');
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number');
  let len = buf[pos + 1] as number;
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > limit) throw new DerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] as number);
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new DerError('element overruns its parent');
  return { tag, start: pos, body, end };
}

/** The elements inside a constructed TLV, in order. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.body; p < parent.end;) {
    const child = tlvAt(buf, p, parent.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** The element, checked to carry `tag`. */
export function expectTag(node: Tlv | undefined, tag: number, what: string): Tlv {
  if (node?.tag !== tag) throw new DerError(`${what} is missing or has the wrong type`);
  return node;
}

/** Dotted form of an OBJECT IDENTIFIER (X.690 §8.19). Arcs beyond 2^53 lose nothing: bigint throughout. */
export function oidOf(buf: Uint8Array, node: Tlv): string {
  if (node.tag !== TAG.OID || node.body === node.end) throw new DerError('bad OBJECT IDENTIFIER');
  const arcs: string[] = [];
  let value = 0n;
  for (let i = node.body; i < node.end; i++) {
    const b = buf[i] as number;
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (arcs.length === 0) {
      // The first subidentifier packs two arcs, 40 * X + Y (§8.19.4).
      if (value < 80n) arcs.push(String(value / 40n), String(value % 40n));
      else arcs.push('2', String(value - 80n));
    } else {
      arcs.push(String(value));
    }
    value = 0n;
  }
  if (((buf[node.end - 1] as number) & 0x80) !== 0) throw new DerError('truncated OBJECT IDENTIFIER');
  return arcs.join('.');
}

/**
 * Epoch milliseconds of a UTCTime or GeneralizedTime. RFC 5280 §4.1.2.5 fixes the forms (Z, seconds, no
 * fraction); missing seconds and a fraction are accepted too, as they appear in old certificates.
 */
export function timeOf(buf: Uint8Array, node: Tlv): number {
  const text = Buffer.from(buf.subarray(node.body, node.end)).toString('latin1');
  const utc = node.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text) : null;
  const general =
    node.tag === TAG.GENERALIZED_TIME
      ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text)
      : null;
  const m = utc ?? general;
  if (!m) throw new DerError('bad time');
  const field = (i: number): number => Number(m[i] ?? '0');
  // RFC 5280 §4.1.2.5.1: a UTCTime year YY >= 50 is 19YY, otherwise 20YY.
  const year = utc ? (field(1) >= 50 ? 1900 : 2000) + field(1) : field(1);
  return Date.UTC(year, field(2) - 1, field(3), field(4), field(5), field(6));
}

/** A small non-negative INTEGER (pathLenConstraint); null when it does not fit in a safe integer. */
export function smallIntegerOf(buf: Uint8Array, node: Tlv): number | null {
  if (node.tag !== TAG.INTEGER || node.body === node.end) throw new DerError('bad INTEGER');
  if (((buf[node.body] as number) & 0x80) !== 0) return null;
  let n = 0;
  for (let i = node.body; i < node.end; i++) {
    n = n * 256 + (buf[i] as number);
    if (n > Number.MAX_SAFE_INTEGER) return null;
  }
  return n;
}

/** The content octets as a Buffer view (no copy). */
export function contentOf(buf: Uint8Array, node: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + node.body, node.end - node.body);
}
