/**
 * TBSCertificate assembly (RFC 5280 §4.1) and the extensions certgrid writes (§4.2).
 * Internal to ca/: profiles.ts and issue.ts use it for leaves, hierarchy.ts for CA certificates.
 */
import type { KeyObject } from 'node:crypto';
import { sign, signatureAlgorithmFor } from './algorithms.js';
import {
  TAG,
  boolean,
  explicit,
  headerLength,
  implicitPrimitive,
  integerFromHex,
  integerFromNumber,
  namedBitString,
  octetString,
  oid,
  sequence,
  sequenceOf,
  time,
  writeHeader,
} from './der.js';
import { subjectKeyIdentifier } from './names.js';
import type { KeyType, SignatureHash } from './types.js';

export const EXT_OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

export const EKU_OID = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/**
 * The CA/Browser Forum reserved certificate policy identifiers (BR §7.1.6.1): what a TLS server
 * certificate asserts about how its subject was validated.
 */
export const CABF_POLICY_OID = {
  /** EV Guidelines §9.3. */
  extendedValidation: '2.23.140.1.1',
  domainValidated: '2.23.140.1.2.1',
  organizationValidated: '2.23.140.1.2.2',
} as const;

const AD_OCSP = '1.3.6.1.5.5.7.48.1';
const AD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; DER omits FALSE. */
export function extension(extnId: string, critical: boolean, valueDer: Uint8Array): Buffer {
  return critical
    ? sequence(oid(extnId), boolean(true), octetString(valueDer))
    : sequence(oid(extnId), octetString(valueDer));
}

/** basicConstraints (§4.2.1.9), always critical here; cA FALSE is the DER default so omitted. */
export function basicConstraintsExt(ca: boolean, pathLenConstraint?: number): Buffer {
  const parts: Buffer[] = [];
  if (ca) parts.push(boolean(true));
  if (ca && pathLenConstraint !== undefined) parts.push(integerFromNumber(pathLenConstraint));
  return extension(EXT_OID.basicConstraints, true, sequenceOf(parts));
}

/** keyUsage (§4.2.1.3), critical. */
export function keyUsageExt(usages: readonly KeyUsage[]): Buffer {
  return extension(EXT_OID.keyUsage, true, namedBitString(usages.map((u) => KEY_USAGE_BITS[u])));
}

/** extKeyUsage (§4.2.1.12), non-critical. */
export function extKeyUsageExt(purposeOids: readonly string[]): Buffer {
  return extension(EXT_OID.extKeyUsage, false, sequenceOf(purposeOids.map((p) => oid(p))));
}

/**
 * subjectAltName (§4.2.1.6): rfc822Name [1] and dNSName [2], both IA5String, IMPLICIT.
 * Non-critical: every certgrid subject has a non-empty DN. Names must already be ASCII
 * (the lints check that). Written in one pass: this runs per leaf.
 */
export function subjectAltNameExt(dnsNames: readonly string[], emails: readonly string[]): Buffer {
  let names = 0;
  for (const e of emails) names += headerLength(e.length) + e.length;
  for (const d of dnsNames) names += headerLength(d.length) + d.length;
  const generalNames = headerLength(names) + names;
  const extnId = oid(EXT_OID.subjectAltName);
  const content = extnId.length + headerLength(generalNames) + generalNames;
  const out = Buffer.allocUnsafe(headerLength(content) + content);
  let p = writeHeader(out, TAG.SEQUENCE, content);
  out.set(extnId, p);
  p += extnId.length;
  p += writeHeader(out, TAG.OCTET_STRING, generalNames, p);
  p += writeHeader(out, TAG.SEQUENCE, names, p);
  for (const e of emails) {
    p += writeHeader(out, 0x81, e.length, p);
    p += out.write(e, p, e.length, 'latin1');
  }
  for (const d of dnsNames) {
    p += writeHeader(out, 0x82, d.length, p);
    p += out.write(d, p, d.length, 'latin1');
  }
  return out;
}

