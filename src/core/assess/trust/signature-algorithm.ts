/**
 * Certificate signature algorithms by OID: the JCA name SSL Labs prints (`Cert.sigAlg`, `SHA256withRSA`)
 * and the hash, so that weak (MD2, MD5, SHA-1) signatures can be told apart.
 * OIDs: RFC 3279 (RSA, DSA, ECDSA with SHA-1/MD5/MD2), RFC 4055 (RSA with SHA-2, RSASSA-PSS), RFC 5758
 * (ECDSA and DSA with SHA-2), RFC 8410 (Ed25519, Ed448), NIST CSOR (SHA-3 signatures).
 */

/** A signature hash that no longer protects a certificate. */
export type WeakSignatureHash = 'MD2' | 'MD5' | 'SHA1';

interface Algorithm {
  /** The hash in the JCA name (`SHA256`), null for pure EdDSA. */
  readonly hash: string | null;
  /** `RSA`, `ECDSA`, `DSA`, or the whole name for EdDSA. */
  readonly kind: string;
}

const NIST_SIG = '2.16.840.1.101.3.4.3.';
const RSASSA_PSS = '1.2.840.113549.1.1.10';

const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map([
  ['1.2.840.113549.1.1.2', { hash: 'MD2', kind: 'RSA' }],
  ['1.2.840.113549.1.1.4', { hash: 'MD5', kind: 'RSA' }],
  ['1.2.840.113549.1.1.5', { hash: 'SHA1', kind: 'RSA' }],
  ['1.3.14.3.2.29', { hash: 'SHA1', kind: 'RSA' }], // OIW sha1WithRSASignature, still seen in old roots
  ['1.2.840.113549.1.1.14', { hash: 'SHA224', kind: 'RSA' }],
  ['1.2.840.113549.1.1.11', { hash: 'SHA256', kind: 'RSA' }],
  ['1.2.840.113549.1.1.12', { hash: 'SHA384', kind: 'RSA' }],
  ['1.2.840.113549.1.1.13', { hash: 'SHA512', kind: 'RSA' }],
  ['1.2.840.10045.4.1', { hash: 'SHA1', kind: 'ECDSA' }],
  ['1.2.840.10045.4.3.1', { hash: 'SHA224', kind: 'ECDSA' }],
  ['1.2.840.10045.4.3.2', { hash: 'SHA256', kind: 'ECDSA' }],
  ['1.2.840.10045.4.3.3', { hash: 'SHA384', kind: 'ECDSA' }],
  ['1.2.840.10045.4.3.4', { hash: 'SHA512', kind: 'ECDSA' }],
  ['1.2.840.10040.4.3', { hash: 'SHA1', kind: 'DSA' }],
  [`${NIST_SIG}1`, { hash: 'SHA224', kind: 'DSA' }],
  [`${NIST_SIG}2`, { hash: 'SHA256', kind: 'DSA' }],
  [`${NIST_SIG}9`, { hash: 'SHA3-224', kind: 'ECDSA' }],
  [`${NIST_SIG}10`, { hash: 'SHA3-256', kind: 'ECDSA' }],
  [`${NIST_SIG}11`, { hash: 'SHA3-384', kind: 'ECDSA' }],
  [`${NIST_SIG}12`, { hash: 'SHA3-512', kind: 'ECDSA' }],
  [`${NIST_SIG}13`, { hash: 'SHA3-224', kind: 'RSA' }],
  [`${NIST_SIG}14`, { hash: 'SHA3-256', kind: 'RSA' }],
  [`${NIST_SIG}15`, { hash: 'SHA3-384', kind: 'RSA' }],
  [`${NIST_SIG}16`, { hash: 'SHA3-512', kind: 'RSA' }],
  ['1.3.101.112', { hash: null, kind: 'Ed25519' }],
  ['1.3.101.113', { hash: null, kind: 'Ed448' }],
]);

/** Hash OIDs that RSASSA-PSS parameters name (RFC 4055 §2.1, NIST CSOR). */
const HASHES: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'SHA1'],
  ['2.16.840.1.101.3.4.2.4', 'SHA224'],
  ['2.16.840.1.101.3.4.2.1', 'SHA256'],
  ['2.16.840.1.101.3.4.2.2', 'SHA384'],
  ['2.16.840.1.101.3.4.2.3', 'SHA512'],
  ['2.16.840.1.101.3.4.2.5', 'SHA512/224'],
  ['2.16.840.1.101.3.4.2.6', 'SHA512/256'],
  ['2.16.840.1.101.3.4.2.8', 'SHA3-256'],
  ['2.16.840.1.101.3.4.2.9', 'SHA3-384'],
  ['2.16.840.1.101.3.4.2.10', 'SHA3-512'],
]);

/** The signature algorithm of a certificate: its OID and, for RSASSA-PSS, the hash its parameters name. */
export interface SignatureAlgorithmId {
  readonly oid: string;
  /** RSASSA-PSS only: the hashAlgorithm OID, null when the parameters leave the default (SHA-1, RFC 4055 §3.1). */
  readonly pssHashOid: string | null;
}

function hashName(alg: SignatureAlgorithmId): string | null | undefined {
  if (alg.oid === RSASSA_PSS) return alg.pssHashOid === null ? 'SHA1' : HASHES.get(alg.pssHashOid);
  return ALGORITHMS.get(alg.oid)?.hash;
}

/**
 * The JCA name as Java's `X509Certificate.getSigAlgName()` gives it, which is what SSL Labs shows:
 * `SHA256withRSA`, `SHA384withECDSA`, `SHA256withRSAandMGF1` (RSASSA-PSS), `Ed25519`. Unknown algorithms
 * come back as their dotted OID.
 */
export function jcaSignatureName(alg: SignatureAlgorithmId): string {
  if (alg.oid === RSASSA_PSS) {
    const hash = hashName(alg);
    return hash ? `${hash}withRSAandMGF1` : 'RSASSA-PSS';
  }
  const known = ALGORITHMS.get(alg.oid);
  if (!known) return alg.oid;
  return known.hash === null ? known.kind : `${known.hash}with${known.kind}`;
}

/** MD2, MD5 or SHA1 when the signature relies on one of them; null for anything stronger or unknown. */
export function weakSignatureHash(alg: SignatureAlgorithmId): WeakSignatureHash | null {
  const hash = hashName(alg);
  return hash === 'MD2' || hash === 'MD5' || hash === 'SHA1' ? hash : null;
}
