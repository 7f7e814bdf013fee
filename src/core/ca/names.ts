/**
 * Distinguished names (RFC 5280 §4.1.2.4) and key identifiers (RFC 5280 §4.2.1.2).
 */
import { hash } from 'node:crypto';
import { CertgridError } from '../errors.js';
import { OID } from './algorithms.js';
import type { LoadedCa } from './types.js';
import {
  TAG,
  childrenOf,
  contentOf,
  encodingOf,
  expectTag,
  headerLength,
  isIa5String,
  isPrintableString,
  oid,
  oidToString,
  parseTime,
  readNode,
  readRoot,
  writeHeader,
} from './der.js';

/**
 * Attribute types certgrid writes, with their OIDs (RFC 5280 Appendix A; RFC 4519; PKCS#9; the
 * EV jurisdiction attributes of CA/B Forum EV Guidelines §9.2.4, named as OpenSSL names them).
 */
export const NAME_ATTRIBUTE_OIDS = {
  businessCategory: '2.5.4.15',
  jurisdictionC: '1.3.6.1.4.1.311.60.2.1.3',
  jurisdictionST: '1.3.6.1.4.1.311.60.2.1.2',
  jurisdictionL: '1.3.6.1.4.1.311.60.2.1.1',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  serialNumber: '2.5.4.5',
  street: '2.5.4.9',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

export type NameAttributeType = keyof typeof NAME_ATTRIBUTE_OIDS;

export interface NameAttribute {
  readonly type: NameAttributeType;
  readonly value: string;
}

/** How one attribute value is encoded: string type tag and byte encoding. */
interface ValueEncoding {
  readonly tag: number;
  readonly encoding: 'utf8' | 'latin1';
}

const UTF8: ValueEncoding = { tag: TAG.UTF8_STRING, encoding: 'utf8' };
const PRINTABLE: ValueEncoding = { tag: TAG.PRINTABLE_STRING, encoding: 'latin1' };
const IA5: ValueEncoding = { tag: TAG.IA5_STRING, encoding: 'latin1' };

/**
 * The string type of one AttributeTypeAndValue. DirectoryString is UTF8String (RFC 5280
 * §4.1.2.4 MUST for new certificates); countryName, jurisdictionCountryName (EV Guidelines
 * §9.2.4) and serialNumber are PrintableString, emailAddress and domainComponent IA5String
 * (RFC 5280 Appendix A; RFC 4519 §2.4).
 */
function valueEncoding(attr: NameAttribute): ValueEncoding {
  switch (attr.type) {
    case 'C':
    case 'jurisdictionC':
      if (!/^[A-Z]{2}$/.test(attr.value)) {
        throw new CertgridError(
          'INVALID_ARGUMENT',
          `${attr.type}: a country is two upper-case letters (ISO 3166).`,
          { field: attr.type },
        );
      }
      return PRINTABLE;
    case 'serialNumber':
      if (!isPrintableString(attr.value)) {
        throw new CertgridError('INVALID_CHARS', 'serialNumber: only PrintableString characters.', {
          field: 'serialNumber',
        });
      }
      return PRINTABLE;
    case 'emailAddress':
    case 'DC':
      if (!isIa5String(attr.value)) {
        throw new CertgridError('INVALID_CHARS', `${attr.type}: only ASCII characters.`, {
          field: attr.type,
        });
      }
      return IA5;
    default:
      return UTF8;
  }
}

/**
 * Name ::= SEQUENCE OF RDN, one single-valued RDN (so no SET OF sorting) per attribute, in the
 * order given (most significant first: C, ST, L, O, OU, CN). Written in one pass: this runs per leaf.
 * @throws CertgridError('INVALID_ARGUMENT' | 'INVALID_CHARS') for empty or mis-typed values.
 */
export function encodeName(attrs: readonly NameAttribute[]): Buffer {
  const n = attrs.length;
  const oids: Buffer[] = new Array<Buffer>(n);
  const encs: ValueEncoding[] = new Array<ValueEncoding>(n);
  const valueLens: number[] = new Array<number>(n);
  const atvLens: number[] = new Array<number>(n);
  let content = 0;
  for (let i = 0; i < n; i++) {
    const attr = attrs[i] as NameAttribute;
    const type = NAME_ATTRIBUTE_OIDS[attr.type];
    if (!type) throw new TypeError(`encodeName: unknown attribute ${String(attr.type)}`);
    if (typeof attr.value !== 'string' || attr.value.length === 0) {
      throw new CertgridError('INVALID_ARGUMENT', `${attr.type}: an empty name attribute.`, {
        field: attr.type,
      });
    }
    const enc = valueEncoding(attr);
    const o = oid(type);
    const vlen = Buffer.byteLength(attr.value, enc.encoding);
    const atv = o.length + headerLength(vlen) + vlen;
    const rdn = headerLength(atv) + atv;
    oids[i] = o;
    encs[i] = enc;
    valueLens[i] = vlen;
    atvLens[i] = atv;
    content += headerLength(rdn) + rdn;
  }
  const out = Buffer.allocUnsafe(headerLength(content) + content);
  let p = writeHeader(out, TAG.SEQUENCE, content);
  for (let i = 0; i < n; i++) {
    const atv = atvLens[i] as number;
    const o = oids[i] as Buffer;
    const enc = encs[i] as ValueEncoding;
    const vlen = valueLens[i] as number;
    p += writeHeader(out, TAG.SET, headerLength(atv) + atv, p);
    p += writeHeader(out, TAG.SEQUENCE, atv, p);
    out.set(o, p);
    p += o.length;
    p += writeHeader(out, enc.tag, vlen, p);
    p += out.write((attrs[i] as NameAttribute).value, p, vlen, enc.encoding);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
// ---------------------------------------------------------------------------------------

export type SpkiKind = 'rsa' | 'ec' | 'ed25519' | 'other';

export interface SpkiInfo {
  /** The algorithm OID, dotted. */
  readonly algorithmOid: string;
  readonly kind: SpkiKind;
  /** The subjectPublicKey BIT STRING contents, without the unused-bits octet. */
  readonly publicKeyBits: Buffer;
}

/** [encoded OID TLV, dotted, kind] of the key algorithms certgrid certifies. */
const KNOWN_KEY_OIDS: readonly (readonly [Buffer, string, SpkiKind])[] = (
  [
    [OID.ecPublicKey, 'ec'],
    [OID.rsaEncryption, 'rsa'],
    [OID.ed25519, 'ed25519'],
  ] as const
).map(([dotted, kind]) => [oid(dotted), dotted, kind] as const);

function bytesEqual(buf: Uint8Array, start: number, end: number, other: Uint8Array): boolean {
  if (end - start !== other.length) return false;
  for (let i = 0; i < other.length; i++) if (buf[start + i] !== other[i]) return false;
  return true;
}

/**
 * Splits a SubjectPublicKeyInfo. Does not validate the key itself (the CSR checks do).
 * @throws CertgridError('INVALID_FORMAT') when the DER is not an SPKI.
 */
export function parseSpki(spkiDer: Uint8Array): SpkiInfo {
  const root = readRoot(spkiDer, TAG.SEQUENCE);
  const alg = expectTag(readNode(spkiDer, root.contentStart, root.end), TAG.SEQUENCE, 'AlgorithmIdentifier');
  const bits = expectTag(readNode(spkiDer, alg.end, root.end), TAG.BIT_STRING, 'subjectPublicKey');
  if (bits.end !== root.end)
    throw new CertgridError('INVALID_FORMAT', 'Malformed DER: trailing data in SPKI.');
  const algOid = expectTag(readNode(spkiDer, alg.contentStart, alg.end), TAG.OID, 'algorithm OID');
  const content = contentOf(spkiDer, bits);
  if (content.length < 2 || content[0] !== 0) {
    throw new CertgridError('INVALID_FORMAT', 'Malformed DER: subjectPublicKey has unused bits.');
  }
  // Hot path: recognise the three key algorithms by their encoded bytes, skipping the decode.
  for (const [encoded, dotted, kind] of KNOWN_KEY_OIDS) {
    if (bytesEqual(spkiDer, algOid.start, algOid.end, encoded)) {
      return { algorithmOid: dotted, kind, publicKeyBits: content.subarray(1) };
    }
  }
  return {
    algorithmOid: oidToString(contentOf(spkiDer, algOid)),
    kind: 'other',
    publicKeyBits: content.subarray(1),
  };
}

/**
 * Key identifier, RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value
 * (excluding tag, length and unused-bits octet). SHA-1 is fine here: an identifier, not a signature.
 */
export function keyIdentifier(publicKeyBits: Uint8Array): Buffer {
  return hash('sha1', publicKeyBits, 'buffer');
}

/** SKI of an SPKI, per RFC 5280 §4.2.1.2 method (1). */
export function subjectKeyIdentifier(spkiDer: Uint8Array): Buffer {
  return keyIdentifier(parseSpki(spkiDer).publicKeyBits);
}

// ---------------------------------------------------------------------------------------
// Certificate fields certgrid needs from a CA certificate (RFC 5280 §4.1)
// ---------------------------------------------------------------------------------------

export interface CertificateFields {
  readonly tbsDer: Buffer;
  readonly serialContent: Buffer;
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly spkiDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subjectKeyIdentifier extension value, when present. */
  readonly subjectKeyId: Buffer | undefined;
}

const SKI_OID = '2.5.29.14';

/** Picks the fields above out of a certificate; INVALID_FORMAT when it is not one. */
export function certificateFields(certDer: Uint8Array): CertificateFields {
  const root = readRoot(certDer, TAG.SEQUENCE);
  const tbs = expectTag(childrenOf(certDer, root)[0], TAG.SEQUENCE, 'TBSCertificate');
  const fields = childrenOf(certDer, tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const serial = expectTag(fields[i++], TAG.INTEGER, 'serialNumber');
  expectTag(fields[i++], TAG.SEQUENCE, 'signature');
  const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'issuer');
  const validity = childrenOf(certDer, expectTag(fields[i++], TAG.SEQUENCE, 'validity'));
  const [nbNode, naNode] = validity;
  if (!nbNode || !naNode)
    throw new CertgridError('INVALID_FORMAT', 'Malformed DER: expected validity times.');
  const notBefore = parseTime(certDer, nbNode);
  const notAfter = parseTime(certDer, naNode);
  const subject = expectTag(fields[i++], TAG.SEQUENCE, 'subject');
  const spki = expectTag(fields[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  let subjectKeyId: Buffer | undefined;
  const extsWrapper = fields.slice(i).find((f) => f.tag === 0xa3);
  if (extsWrapper) {
    const exts = expectTag(childrenOf(certDer, extsWrapper)[0], TAG.SEQUENCE, 'Extensions');
    for (const ext of childrenOf(certDer, exts)) {
      const parts = childrenOf(certDer, ext);
      const extOid = expectTag(parts[0], TAG.OID, 'extnID');
      if (oidToString(contentOf(certDer, extOid)) !== SKI_OID) continue;
      const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue');
      const inner = contentOf(certDer, value);
      subjectKeyId = contentOf(inner, readRoot(inner, TAG.OCTET_STRING));
    }
  }
  return {
    tbsDer: encodingOf(certDer, tbs),
    serialContent: contentOf(certDer, serial),
    issuerDer: encodingOf(certDer, issuer),
    subjectDer: encodingOf(certDer, subject),
    spkiDer: encodingOf(certDer, spki),
    notBefore,
    notAfter,
    subjectKeyId,
  };
}

// ---------------------------------------------------------------------------------------
// Per-CA constants derived from its certificate, computed once per LoadedCa
// ---------------------------------------------------------------------------------------

export interface CaDetails {
  /** The CA's subject Name DER, byte for byte: the issuer of everything it signs. */
  readonly subjectDer: Buffer;
  readonly spkiDer: Buffer;
  /** The CA's public key BIT STRING contents (OCSP issuerKeyHash input, RFC 6960 §4.1.1). */
  readonly publicKeyBits: Buffer;
  /** The CA certificate's SKI (or method (1) when absent): the AKI of what it signs. */
  readonly keyIdentifier: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const detailsCache = new WeakMap<LoadedCa, CaDetails>();

export function caDetails(ca: LoadedCa): CaDetails {
  const hit = detailsCache.get(ca);
  if (hit) return hit;
  const f = certificateFields(ca.certDer);
  const spki = parseSpki(f.spkiDer);
  const details: CaDetails = {
    subjectDer: f.subjectDer,
    spkiDer: f.spkiDer,
    publicKeyBits: spki.publicKeyBits,
    keyIdentifier: f.subjectKeyId ?? keyIdentifier(spki.publicKeyBits),
    notBefore: f.notBefore,
    notAfter: f.notAfter,
  };
  detailsCache.set(ca, details);
  return details;
}
