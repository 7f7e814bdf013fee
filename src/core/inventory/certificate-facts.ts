/**
 * Everything CertView reports about a certificate (spec chapter 2, "List Certview
 * Certificates", basic and extended responses), computed from its DER alone.
 *
 * One pass over the bytes with a zero-copy DER reader: ingest runs this for every
 * certificate a scan or an import sees. The only crypto on the common path is two SHA-256
 * digests; a signature is checked only when subject and issuer name the same entity.
 */
import { hash, type KeyObject } from 'node:crypto';
import { CertgridError } from '../errors.js';
import { TAG, expect, malformed, nodeAt, oidAt, smallIntegerAt, timeAt, type Node } from './der-reader.js';
import { parseName, sameName, type NameFacts } from './distinguished-name.js';
import { isEvPolicy } from './ev-policies.js';
import { NO_EXTENSIONS, readExtensions, type ExtensionFacts, type KeyUsageName } from './extensions.js';
import type { SubjectAlternativeNames } from './general-names.js';
import { publicKeyFacts, readSpki, verificationKey, type KeyAlgorithm, type Spki } from './public-key.js';
import { signatureAlgorithmName, signatureVerifies } from './signature-algorithm.js';

export type { NameAttribute, NameFacts } from './distinguished-name.js';
export type { KeyUsageName } from './extensions.js';
export type { SubjectAlternativeNames } from './general-names.js';
export type { KeyAlgorithm } from './public-key.js';

/** 'Root': self-signed CA (or self-signed without basicConstraints, as v1 roots are). */
export type CertificateType = 'Root' | 'Intermediate' | 'Leaf';

export interface CertificateFacts {
  /** Lowercase hex SHA-256 of the DER: the certificate's identity in certgrid. */
  readonly certhash: string;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Lowercase hex of the serial's content octets without a leading 00 sign octet. */
  readonly serialNumber: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly keySize: number;
  readonly curve: string | undefined;
  /** JCA name (SHA256withRSA, SHA384withECDSA, RSASSA-PSS, Ed25519 …) or the dotted OID. */
  readonly signatureAlgorithm: string;
  readonly subject: NameFacts;
  readonly issuer: NameFacts;
  readonly subjectAlternativeNames: SubjectAlternativeNames;
  /** Epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Subject and issuer are the same name (RFC 5280 §7.1) and the certificate's own key verifies its signature. */
  readonly selfSigned: boolean;
  readonly isCa: boolean;
  readonly pathLen: number | null;
  readonly type: CertificateType;
  /** certificatePolicies holds the CA/Browser Forum EV OID or a CA-specific EV OID (ev-policies.ts). */
  readonly extendedValidation: boolean;
  /** certificatePolicies OIDs, in certificate order. */
  readonly policies: readonly string[];
  readonly keyUsage: readonly KeyUsageName[];
  /** extKeyUsage OIDs, in certificate order. */
  readonly enhancedKeyUsage: readonly string[];
  /** Lowercase hex, no separators; null when the extension is absent. */
  readonly subjectKeyIdentifier: string | null;
  /** The authorityKeyIdentifier's keyIdentifier, lowercase hex; null when absent. */
  readonly authKeyIdentifier: string | null;
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  /** The issuer Name's DER, byte for byte (a view into `der`): links a certificate to its issuer. */
  readonly issuerDer: Buffer;
  /** The subject Name's DER, byte for byte (a view into `der`). */
  readonly subjectDer: Buffer;
  /** Lowercase hex SHA-256 of the SubjectPublicKeyInfo DER. */
  readonly publicKeySha256: string;
  /** PEM with 64-character lines and no trailing newline (the extended response's rawData). */
  readonly pem: string;
  /** The certificate DER: certgrid's own copy of the input. */
  readonly der: Buffer;
}

/**
 * Parses a DER X.509 certificate (RFC 5280 §4.1) into CertificateFacts.
 * @throws CertgridError('INVALID_FORMAT') for anything that is not a parseable X.509
 *   certificate, including trailing bytes after it.
 * @throws TypeError when `der` is not a Uint8Array.
 */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  if (!(der instanceof Uint8Array)) throw new TypeError('certificateFacts: der must be a Uint8Array');
  // Our own copy: the facts keep views into it, so later changes to the caller's buffer cannot reach them.
  const buf = Buffer.from(der);
  try {
    return parse(buf);
  } catch (e) {
    if (e instanceof CertgridError) throw e;
    throw new CertgridError('INVALID_FORMAT', 'Not a parseable X.509 certificate.');
  }
}