/**
 * certificatePolicies (§4.2.1.4), non-critical: one PolicyInformation per OID, policyIdentifier
 * only (no qualifiers: BR §7.1.2.7.9 discourages them, and RFC 5280 recommends none).
 */
export function certificatePoliciesExt(policyOids: readonly string[]): Buffer {
  return extension(EXT_OID.certificatePolicies, false, sequenceOf(policyOids.map((p) => sequence(oid(p)))));
}

/** subjectKeyIdentifier (§4.2.1.2). */
export function subjectKeyIdentifierExt(keyId: Uint8Array): Buffer {
  if (keyId.length !== 20) return extension(EXT_OID.subjectKeyIdentifier, false, octetString(keyId));
  // The common 160-bit identifier: a constant 11-octet prefix, then the key id.
  const out = Buffer.allocUnsafe(SKI_PREFIX.length + 20);
  out.set(SKI_PREFIX, 0);
  out.set(keyId, SKI_PREFIX.length);
  return out;
}

const SKI_PREFIX = extension(EXT_OID.subjectKeyIdentifier, false, octetString(Buffer.alloc(20))).subarray(
  0,
  -20,
);

/** authorityKeyIdentifier (§4.2.1.1): keyIdentifier [0] IMPLICIT only. */
export function authorityKeyIdentifierExt(keyId: Uint8Array): Buffer {
  return extension(EXT_OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyId)));
}

/** GeneralName uniformResourceIdentifier [6] IMPLICIT IA5String (§4.2.1.6). */
export function uriName(url: string): Buffer {
  if (!/^[\x21-\x7e]+$/.test(url)) throw new TypeError(`uriName: not a printable ASCII URI: ${url}`);
  return implicitPrimitive(6, Buffer.from(url, 'latin1'));
}

/**
 * cRLDistributionPoints (§4.2.1.13) with one fullName URI:
 * DistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] } } }.
 * The outer [0] tags a CHOICE, so it is explicit (X.680 §31.2.7).
 */
export function crlDistributionPointsExt(url: string): Buffer {
  const uri = uriName(url);
  return extension(EXT_OID.cRLDistributionPoints, false, sequence(sequence(explicit(0, explicit(0, uri)))));
}

/** authorityInfoAccess (§4.2.2.1): OCSP and/or caIssuers URIs. */
export function authorityInfoAccessExt(
  ocspUrl: string | undefined,
  caIssuersUrl: string | undefined,
): Buffer {
  const ads: Buffer[] = [];
  if (ocspUrl) ads.push(sequence(oid(AD_OCSP), uriName(ocspUrl)));
  if (caIssuersUrl) ads.push(sequence(oid(AD_CA_ISSUERS), uriName(caIssuersUrl)));
  return extension(EXT_OID.authorityInfoAccess, false, sequenceOf(ads));
}

/** [0] EXPLICIT Version v3 (INTEGER 2). */
const VERSION_V3 = explicit(0, integerFromNumber(2));

export interface TbsParts {
  readonly serialDer: Uint8Array;
  readonly signatureAlgorithmDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectDer: Uint8Array;
  readonly spkiDer: Uint8Array;
  readonly extensions: readonly Uint8Array[];
}

function copyAll(out: Buffer, at: number, parts: readonly Uint8Array[]): number {
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return at;
}

/**
 * TBSCertificate (§4.1.2): v3, extensions in [3] EXPLICIT. The hot path: lengths are summed
 * first and every part is copied exactly once into a single buffer.
 */
