/**
 * The certificate extensions (RFC 5280 §4.2) CertView reports, read in one pass.
 */
import {
  TAG,
  booleanAt,
  children,
  expect,
  malformed,
  nodeAt,
  oidAt,
  smallIntegerAt,
  type Node,
} from './der-reader.js';
import { readGeneralNames, readUris, type SubjectAlternativeNames } from './general-names.js';

/** KeyUsage bits 0–8 (RFC 5280 §4.2.1.3) in the CertView spec's wording. */
export const KEY_USAGE_NAMES = [
  'Digital signature',
  'Non repudiation',
  'Key encipherment',
  'Data encipherment',
  'Key agreement',
  'Certificate signing',
  'CRL signing',
  'Encipher only',
  'Decipher only',
] as const;

export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export interface ExtensionFacts {
  /** Whether a basicConstraints extension is present at all (v1 roots have none). */
  readonly hasBasicConstraints: boolean;
  readonly isCa: boolean;
  readonly pathLen: number | null;
  readonly keyUsage: readonly KeyUsageName[];
  readonly enhancedKeyUsage: readonly string[];
  readonly subjectKeyIdentifier: string | null;
  readonly authKeyIdentifier: string | null;
  readonly subjectAlternativeNames: SubjectAlternativeNames;
  readonly policies: readonly string[];
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
}

const NO_SANS: SubjectAlternativeNames = Object.freeze({
  dns: Object.freeze([]),
  ip: Object.freeze([]),
  email: Object.freeze([]),
  uri: Object.freeze([]),
});

/** Facts of a certificate without extensions (v1, v2, or v3 with none). */
export const NO_EXTENSIONS: ExtensionFacts = Object.freeze({
  hasBasicConstraints: false,
  isCa: false,
  pathLen: null,
  keyUsage: Object.freeze([]),
  enhancedKeyUsage: Object.freeze([]),
  subjectKeyIdentifier: null,
  authKeyIdentifier: null,
  subjectAlternativeNames: NO_SANS,
  policies: Object.freeze([]),
  crlDistributionPoints: Object.freeze([]),
  ocspUrls: Object.freeze([]),
  caIssuersUrls: Object.freeze([]),
});

// id-ce arcs (2.5.29.x): the extension OID's contents are 55 1D x.
const ID_CE = {
  subjectKeyIdentifier: 14,
  keyUsage: 15,
  subjectAltName: 17,
  basicConstraints: 19,
  cRLDistributionPoints: 31,
  certificatePolicies: 32,
  authorityKeyIdentifier: 35,
  extKeyUsage: 37,
} as const;

/** Stands for authorityInfoAccess in the switch below (it is not under id-ce). */
const AIA_ARC = -1;
const READ_ARCS: ReadonlySet<number> = new Set<number>([...Object.values(ID_CE), AIA_ARC]);

// 1.3.6.1.5.5.7.1.1 authorityInfoAccess; 1.3.6.1.5.5.7.48.1 / .2 id-ad-ocsp / id-ad-caIssuers.
const AIA = Buffer.from('2b06010505070101', 'hex');
const AD_OCSP = Buffer.from('2b06010505073001', 'hex');
const AD_CA_ISSUERS = Buffer.from('2b06010505073002', 'hex');

function sameBytes(buf: Buffer, node: Node, expected: Buffer): boolean {
  return (
    node.end - node.body === expected.length &&
    buf.compare(expected, 0, expected.length, node.body, node.end) === 0
  );
}

/**
 * Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (the contents of the TBS [3]
 * wrapper). A malformed value of an extension read here, or a repeated extension
 * (RFC 5280 §4.2: "MUST NOT include more than one instance"), is INVALID_FORMAT;
 * extensions not read here are skipped whatever their criticality.
 */