function parse(buf: Buffer): CertificateFacts {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
  const cert = nodeAt(buf, 0, buf.length, 'certificate');
  if (cert.tag !== TAG.SEQUENCE) throw malformed('not a SEQUENCE');
  if (cert.end !== buf.length) throw malformed('trailing data after the certificate');
  const tbs = expect(buf, cert.body, cert, TAG.SEQUENCE, 'tbsCertificate');
  const sigAlg = expect(buf, tbs.end, cert, TAG.SEQUENCE, 'signatureAlgorithm');
  const sigValue = expect(buf, sigAlg.end, cert, TAG.BIT_STRING, 'signatureValue');
  if (sigValue.end !== cert.end || sigValue.body === sigValue.end) throw malformed('bad signatureValue');
  const sigOid = oidAt(buf, nodeAt(buf, sigAlg.body, sigAlg.end, 'signatureAlgorithm'), 'signatureAlgorithm');

  // TBSCertificate (RFC 5280 §4.1.2), fields in order.
  let p = tbs.body;
  let field = nodeAt(buf, p, tbs.end, 'tbsCertificate');
  let version = 1;
  if (field.tag === 0xa0) {
    version = smallIntegerAt(buf, nodeAt(buf, field.body, field.end, 'version'), 'version') + 1;
    p = field.end;
    field = nodeAt(buf, p, tbs.end, 'serialNumber');
  }
  if (field.tag !== TAG.INTEGER || field.body === field.end) throw malformed('bad serialNumber');
  const serial = field;
  const signature = expect(buf, serial.end, tbs, TAG.SEQUENCE, 'signature');
  const issuerNode = expect(buf, signature.end, tbs, TAG.SEQUENCE, 'issuer');
  const validity = expect(buf, issuerNode.end, tbs, TAG.SEQUENCE, 'validity');
  const subjectNode = expect(buf, validity.end, tbs, TAG.SEQUENCE, 'subject');
  const spkiNode = expect(buf, subjectNode.end, tbs, TAG.SEQUENCE, 'subjectPublicKeyInfo');

  const notBeforeNode = nodeAt(buf, validity.body, validity.end, 'notBefore');
  const notAfterNode = nodeAt(buf, notBeforeNode.end, validity.end, 'notAfter');
  if (notAfterNode.end !== validity.end) throw malformed('bad validity');
  const notBefore = timeAt(buf, notBeforeNode, 'notBefore');
  const notAfter = timeAt(buf, notAfterNode, 'notAfter');

  // issuerUniqueID [1], subjectUniqueID [2] (skipped), extensions [3] EXPLICIT.
  let ext: ExtensionFacts = NO_EXTENSIONS;
  for (p = spkiNode.end; p < tbs.end;) {
    const n: Node = nodeAt(buf, p, tbs.end, 'tbsCertificate');
    if (n.tag === 0xa3) {
      const exts = nodeAt(buf, n.body, n.end, 'extensions');
      if (exts.end !== n.end) throw malformed('bad extensions');
      ext = readExtensions(buf, exts);
    } else if (n.tag !== 0x81 && n.tag !== 0x82 && n.tag !== 0xa1 && n.tag !== 0xa2) {
      throw malformed(`unexpected tbsCertificate field 0x${n.tag.toString(16)}`);
    }
    p = n.end;
  }

  const subject = parseName(buf, subjectNode, 'subject');
  const issuer = parseName(buf, issuerNode, 'issuer');
  const spki = readSpki(buf, spkiNode);
  const key = publicKeyFacts(buf, spki);

  const issuerDer = buf.subarray(issuerNode.start, issuerNode.end);
  const subjectDer = buf.subarray(subjectNode.start, subjectNode.end);
  // Same name (byte-equal is the fast path), then the signature must verify with the certificate's own key.
  const selfSigned =
    (issuerDer.equals(subjectDer) || sameName(subject, issuer)) &&
    checkOwnSignature(buf, sigOid, tbs, sigValue, spki);

  const type: CertificateType =
    selfSigned && (ext.isCa || !ext.hasBasicConstraints) ? 'Root' : ext.isCa ? 'Intermediate' : 'Leaf';

  // A leading 00 octet is the sign octet (X.690 §8.3.2), not part of the number; other leading zeros stay.
  const serialStart = buf[serial.body] === 0 && serial.end - serial.body > 1 ? serial.body + 1 : serial.body;

  return {
    certhash: hash('sha256', buf, 'hex'),
    version,
    serialNumber: buf.toString('hex', serialStart, serial.end),
    keyAlgorithm: key.keyAlgorithm,
    keySize: key.keySize,
    curve: key.curve,
    signatureAlgorithm: signatureAlgorithmName(sigOid),
    subject: subject.facts,
    issuer: issuer.facts,
    subjectAlternativeNames: ext.subjectAlternativeNames,
    notBefore,
    notAfter,
    selfSigned,
    isCa: ext.isCa,
    pathLen: ext.pathLen,
    type,
    extendedValidation: ext.policies.some(isEvPolicy),
    policies: ext.policies,
    keyUsage: ext.keyUsage,
    enhancedKeyUsage: ext.enhancedKeyUsage,
    subjectKeyIdentifier: ext.subjectKeyIdentifier,
    authKeyIdentifier: ext.authKeyIdentifier,
    crlDistributionPoints: ext.crlDistributionPoints,
    ocspUrls: ext.ocspUrls,
    caIssuersUrls: ext.caIssuersUrls,
    issuerDer,
    subjectDer,
    publicKeySha256: hash('sha256', buf.subarray(spkiNode.start, spkiNode.end), 'hex'),
    pem: pemOf(buf),
    der: buf,
  };
}

function checkOwnSignature(buf: Buffer, sigOid: string, tbs: Node, sigValue: Node, spki: Spki): boolean {
  let key: KeyObject;
  try {
    key = verificationKey(buf, spki);
  } catch {
    return false; // a key OpenSSL cannot use verifies nothing
  }
  return signatureVerifies(
    sigOid,
    buf.subarray(tbs.start, tbs.end),
    buf.subarray(sigValue.body + 1, sigValue.end),
    key,
    buf,
  );
}

/** RFC 7468 §2 PEM, 64-character lines, no trailing newline (CertView's rawData). */
function pemOf(der: Buffer): string {
  const b64 = der.toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += (i ? '\n' : '') + b64.slice(i, i + 64);
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}