export function buildTbsCertificate(p: TbsParts): Buffer {
  const nb = time(p.notBefore);
  const na = time(p.notAfter);
  const validityContent = nb.length + na.length;
  let extContent = 0;
  for (const e of p.extensions) extContent += e.length;
  const extSeq = headerLength(extContent) + extContent;
  const content =
    VERSION_V3.length +
    p.serialDer.length +
    p.signatureAlgorithmDer.length +
    p.issuerDer.length +
    headerLength(validityContent) +
    validityContent +
    p.subjectDer.length +
    p.spkiDer.length +
    headerLength(extSeq) +
    extSeq;
  const out = Buffer.allocUnsafe(headerLength(content) + content);
  let o = writeHeader(out, TAG.SEQUENCE, content);
  o = copyAll(out, o, [VERSION_V3, p.serialDer, p.signatureAlgorithmDer, p.issuerDer]);
  o += writeHeader(out, TAG.SEQUENCE, validityContent, o);
  o = copyAll(out, o, [nb, na, p.subjectDer, p.spkiDer]);
  o += writeHeader(out, 0xa3, extSeq, o);
  o += writeHeader(out, TAG.SEQUENCE, extContent, o);
  copyAll(out, o, p.extensions);
  return out;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (§4.1.1). */
export function assembleSigned(
  tbsDer: Uint8Array,
  signatureAlgorithmDer: Uint8Array,
  signature: Uint8Array,
): Buffer {
  const bitContent = signature.length + 1;
  const content = tbsDer.length + signatureAlgorithmDer.length + headerLength(bitContent) + bitContent;
  const out = Buffer.allocUnsafe(headerLength(content) + content);
  let o = writeHeader(out, TAG.SEQUENCE, content);
  out.set(tbsDer, o);
  o += tbsDer.length;
  out.set(signatureAlgorithmDer, o);
  o += signatureAlgorithmDer.length;
  o += writeHeader(out, TAG.BIT_STRING, bitContent, o);
  out[o++] = 0; // no unused bits
  out.set(signature, o);
  return out;
}

/** Who signs a CA certificate: the issuer's name, key identifier and key. */
export interface CaSigner {
  readonly nameDer: Buffer;
  readonly keyIdentifier: Buffer;
  readonly keyType: KeyType;
  readonly privateKey: KeyObject;
}

export interface CaCertificateSpec {
  readonly subjectDer: Buffer;
  readonly spkiDer: Buffer;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Omitted: no path length limit. */
  readonly pathLenConstraint?: number | undefined;
  readonly keyUsage: readonly KeyUsage[];
  /** CRL distribution point, for certificates issued by another CA. */
  readonly crlUrl?: string | undefined;
  /** AIA caIssuers URL, for certificates issued by another CA. */
  readonly caIssuersUrl?: string | undefined;
  readonly hash?: SignatureHash | undefined;
}

/**
 * A CA certificate (root when `signer` holds the subject's own name and key), built with the
 * same TBS writer as leaves. AKI is written unless the certificate is self-signed
 * (RFC 5280 §4.2.1.1 allows omitting it there).
 */
export function buildCaCertificate(spec: CaCertificateSpec, signer: CaSigner): Buffer {
  const ski = subjectKeyIdentifier(spec.spkiDer);
  const selfSigned = signer.nameDer.equals(spec.subjectDer) && signer.keyIdentifier.equals(ski);
  const extensions: Buffer[] = [
    basicConstraintsExt(true, spec.pathLenConstraint),
    keyUsageExt(spec.keyUsage),
    subjectKeyIdentifierExt(ski),
  ];
  if (!selfSigned) extensions.push(authorityKeyIdentifierExt(signer.keyIdentifier));
  if (spec.crlUrl) extensions.push(crlDistributionPointsExt(spec.crlUrl));
  if (spec.caIssuersUrl) extensions.push(authorityInfoAccessExt(undefined, spec.caIssuersUrl));
  const alg = signatureAlgorithmFor(signer.keyType, spec.hash);
  const tbs = buildTbsCertificate({
    serialDer: integerFromHex(spec.serialHex),
    signatureAlgorithmDer: alg.algorithmIdentifierDer,
    issuerDer: signer.nameDer,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    subjectDer: spec.subjectDer,
    spkiDer: spec.spkiDer,
    extensions,
  });
  const signature = sign(signer.privateKey, signer.keyType, spec.hash, tbs);
  return assembleSigned(tbs, alg.algorithmIdentifierDer, signature);
}
