import { CertgridError } from '../../errors.js';

/**
 * A PKCS#10 certificate signing request (RFC 2986), reduced to what certgrid's CA needs.
 *
 * Parsing proves nothing about the request: call `checkCsr` before trusting the key.
 */
export interface ParsedCsr {
  /** The whole CertificationRequest, DER. */
  readonly der: Buffer;
  /** The exact CertificationRequestInfo bytes the signature covers (a view into `der`). */
  readonly certificationRequestInfoDer: Buffer;
  /** SubjectPublicKeyInfo, DER (a view into `der`). */
  readonly spkiDer: Buffer;
  readonly signatureAlgorithmOid: string;
  /** RSASSA-PSS parameters (RFC 4055 §3.1), present only when the signature algorithm is id-RSASSA-PSS. */
  readonly pssParams?: PssParams | undefined;
  readonly signature: Buffer;
  readonly key: CsrKey;
  readonly subject: CsrSubject;
  /** Subject alternative names from the PKCS#9 extensionRequest attribute, in request order. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly emails: readonly string[];
}

export interface CsrKey {
  readonly algorithm: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';
  /** RSA/DSA: modulus/prime bit length; EC: field size; EdDSA: encoded key size; other: 0. */
  readonly bits: number;
  /** EC only: P-256, P-384, P-521, secp256k1, P-192 ..., else the dotted curve OID, `explicit` or `implicit`. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521' | (string & {}) | undefined;
  /** The SubjectPublicKeyInfo algorithm OID. */
  readonly oid: string;
  readonly rsaModulus?: bigint | undefined;
  readonly rsaExponent?: bigint | undefined;
}

export interface CsrSubject {
  /** Single-valued attributes take the last (most specific) occurrence, as Go's crypto/x509 does. */
  readonly commonName?: string | undefined;
  readonly organizationalUnits: readonly string[];
  readonly organization?: string | undefined;
  readonly country?: string | undefined;
  readonly emailAddress?: string | undefined;
  /** Every attribute in DER order; `type` is a short name (CN, OU ...) or the dotted OID. */
  readonly rdns: readonly { readonly type: string; readonly value: string }[];
}

export interface PssParams {
  /** Node digest name (`sha256`) or the dotted OID when unknown. */
  readonly hash: string;
  readonly mgf1Hash: string;
  readonly saltLength: number;
  readonly trailerField: number;
}

// Generous: an 8192-bit RSA CSR is about 3 KiB of PEM. Bounds the work done on hostile input.
const MAX_INPUT_CHARS = 256 * 1024;

/**
 * Parses a CSR sent as PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`), bare base64 DER
 * (line breaks allowed, `+` mangled into spaces by form encoding tolerated) or a raw DER Buffer.
 *
 * @throws CertgridError `CSR_UNPARSEABLE` for anything that is not exactly one well-formed
 *   CertificationRequest.
 */
export function parseCsr(input: string | Buffer): ParsedCsr {
  if (Buffer.isBuffer(input)) {
    if (input.length > MAX_INPUT_CHARS) throw unparseable('the input is too large');
    // A DER SEQUENCE starts with 0x30; PEM and base64 text never start with '0'.
    if (input.length > 0 && input[0] === 0x30) return parseDer(input);
    return parseText(input.toString('latin1'));
  }
  if (typeof input !== 'string') throw new TypeError('parseCsr: input must be a string or a Buffer');
  if (input.length > MAX_INPUT_CHARS) throw unparseable('the input is too large');
  return parseText(input);
}