export function readExtensions(buf: Buffer, extensions: Node): ExtensionFacts {
  if (extensions.tag !== TAG.SEQUENCE) throw malformed('extensions is not a SEQUENCE');
  let hasBasicConstraints = false;
  let isCa = false;
  let pathLen: number | null = null;
  let keyUsage: KeyUsageName[] = [];
  let enhancedKeyUsage: string[] = [];
  let subjectKeyIdentifier: string | null = null;
  let authKeyIdentifier: string | null = null;
  let san: SubjectAlternativeNames = NO_SANS;
  let policies: string[] = [];
  const crlDistributionPoints: string[] = [];
  const ocspUrls: string[] = [];
  const caIssuersUrls: string[] = [];
  const seen = new Set<string>();

  let p = extensions.body;
  while (p < extensions.end) {
    const ext = expect(buf, p, extensions, TAG.SEQUENCE, 'extension');
    p = ext.end;
    const id = expect(buf, ext.body, ext, TAG.OID, 'extension id');
    let next = nodeAt(buf, id.end, ext.end, 'extension');
    if (next.tag === TAG.BOOLEAN) {
      booleanAt(buf, next, 'extension criticality');
      next = nodeAt(buf, next.end, ext.end, 'extension');
    }
    if (next.tag !== TAG.OCTET_STRING || next.end !== ext.end)
      throw malformed('extension value is malformed');
    const key = buf.toString('latin1', id.body, id.end);
    if (seen.has(key)) throw malformed(`extension ${oidAt(buf, id, 'extension id')} appears twice`);
    seen.add(key);

    const isIdCe = id.end - id.body === 3 && buf[id.body] === 0x55 && buf[id.body + 1] === 0x1d;
    const arc = isIdCe ? (buf[id.body + 2] as number) : sameBytes(buf, id, AIA) ? AIA_ARC : 0;
    if (!READ_ARCS.has(arc)) continue;
    const what = arc === AIA_ARC ? 'authorityInfoAccess' : `extension 2.5.29.${arc}`;
    const value = nodeAt(buf, next.body, next.end, what);
    if (value.end !== next.end) throw malformed(`${what} has trailing data`);

    switch (arc) {
      case ID_CE.basicConstraints: {
        // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        hasBasicConstraints = true;
        for (const field of children(buf, value, what)) {
          if (field.tag === TAG.BOOLEAN) isCa = booleanAt(buf, field, what);
          else pathLen = smallIntegerAt(buf, field, what);
        }
        break;
      }
      case ID_CE.keyUsage: {
        // Named BIT STRING: bit 0 is the most significant bit of the first octet (X.690 §8.6).
        if (value.tag !== TAG.BIT_STRING || value.body === value.end)
          throw malformed(`${what} is not a BIT STRING`);
        keyUsage = [];
        for (let bit = 0; bit < KEY_USAGE_NAMES.length; bit++) {
          const at = value.body + 1 + (bit >> 3);
          if (at < value.end && ((buf[at] as number) & (0x80 >> (bit & 7))) !== 0) {
            keyUsage.push(KEY_USAGE_NAMES[bit] as KeyUsageName);
          }
        }
        break;
      }
      case ID_CE.extKeyUsage:
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        enhancedKeyUsage = children(buf, value, what).map((n) => oidAt(buf, n, what));
        break;
      case ID_CE.subjectKeyIdentifier:
        if (value.tag !== TAG.OCTET_STRING) throw malformed(`${what} is not an OCTET STRING`);
        subjectKeyIdentifier = buf.toString('hex', value.body, value.end);
        break;
      case ID_CE.authorityKeyIdentifier: {
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        for (const field of children(buf, value, what)) {
          if (field.tag === 0x80) authKeyIdentifier = buf.toString('hex', field.body, field.end);
        }
        break;
      }
      case ID_CE.subjectAltName:
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        san = readGeneralNames(buf, value, what);
        break;
      case ID_CE.certificatePolicies: {
        // SEQUENCE OF PolicyInformation ::= SEQUENCE { policyIdentifier OID, policyQualifiers … }
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        policies = children(buf, value, what).map((info) => {
          if (info.tag !== TAG.SEQUENCE) throw malformed(`${what} has a bad PolicyInformation`);
          return oidAt(buf, nodeAt(buf, info.body, info.end, what), what);
        });
        break;
      }
      case ID_CE.cRLDistributionPoints: {
        // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, … }
        // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, … } (tags on a CHOICE are explicit)
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        for (const dp of children(buf, value, what)) {
          if (dp.tag !== TAG.SEQUENCE) throw malformed(`${what} has a bad DistributionPoint`);
          const first = dp.body < dp.end ? nodeAt(buf, dp.body, dp.end, what) : undefined;
          if (first?.tag !== 0xa0) continue;
          const name = nodeAt(buf, first.body, first.end, what);
          if (name.tag === 0xa0) readUris(buf, name.body, name.end, crlDistributionPoints, what);
        }
        break;
      }
      case AIA_ARC: {
        // AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription { accessMethod OID, accessLocation GeneralName }
        if (value.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a SEQUENCE`);
        for (const ad of children(buf, value, what)) {
          if (ad.tag !== TAG.SEQUENCE) throw malformed(`${what} has a bad AccessDescription`);
          const method = expect(buf, ad.body, ad, TAG.OID, what);
          const out = sameBytes(buf, method, AD_OCSP)
            ? ocspUrls
            : sameBytes(buf, method, AD_CA_ISSUERS)
              ? caIssuersUrls
              : undefined;
          if (out) readUris(buf, method.end, ad.end, out, what);
        }
        break;
      }
    }
  }
  return {
    hasBasicConstraints,
    isCa,
    pathLen,
    keyUsage,
    enhancedKeyUsage,
    subjectKeyIdentifier,
    authKeyIdentifier,
    subjectAlternativeNames: san,
    policies,
    crlDistributionPoints,
    ocspUrls,
    caIssuersUrls,
  };
}
