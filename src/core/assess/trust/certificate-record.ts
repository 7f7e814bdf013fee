/**
 * What path building and the leaf facts need to know about one certificate, read once: node:crypto's
 * X509Certificate for names, keys and signatures, plus the few fields it does not expose (signature
 * algorithm, pathLenConstraint, SCT list, AIA and CRL distribution point URLs) from the DER.
 */
import { X509Certificate, createHash } from 'node:crypto';
import {
  DerError,
  TAG,
  childrenOf,
  contentOf,
  expectTag,
  oidOf,
  smallIntegerOf,
  timeOf,
  tlvAt,
  type Tlv,
} from './der.js';
import type { SignatureAlgorithmId } from './signature-algorithm.js';

export interface CertificateRecord {
  /** certhash: lowercase hex SHA-256 of the DER. */
  readonly id: string;
  readonly x509: X509Certificate;
  /** Subject and issuer in a matching form (case and spacing folded, close to RFC 5280 §7.1 comparison). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Subject and public key: what makes a trust anchor (RFC 5280 §6.1.1 d), whatever certificate carries it. */
  readonly anchorKey: string;
  /** The subject CN, or the whole subject on one line: for messages. */
  readonly displayName: string;
  /** Subject and issuer are the same name. */
  readonly selfIssued: boolean;
  /** Self-issued and its own key verifies its signature. */
  readonly selfSigned: boolean;
  /** basicConstraints cA. */
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint; null when absent (or unreadable). */
  readonly pathLen: number | null;
  /** Epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** null when the DER could not be read past what node:crypto parsed. */
  readonly signature: SignatureAlgorithmId | null;
  /** Lowercase hex without leading zeros. */
  readonly serial: string;
  /** The embedded SCT list extension (RFC 6962 §3.3) is present. */
  readonly sct: boolean;
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  readonly crlUrls: readonly string[];
}

const OID = {
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

/** GeneralName uniformResourceIdentifier, [6] IMPLICIT IA5String (RFC 5280 §4.2.1.6). */
const GN_URI = 0x86;

const cache = new WeakMap<X509Certificate, CertificateRecord>();

/** The record of a certificate object the caller holds (root stores, known intermediates): read once. */
export function recordOf(x509: X509Certificate): CertificateRecord {
  let record = cache.get(x509);
  if (!record) {
    record = readRecord(x509, x509.raw);
    cache.set(x509, record);
  }
  return record;
}

/**
 * The record of DER bytes a server sent; null when node:crypto cannot parse them (a server may send
 * anything in its Certificate message).
 */
export function recordFromDer(der: Uint8Array): CertificateRecord | null {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return null;
  }
  return readRecord(x509, der);
}

/** certhash of DER bytes. */
export function certhash(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function foldName(name: string): string {
  return name
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' ').toLowerCase())
    .join('\n');
}

function displayNameOf(subject: string): string {
  const cn = /^CN=(.*)$/m.exec(subject)?.[1];
  if (cn) return cn;
  return subject ? subject.replace(/\n/g, ', ') : '(empty subject)';
}

interface DerFacts {
  readonly signature: SignatureAlgorithmId;
  readonly serial: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly spkiHash: string;
  readonly pathLen: number | null;
  readonly sct: boolean;
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  readonly crlUrls: readonly string[];
}

function readRecord(x509: X509Certificate, der: Uint8Array): CertificateRecord {
  const id = certhash(der);
  let facts: DerFacts | null;
  try {
    facts = readDerFacts(der);
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
    facts = null;
  }
  const subjectKey = foldName(x509.subject);
  const issuerKey = foldName(x509.issuer);
  const selfIssued = subjectKey === issuerKey;
  return {
    id,
    x509,
    subjectKey,
    issuerKey,
    // Without a readable key the certificate can only stand for itself.
    anchorKey: `${subjectKey}\n${facts?.spkiHash ?? id}`,
    displayName: displayNameOf(x509.subject),
    selfIssued,
    selfSigned: selfIssued && verifiesWith(x509, x509),
    isCa: x509.ca,
    pathLen: facts?.pathLen ?? null,
    notBefore: facts?.notBefore ?? Date.parse(x509.validFrom),
    notAfter: facts?.notAfter ?? Date.parse(x509.validTo),
    signature: facts?.signature ?? null,
    serial: facts?.serial ?? stripZeros(x509.serialNumber.toLowerCase()),
    sct: facts?.sct ?? false,
    ocspUrls: facts?.ocspUrls ?? [],
    caIssuersUrls: facts?.caIssuersUrls ?? [],
    crlUrls: facts?.crlUrls ?? [],
  };
}