function parseText(text: string): ParsedCsr {
  const s = text.replace(/^\uFEFF/, '').trim();
  if (s === '') throw unparseable('the input is empty');
  let body = s;
  if (s.includes('-----BEGIN')) {
    // RFC 7468 §5.1 label, plus the NEW CERTIFICATE REQUEST label Netscape and old IIS emit.
    const begin = /-----BEGIN (NEW CERTIFICATE REQUEST|CERTIFICATE REQUEST)-----/.exec(s);
    if (begin === null) throw unparseable('the PEM block is not a certificate request');
    const endMarker = `-----END ${begin[1]}-----`;
    const from = begin.index + begin[0].length;
    const to = s.indexOf(endMarker, from);
    if (to < 0) throw unparseable(`the PEM block has no "${endMarker}" line`);
    body = s.slice(from, to);
  }
  let firstError: CertgridError | undefined;
  for (const b64 of base64Candidates(body)) {
    const der = decodeBase64(b64);
    if (der === undefined) continue;
    try {
      return parseDer(der);
    } catch (e) {
      if (!CertgridError.is(e, 'CSR_UNPARSEABLE')) throw e;
      firstError ??= e;
    }
  }
  throw firstError ?? unparseable('the input is neither PEM nor base64 DER');
}

/**
 * Readings of a base64 body, most likely first. A form post that was not URL-encoded turns every
 * '+' into a space, so spaces inside a line are tried as '+'. Each reading must then decode to one
 * complete, well-formed CertificationRequest, so a wrong guess is rejected rather than misread.
 */
function base64Candidates(body: string): string[] {
  const out = [body.replace(/\s+/g, '')];
  if (body.includes(' ')) {
    // Mangled '+' at a line end or start: every space is a '+', line breaks are line breaks.
    out.push(body.replace(/[\t\r\n]+/g, '').replace(/ /g, '+'));
    // Indented or padded lines: trim each line, then inner spaces are '+'.
    out.push(
      body
        .split(/\r?\n|\r/)
        .map((l) => l.trim().replace(/ /g, '+'))
        .join(''),
    );
  }
  const compact = out[0] ?? '';
  if (/[-_]/.test(compact) && !/[+/]/.test(compact)) out.push(compact.replace(/-/g, '+').replace(/_/g, '/'));
  return [...new Set(out)];
}

function decodeBase64(s: string): Buffer | undefined {
  // Buffer.from(..., 'base64') silently skips invalid characters, so validate first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64');
}

// ---------------------------------------------------------------------------------------------
// A minimal DER reader (X.690) for exactly the structures of RFC 2986 §4. It is about ten times
// faster than a schema-driven decoder and hands back the signed bytes untouched, which a
// decode-then-reencode round trip cannot promise for non-canonical (BER-ish) encodings.
// ---------------------------------------------------------------------------------------------

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;
const BOOLEAN = 0x01;
const CONTEXT_0_CONSTRUCTED = 0xa0;

interface Tlv {
  /** The first identifier octet (class, constructed bit and low tag number). */
  readonly id: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

class DerReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  peekId(): number | undefined {
    return this.done ? undefined : this.buf[this.pos];
  }

  next(): Tlv {
    const { buf, end } = this;
    const start = this.pos;
    let p = start;
    if (p >= end) throw unparseable('unexpected end of data');
    const id = buf[p++]!;
    if ((id & 0x1f) === 0x1f) {
      // High tag number form: skip the base-128 tag number octets.
      let n = 0;
      while (p < end && buf[p]! & 0x80) {
        p++;
        if (++n > 4) throw unparseable('tag number too large');
      }
      p++;
    }
    if (p >= end) throw unparseable('unexpected end of data');
    let len = buf[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      // 0x80 is BER's indefinite length, forbidden in DER (X.690 §10.1); 4 octets is plenty.
      if (n === 0 || n > 4) throw unparseable('invalid length');
      if (p + n > end) throw unparseable('unexpected end of data');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
    }
    if (len > end - p) throw unparseable('length exceeds the data');
    this.pos = p + len;
    return { id, start, valueStart: p, end: p + len };
  }

  expect(id: number, what: string): Tlv {
    const t = this.next();
    if (t.id !== id) throw unparseable(`expected ${what}`);
    return t;
  }

