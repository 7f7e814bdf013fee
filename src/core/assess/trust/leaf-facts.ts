/**
 * Facts about the server certificate itself: its key, and whether it names the host scanned.
 */
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** The leaf key's algorithm, in the names SSL Labs uses for `Cert.keyAlg`. */
export type LeafKeyAlgorithm = 'RSA' | 'EC' | 'DSA' | 'Ed25519' | 'Ed448';

export interface LeafKey {
  /** null for a key node:crypto cannot read (GOST and other national algorithms). */
  readonly keyAlg: LeafKeyAlgorithm | null;
  /** RSA modulus bits, DSA prime bits, EC curve bits, 255 for Ed25519, 448 for Ed448; null when unknown. */
  readonly keySize: number | null;
}

/** Field sizes of the named curves node:crypto reports (OpenSSL short names). */
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime192v1: 192,
  secp224r1: 224,
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
  SM2: 256,
};

export function leafKey(x509: X509Certificate): LeafKey {
  let key;
  try {
    key = x509.publicKey;
  } catch {
    return { keyAlg: null, keySize: null };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { keyAlg: 'RSA', keySize: details.modulusLength ?? null };
    case 'dsa':
      return { keyAlg: 'DSA', keySize: details.modulusLength ?? null };
    case 'ec': {
      const curve = details.namedCurve ?? '';
      const digits = /(\d{3})/.exec(curve)?.[1];
      return { keyAlg: 'EC', keySize: CURVE_BITS[curve] ?? (digits ? Number(digits) : null) };
    }
    case 'ed25519':
      return { keyAlg: 'Ed25519', keySize: 255 };
    case 'ed448':
      return { keyAlg: 'Ed448', keySize: 448 };
    default:
      return { keyAlg: null, keySize: null };
  }
}

/**
 * Whether the certificate fails to name `hostname`; null when there is no name to check.
 *
 * Addresses match an iPAddress SAN only. Names match a dNSName SAN, the subject CN only when the
 * certificate has no dNSName at all (RFC 6125 §6.4.4), and a wildcard only as the whole left-most label
 * and for exactly one label (`*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`),
 * which is what browsers accept. Case and a trailing dot do not matter.
 */
export function hostnameMismatch(x509: X509Certificate, hostname: string | null): boolean | null {
  if (hostname === null) return null;
  let name = hostname.trim();
  if (name === '') return null;
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (isIP(name) !== 0) return x509.checkIP(name) === undefined;
  name = name.replace(/\.$/, '');
  const match = x509.checkHost(name, {
    subject: 'default',
    wildcards: true,
    partialWildcards: false,
    multiLabelWildcards: false,
    singleLabelSubdomains: false,
  });
  return match === undefined;
}
