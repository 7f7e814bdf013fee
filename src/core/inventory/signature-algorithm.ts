/**
 * Certificate signature algorithms: JCA names as Java's X509Certificate.getSigAlgName()
 * prints them (what CertView shows), and checking a signature with node:crypto.
 */
import { X509Certificate, verify, type KeyObject } from 'node:crypto';

interface SignatureAlgorithmInfo {
  readonly name: string;
  /** node:crypto digest, null for pure EdDSA; undefined when node:crypto cannot check it directly. */
  readonly digest?: string | null;
  /** ECDSA and DSA signatures are DER Dss-Sig-Value / Ecdsa-Sig-Value (RFC 3279 §2.2.2–3). */
  readonly der?: boolean;
}

/** By signatureAlgorithm OID (RFC 3279, RFC 4055, RFC 5758, RFC 8410). */
const ALGORITHMS: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  '1.2.840.113549.1.1.2': { name: 'MD2withRSA' }, // OpenSSL 3 has no MD2: checked through X509Certificate
  '1.2.840.113549.1.1.4': { name: 'MD5withRSA', digest: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'SHA1withRSA', digest: 'sha1' },
  '1.3.14.3.2.29': { name: 'SHA1withRSA', digest: 'sha1' }, // OIW sha1WithRSASignature
  '1.2.840.113549.1.1.14': { name: 'SHA224withRSA', digest: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'SHA256withRSA', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'SHA384withRSA', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'SHA512withRSA', digest: 'sha512' },
  // Hash, MGF and salt live in the parameters (RFC 4055 §3.1): left to X509Certificate.
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS' },
  '1.2.840.10045.4.1': { name: 'SHA1withECDSA', digest: 'sha1', der: true },
  '1.2.840.10045.4.3.1': { name: 'SHA224withECDSA', digest: 'sha224', der: true },
  '1.2.840.10045.4.3.2': { name: 'SHA256withECDSA', digest: 'sha256', der: true },
  '1.2.840.10045.4.3.3': { name: 'SHA384withECDSA', digest: 'sha384', der: true },
  '1.2.840.10045.4.3.4': { name: 'SHA512withECDSA', digest: 'sha512', der: true },
  '1.3.101.112': { name: 'Ed25519', digest: null },
  '1.3.101.113': { name: 'Ed448', digest: null },
  '1.2.840.10040.4.3': { name: 'SHA1withDSA', digest: 'sha1', der: true },
  '2.16.840.1.101.3.4.3.1': { name: 'SHA224withDSA', digest: 'sha224', der: true },
  '2.16.840.1.101.3.4.3.2': { name: 'SHA256withDSA', digest: 'sha256', der: true },
};

/** The JCA name of a signature algorithm OID, or the dotted OID itself when unknown. */
export function signatureAlgorithmName(oid: string): string {
  return ALGORITHMS[oid]?.name ?? oid;
}

/**
 * Whether `signature` over `tbs` verifies with `key` under the certificate's signature
 * algorithm. Algorithms node:crypto cannot take apart here (PSS parameters, MD2, unknown
 * OIDs) are checked by OpenSSL's own certificate verification on the whole `certDer`.
 * Any failure, including an unusable key, is false.
 */
export function signatureVerifies(
  algorithmOid: string,
  tbs: Buffer,
  signature: Buffer,
  key: KeyObject,
  certDer: Buffer,
): boolean {
  try {
    const info = ALGORITHMS[algorithmOid];
    if (info?.digest === undefined) return new X509Certificate(certDer).verify(key);
    return info.der
      ? verify(info.digest, tbs, { key, dsaEncoding: 'der' }, signature)
      : verify(info.digest, tbs, key, signature);
  } catch {
    return false;
  }
}