  /** A reader over the contents of a constructed TLV. */
  static inside(buf: Buffer, t: Tlv): DerReader {
    return new DerReader(buf, t.valueStart, t.end);
  }
}

function parseDer(der: Buffer): ParsedCsr {
  // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
  const top = new DerReader(der, 0, der.length);
  const outer = top.expect(SEQUENCE, 'a CertificationRequest SEQUENCE');
  if (!top.done) throw unparseable('trailing data after the CertificationRequest');
  const cr = DerReader.inside(der, outer);
  const criTlv = cr.expect(SEQUENCE, 'a CertificationRequestInfo SEQUENCE');
  const sigAlg = readAlgorithmIdentifier(der, cr.expect(SEQUENCE, 'a signatureAlgorithm'));
  const signature = readBitString(der, cr.expect(BIT_STRING, 'a signature BIT STRING'));
  if (!cr.done) throw unparseable('trailing data in the CertificationRequest');

  // CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
  //   subjectPKInfo SubjectPublicKeyInfo, attributes [0] IMPLICIT Attributes }
  const cri = DerReader.inside(der, criTlv);
  const version = cri.expect(INTEGER, 'a version INTEGER');
  if (version.end - version.valueStart !== 1 || der[version.valueStart] !== 0) {
    throw unparseable('unsupported CertificationRequest version');
  }
  const subject = parseDnTlv(der, cri.expect(SEQUENCE, 'a subject Name'));
  const spkiTlv = cri.expect(SEQUENCE, 'a SubjectPublicKeyInfo');
  const key = parseSpki(der, spkiTlv);
  const sans: Sans = { dnsNames: [], ipAddresses: [], emails: [] };
  // RFC 2986 makes attributes mandatory, but some encoders drop an empty [0]; tolerate that.
  if (!cri.done) parseAttributes(der, cri.expect(CONTEXT_0_CONSTRUCTED, 'the [0] attributes'), sans);
  if (!cri.done) throw unparseable('trailing data in the CertificationRequestInfo');

  return {
    der,
    certificationRequestInfoDer: der.subarray(criTlv.start, criTlv.end),
    spkiDer: der.subarray(spkiTlv.start, spkiTlv.end),
    signatureAlgorithmOid: sigAlg.oid,
    pssParams: sigAlg.oid === OID_RSASSA_PSS ? parsePssParams(der, sigAlg.params) : undefined,
    signature,
    key,
    subject,
    ...sans,
  };
}

interface AlgorithmIdentifier {
  readonly oid: string;
  readonly params: Tlv | undefined;
}

function readAlgorithmIdentifier(buf: Buffer, t: Tlv): AlgorithmIdentifier {
  const r = DerReader.inside(buf, t);
  const oid = readOid(buf, r.expect(OID, 'an algorithm OID'));
  const params = r.done ? undefined : r.next();
  if (!r.done) throw unparseable('trailing data in an AlgorithmIdentifier');
  return { oid, params };
}

function readBitString(buf: Buffer, t: Tlv): Buffer {
  // Keys and signatures are whole octets: the leading unused-bits octet must be 0.
  if (t.end - t.valueStart < 1 || buf[t.valueStart] !== 0) throw unparseable('invalid BIT STRING');
  return buf.subarray(t.valueStart + 1, t.end);
}