/** `subject`'s signature verifies with `issuer`'s public key; false for keys node:crypto cannot use. */
export function verifiesWith(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function stripZeros(hex: string): string {
  return hex.replace(/^0+/, '') || '0';
}

/** RFC 5280 §4.1: Certificate, TBSCertificate, and the extensions we read. */
function readDerFacts(der: Uint8Array): DerFacts {
  const cert = expectTag(tlvAt(der, 0, der.length), TAG.SEQUENCE, 'Certificate');
  const [tbs, sigAlg] = childrenOf(der, cert);
  const tbsFields = childrenOf(der, expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate'));
  // version is [0] EXPLICIT and optional (absent for v1).
  let i = tbsFields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(tbsFields[i++], TAG.INTEGER, 'serialNumber');
  i += 2; // signature, issuer
  const validity = childrenOf(der, expectTag(tbsFields[i++], TAG.SEQUENCE, 'validity'));
  i += 1; // subject
  const spki = expectTag(tbsFields[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const extensionsWrapper = tbsFields.slice(i).find((f) => f.tag === 0xa3);

  const facts = {
    signature: readSignatureAlgorithm(der, expectTag(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm')),
    serial: stripZeros(contentOf(der, serial).toString('hex')),
    notBefore: timeOf(der, expectTagged(validity[0])),
    notAfter: timeOf(der, expectTagged(validity[1])),
    spkiHash: createHash('sha256').update(der.subarray(spki.start, spki.end)).digest('hex'),
    pathLen: null as number | null,
    sct: false,
    ocspUrls: [] as string[],
    caIssuersUrls: [] as string[],
    crlUrls: [] as string[],
  };
  if (!extensionsWrapper) return facts;
  const [list] = childrenOf(der, extensionsWrapper);
  for (const ext of childrenOf(der, expectTag(list, TAG.SEQUENCE, 'extensions'))) {
    const parts = childrenOf(der, expectTag(ext, TAG.SEQUENCE, 'Extension'));
    const oid = oidOf(der, expectTag(parts[0], TAG.OID, 'extnID'));
    const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue');
    // One odd extension must not hide the rest: each is read on its own.
    try {
      switch (oid) {
        case OID.basicConstraints:
          facts.pathLen = readPathLen(der, value);
          break;
        case OID.sctList:
          facts.sct = true;
          break;
        case OID.authorityInfoAccess:
          readAccessDescriptions(der, value, facts);
          break;
        case OID.crlDistributionPoints:
          facts.crlUrls = readCrlUrls(der, value);
          break;
      }
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  return facts;
}

function expectTagged(node: Tlv | undefined): Tlv {
  if (node?.tag !== TAG.UTC_TIME && node?.tag !== TAG.GENERALIZED_TIME) throw new DerError('bad validity');
  return node;
}

function readSignatureAlgorithm(der: Uint8Array, alg: Tlv): SignatureAlgorithmId {
  const [oidNode, params] = childrenOf(der, alg);
  const oid = oidOf(der, expectTag(oidNode, TAG.OID, 'algorithm'));
  if (oid !== OID.rsassaPss || params?.tag !== TAG.SEQUENCE) return { oid, pssHashOid: null };
  // RSASSA-PSS-params: hashAlgorithm [0] EXPLICIT AlgorithmIdentifier DEFAULT sha1 (RFC 4055 §3.1).
  const hashField = childrenOf(der, params).find((f) => f.tag === 0xa0);
  if (!hashField) return { oid, pssHashOid: null };
  const [hashAlg] = childrenOf(der, hashField);
  const [hashOid] = childrenOf(der, expectTag(hashAlg, TAG.SEQUENCE, 'hashAlgorithm'));
  return { oid, pssHashOid: oidOf(der, expectTag(hashOid, TAG.OID, 'hash OID')) };
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
function readPathLen(der: Uint8Array, value: Tlv): number | null {
  const seq = expectTag(tlvAt(der, value.body, value.end), TAG.SEQUENCE, 'BasicConstraints');
  const len = childrenOf(der, seq).find((f) => f.tag === TAG.INTEGER);
  return len ? smallIntegerOf(der, len) : null;
}

function uriOf(der: Uint8Array, name: Tlv): string | null {
  return name.tag === GN_URI ? contentOf(der, name).toString('latin1') : null;
}

/** AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription (RFC 5280 §4.2.2.1). */
function readAccessDescriptions(
  der: Uint8Array,
  value: Tlv,
  out: { ocspUrls: string[]; caIssuersUrls: string[] },
): void {
  const seq = expectTag(tlvAt(der, value.body, value.end), TAG.SEQUENCE, 'AuthorityInfoAccess');
  for (const desc of childrenOf(der, seq)) {
    const [method, location] = childrenOf(der, expectTag(desc, TAG.SEQUENCE, 'AccessDescription'));
    const oid = oidOf(der, expectTag(method, TAG.OID, 'accessMethod'));
    const uri = location ? uriOf(der, location) : null;
    if (uri === null) continue;
    if (oid === OID.ocsp) out.ocspUrls.push(uri);
    else if (oid === OID.caIssuers) out.caIssuersUrls.push(uri);
  }
}

/**
 * CRLDistributionPoints ::= SEQUENCE OF DistributionPoint; the URIs of each distributionPoint's fullName,
 * [0] { [0] GeneralNames } (RFC 5280 §4.2.1.13). Relative names and cRLIssuer carry no URL to fetch.
 */
function readCrlUrls(der: Uint8Array, value: Tlv): string[] {
  const urls: string[] = [];
  const seq = expectTag(tlvAt(der, value.body, value.end), TAG.SEQUENCE, 'CRLDistributionPoints');
  for (const dp of childrenOf(der, seq)) {
    const dpName = childrenOf(der, expectTag(dp, TAG.SEQUENCE, 'DistributionPoint')).find(
      (f) => f.tag === 0xa0,
    );
    if (!dpName) continue;
    for (const choice of childrenOf(der, dpName)) {
      if (choice.tag !== 0xa0) continue;
      for (const name of childrenOf(der, choice)) {
        const uri = uriOf(der, name);
        if (uri !== null) urls.push(uri);
      }
    }
  }
  return urls;
}