function readOid(buf: Buffer, t: Tlv): string {
  if (t.id !== OID || t.end === t.valueStart) throw unparseable('invalid OBJECT IDENTIFIER');
  const arcs: (number | bigint)[] = [];
  let v = 0;
  let big: bigint | undefined;
  for (let p = t.valueStart; p < t.end; p++) {
    const b = buf[p]!;
    // X.690 §8.19.2: a subidentifier never starts with 0x80.
    if (v === 0 && big === undefined && b === 0x80) throw unparseable('invalid OBJECT IDENTIFIER');
    if (big !== undefined) big = (big << 7n) | BigInt(b & 0x7f);
    else if (v >= 2 ** 45) big = (BigInt(v) << 7n) | BigInt(b & 0x7f);
    else v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(big ?? v);
      v = 0;
      big = undefined;
    }
  }
  if (v !== 0 || big !== undefined || (buf[t.end - 1]! & 0x80) !== 0) {
    throw unparseable('invalid OBJECT IDENTIFIER');
  }
  const first = arcs[0]!;
  const head =
    typeof first === 'bigint'
      ? `2.${first - 80n}`
      : first < 40
        ? `0.${first}`
        : first < 80
          ? `1.${first - 40}`
          : `2.${first - 80}`;
  return arcs.length === 1 ? head : `${head}.${arcs.slice(1).join('.')}`;
}

function readUnsignedInteger(buf: Buffer, t: Tlv, what: string): bigint {
  if (t.id !== INTEGER || t.end === t.valueStart) throw unparseable(`invalid ${what}`);
  if (buf[t.valueStart]! & 0x80) throw unparseable(`${what} is negative`);
  return BigInt('0x' + buf.toString('hex', t.valueStart, t.end));
}

function readSmallInteger(buf: Buffer, t: Tlv, what: string): number {
  const n = readUnsignedInteger(buf, t, what);
  if (n > 0xffffffffn) throw unparseable(`${what} is too large`);
  return Number(n);
}

/** Bit length of a positive big-endian unsigned integer, leading zero octets ignored. */
function bitLengthOf(buf: Buffer, start: number, end: number): number {
  let p = start;
  while (p < end && buf[p] === 0) p++;
  if (p === end) return 0;
  return (end - p - 1) * 8 + (32 - Math.clz32(buf[p]!));
}

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and the key formats of RFC 3279, 5480, 8410.
// ---------------------------------------------------------------------------------------------

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
const OID_ED448 = '1.3.101.113';
const OID_DSA = '1.2.840.10040.4.1';

/** Named curves by OID (RFC 5480 §2.1.1.1, SEC 2, RFC 5639) with their field size in bits. */
const CURVES: ReadonlyMap<string, { readonly name: string; readonly bits: number }> = new Map([
  ['1.2.840.10045.3.1.7', { name: 'P-256', bits: 256 }],
  ['1.3.132.0.34', { name: 'P-384', bits: 384 }],
  ['1.3.132.0.35', { name: 'P-521', bits: 521 }],
  ['1.2.840.10045.3.1.1', { name: 'P-192', bits: 192 }],
  ['1.3.132.0.33', { name: 'P-224', bits: 224 }],
  ['1.3.132.0.10', { name: 'secp256k1', bits: 256 }],
  ['1.3.36.3.3.2.8.1.1.7', { name: 'brainpoolP256r1', bits: 256 }],
  ['1.3.36.3.3.2.8.1.1.11', { name: 'brainpoolP384r1', bits: 384 }],
  ['1.3.36.3.3.2.8.1.1.13', { name: 'brainpoolP512r1', bits: 512 }],
]);

function parseSpki(buf: Buffer, t: Tlv): CsrKey {
  const r = DerReader.inside(buf, t);
  const alg = readAlgorithmIdentifier(buf, r.expect(SEQUENCE, 'a key AlgorithmIdentifier'));
  const keyTlv = r.expect(BIT_STRING, 'a subjectPublicKey BIT STRING');
  if (!r.done) throw unparseable('trailing data in the SubjectPublicKeyInfo');
  const key = readBitString(buf, keyTlv);
  const keyStart = keyTlv.valueStart + 1;
  const oid = alg.oid;

  switch (oid) {
    case OID_RSA:
    case OID_RSASSA_PSS: {
      // RFC 8017 §A.1.1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
      const outer = new DerReader(buf, keyStart, keyTlv.end);
      const seq = outer.expect(SEQUENCE, 'an RSAPublicKey');
      if (!outer.done) throw unparseable('trailing data after the RSAPublicKey');
      const kr = DerReader.inside(buf, seq);
      const n = kr.expect(INTEGER, 'an RSA modulus');
      const e = kr.expect(INTEGER, 'an RSA public exponent');
      if (!kr.done) throw unparseable('trailing data in the RSAPublicKey');
      return {
        algorithm: 'rsa',
        bits: bitLengthOf(buf, n.valueStart, n.end),
        oid,
        rsaModulus: readUnsignedInteger(buf, n, 'RSA modulus'),
        rsaExponent: readUnsignedInteger(buf, e, 'RSA public exponent'),
      };
    }
    case OID_EC: {
      // RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve }
      const p = alg.params;
      if (p === undefined) throw unparseable('EC key without curve parameters');
      const named = p.id === OID ? readOid(buf, p) : undefined;
      const known = named === undefined ? undefined : CURVES.get(named);
      // SEC 1 §2.3.3: 0x04 || X || Y uncompressed, 0x02/0x03 || X compressed.
      const fieldBytes = key[0] === 0x04 ? (key.length - 1) / 2 : key.length - 1;
      return {
        algorithm: 'ec',
        bits: known?.bits ?? (Number.isInteger(fieldBytes) && fieldBytes > 0 ? fieldBytes * 8 : 0),
        curve: known?.name ?? named ?? (p.id === NULL ? 'implicit' : 'explicit'),
        oid,
      };
    }
    case OID_ED25519:
      return { algorithm: 'ed25519', bits: key.length * 8, oid };
    case OID_ED448:
      return { algorithm: 'ed448', bits: key.length * 8, oid };
    case OID_DSA: {
      // RFC 3279 §2.3.2: Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }; absent when inherited.
      let bits = 0;
      if (alg.params?.id === SEQUENCE) {
        const pTlv = DerReader.inside(buf, alg.params).expect(INTEGER, 'a DSA prime');
        bits = bitLengthOf(buf, pTlv.valueStart, pTlv.end);
      }
      return { algorithm: 'dsa', bits, oid };
    }
    default:
      return { algorithm: 'other', bits: 0, oid };
  }
}

// RFC 4055 §3.1 and §2.1 hash OIDs, mapped to node:crypto digest names.
const HASHES: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);
const OID_MGF1 = '1.2.840.113549.1.1.8';

/**
 * RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] DEFAULT sha1, maskGenAlgorithm [1] DEFAULT
 * mgf1SHA1, saltLength [2] DEFAULT 20, trailerField [3] DEFAULT trailerFieldBC(1) } (RFC 4055 §3.1)
 */
function parsePssParams(buf: Buffer, params: Tlv | undefined): PssParams {
  let hash = 'sha1';
  let mgf1Hash = 'sha1';
  let saltLength = 20;
  let trailerField = 1;
  if (params === undefined || params.id === NULL) return { hash, mgf1Hash, saltLength, trailerField };
  if (params.id !== SEQUENCE) throw unparseable('invalid RSASSA-PSS parameters');
  const r = DerReader.inside(buf, params);
  while (!r.done) {
    const field = r.next();
    const inner = DerReader.inside(buf, field);
    const value = inner.next();
    if (!inner.done) throw unparseable('invalid RSASSA-PSS parameters');
    if (field.id === 0xa0) {
      hash = hashName(buf, value);
    } else if (field.id === 0xa1) {
      const mgf = readAlgorithmIdentifier(buf, value);
      if (mgf.oid !== OID_MGF1 || mgf.params === undefined) mgf1Hash = mgf.oid;
      else mgf1Hash = hashName(buf, mgf.params);
    } else if (field.id === 0xa2) {
      saltLength = readSmallInteger(buf, value, 'PSS salt length');
    } else if (field.id === 0xa3) {
      trailerField = readSmallInteger(buf, value, 'PSS trailer field');
    } else {
      throw unparseable('invalid RSASSA-PSS parameters');
    }
  }
  return { hash, mgf1Hash, saltLength, trailerField };
}

function hashName(buf: Buffer, t: Tlv): string {
  if (t.id !== SEQUENCE) throw unparseable('invalid hash AlgorithmIdentifier');
  const oid = readAlgorithmIdentifier(buf, t).oid;
  return HASHES.get(oid) ?? oid;
}

// ---------------------------------------------------------------------------------------------
// Names (RFC 5280 §4.1.2.4) and the extensionRequest attribute (RFC 2985 §5.4.2).
// ---------------------------------------------------------------------------------------------

/** Short names as OpenSSL and RFC 4514 print them. */
const NAME_TYPES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'title'],
  ['2.5.4.17', 'postalCode'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.44', 'generationQualifier'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.65', 'pseudonym'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'emailAddress'],
]);

/**
 * Decodes a DER Name (RDNSequence) into certgrid's subject shape.
 *
 * @throws CertgridError `CSR_UNPARSEABLE` when the bytes are not one well-formed Name.
 */
export function parseDn(der: Buffer): CsrSubject {
  const r = new DerReader(der, 0, der.length);
  const t = r.expect(SEQUENCE, 'a Name SEQUENCE');
  if (!r.done) throw unparseable('trailing data after the Name');
  return parseDnTlv(der, t);
}

function parseDnTlv(buf: Buffer, t: Tlv): CsrSubject {
  const rdns: { type: string; value: string }[] = [];
  const organizationalUnits: string[] = [];
  let commonName: string | undefined;
  let organization: string | undefined;
  let country: string | undefined;
  let emailAddress: string | undefined;
  const seq = DerReader.inside(buf, t);
  while (!seq.done) {
    const set = DerReader.inside(buf, seq.expect(SET, 'a RelativeDistinguishedName SET'));
    if (set.done) throw unparseable('empty RelativeDistinguishedName');
    while (!set.done) {
      const atv = DerReader.inside(buf, set.expect(SEQUENCE, 'an AttributeTypeAndValue'));
      const oid = readOid(buf, atv.expect(OID, 'an attribute type'));
      const value = decodeDirectoryString(buf, atv.next());
      if (!atv.done) throw unparseable('trailing data in an AttributeTypeAndValue');
      const type = NAME_TYPES.get(oid) ?? oid;
      rdns.push({ type, value });
      if (type === 'CN') commonName = value;
      else if (type === 'OU') organizationalUnits.push(value);
      else if (type === 'O') organization = value;
      else if (type === 'C') country = value;
      else if (type === 'emailAddress') emailAddress = value;
    }
  }
  return { commonName, organizationalUnits, organization, country, emailAddress, rdns };
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeDirectoryString(buf: Buffer, t: Tlv): string {
  const v = buf.subarray(t.valueStart, t.end);
  try {
    switch (t.id) {
      case 0x0c: // UTF8String
        return textDecoder.decode(v);
      case 0x12: // NumericString
      case 0x13: // PrintableString
      case 0x16: // IA5String
      case 0x1a: // VisibleString
        return v.toString('latin1');
      case 0x14: // TeletexString: in practice Latin-1 (RFC 5280 §4.1.2.4 discourages it)
        return v.toString('latin1');
      case 0x1e: // BMPString: UTF-16BE
        if (v.length % 2 !== 0) break;
        return Buffer.from(v).swap16().toString('utf16le');
      case 0x1c: {
        // UniversalString: UTF-32BE
        if (v.length % 4 !== 0) break;
        let s = '';
        for (let i = 0; i < v.length; i += 4) s += String.fromCodePoint(v.readUInt32BE(i));
        return s;
      }
      default:
        // Not a string: RFC 4514 §2.4 hex form of the whole encoding.
        return '#' + buf.toString('hex', t.start, t.end);
    }
  } catch {
    // fall through: invalid UTF-8 or code point
  }
  throw unparseable('invalid string in the subject');
}

interface Sans {
  dnsNames: string[];
  ipAddresses: string[];
  emails: string[];
}

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
// Microsoft's pre-standard twin (szOID_CERT_EXTENSIONS), still sent by some Windows tooling.
const OID_MS_EXTENSION_REQUEST = '1.3.6.1.4.1.311.2.1.14';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

function parseAttributes(buf: Buffer, t: Tlv, sans: Sans): void {
  const r = DerReader.inside(buf, t);
  let sawSan = false;
  while (!r.done) {
    // Attribute ::= SEQUENCE { type OID, values SET OF ANY }
    const attr = DerReader.inside(buf, r.expect(SEQUENCE, 'an Attribute'));
    const type = readOid(buf, attr.expect(OID, 'an attribute type'));
    const values = DerReader.inside(buf, attr.expect(SET, 'a SET of attribute values'));
    if (!attr.done) throw unparseable('trailing data in an Attribute');
    if (type !== OID_EXTENSION_REQUEST && type !== OID_MS_EXTENSION_REQUEST) continue;
    while (!values.done) {
      // Extensions ::= SEQUENCE OF Extension
      const exts = DerReader.inside(buf, values.expect(SEQUENCE, 'Extensions'));
      while (!exts.done) {
        // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
        const ext = DerReader.inside(buf, exts.expect(SEQUENCE, 'an Extension'));
        const extnId = readOid(buf, ext.expect(OID, 'an extension OID'));
        if (ext.peekId() === BOOLEAN) ext.next();
        const value = ext.expect(OCTET_STRING, 'an extension value');
        if (!ext.done) throw unparseable('trailing data in an Extension');
        if (extnId !== OID_SUBJECT_ALT_NAME) continue;
        // RFC 5280 §4.2: an extension appears at most once; two SANs would be ambiguous.
        if (sawSan) throw unparseable('more than one subjectAltName extension');
        sawSan = true;
        parseGeneralNames(buf, value, sans);
      }
    }
  }
}

function parseGeneralNames(buf: Buffer, octets: Tlv, sans: Sans): void {
  const outer = new DerReader(buf, octets.valueStart, octets.end);
  const seq = outer.expect(SEQUENCE, 'GeneralNames');
  if (!outer.done) throw unparseable('trailing data after GeneralNames');
  const r = DerReader.inside(buf, seq);
  while (!r.done) {
    const gn = r.next();
    const v = buf.subarray(gn.valueStart, gn.end);
    switch (gn.id) {
      case 0x81: // rfc822Name [1] IA5String
        sans.emails.push(ia5(v));
        break;
      case 0x82: // dNSName [2] IA5String
        sans.dnsNames.push(ia5(v));
        break;
      case 0x87: // iPAddress [7] OCTET STRING, 4 or 16 octets
        sans.ipAddresses.push(formatIp(v));
        break;
      default:
        // otherName, URI, directoryName ...: certgrid's profiles never copy them from a CSR.
        break;
    }
  }
}

function ia5(v: Buffer): string {
  for (const b of v) if (b > 0x7f) throw unparseable('non-ASCII character in an IA5String');
  return v.toString('latin1');
}

function formatIp(v: Buffer): string {
  if (v.length === 4) return `${v[0]}.${v[1]}.${v[2]}.${v[3]}`;
  if (v.length !== 16) throw unparseable('an iPAddress is neither 4 nor 16 octets');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(v.readUInt16BE(i));
  // RFC 5952 §4.2: compress the longest run (leftmost on a tie) of two or more zero words.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function unparseable(why: string): CertgridError {
  return new CertgridError('CSR_UNPARSEABLE', `The CSR could not be parsed: ${why}.`, {
    field: 'csr',
  });
}
