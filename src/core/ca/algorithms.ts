/**
 * CA key generation and signature algorithms, all on node:crypto (OpenSSL).
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { CertgridError } from '../errors.js';
import { NULL, oid, sequence } from './der.js';
import type { KeyType, SignatureHash } from './types.js';

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  dsa: '1.2.840.10040.4.1',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export interface CaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A fresh CA key pair. RSA generation is slow (seconds for 4096 bits): not for hot paths. */
export function generateCaKeyPair(keyType: KeyType): CaKeyPair {
  switch (keyType) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
    case 'rsa4096':
      return generateKeyPairSync('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    default:
      throw new TypeError(`generateCaKeyPair: unknown key type ${String(keyType)}`);
  }
}

/** The certgrid KeyType of a private or public key; throws CA_KEY_UNAVAILABLE for anything else. */
export function keyTypeOf(key: KeyObject): KeyType {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details?.namedCurve === 'prime256v1') return 'p256';
      if (details?.namedCurve === 'secp384r1') return 'p384';
      break;
    case 'rsa':
      if (details?.modulusLength === 2048) return 'rsa2048';
      if (details?.modulusLength === 3072) return 'rsa3072';
      if (details?.modulusLength === 4096) return 'rsa4096';
      break;
    case 'ed25519':
      return 'ed25519';
  }
  throw new CertgridError('CA_KEY_UNAVAILABLE', 'The CA key is not of a supported type.');
}

/** Default signature hash per key type (matches the key's security level; Ed25519 has none). */
export function defaultHashFor(keyType: KeyType): SignatureHash | null {
  switch (keyType) {
    case 'p384':
      return 'sha384';
    case 'ed25519':
      return null;
    default:
      return 'sha256';
  }
}

export interface SignatureAlgorithm {
  /** The DER AlgorithmIdentifier to put in signatureAlgorithm / TBS signature fields. */
  readonly algorithmIdentifierDer: Buffer;
  /** Digest name for crypto.sign, or null for Ed25519 (pure EdDSA, RFC 8032). */
  readonly nodeDigest: string | null;
  /** Java-style name, e.g. SHA256withECDSA. */
  readonly name: string;
}

const SIG_OIDS: Record<'ec' | 'rsa', Record<SignatureHash, string>> = {
  ec: { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 },
  rsa: {
    sha256: OID.sha256WithRSAEncryption,
    sha384: OID.sha384WithRSAEncryption,
    sha512: OID.sha512WithRSAEncryption,
  },
};

const HASHES: readonly SignatureHash[] = ['sha256', 'sha384', 'sha512'];
const sigCache = new Map<string, SignatureAlgorithm>();

function checkHash(hash: string): SignatureHash {
  if ((HASHES as readonly string[]).includes(hash)) return hash as SignatureHash;
  if (/^(sha-?1|md5|md2|sha-?224)$/i.test(hash)) {
    throw new CertgridError('WEAK_SIGNATURE_HASH', `The signature hash ${hash} is not allowed.`, {
      field: 'hash',
    });
  }
  throw new CertgridError('INVALID_ARGUMENT', `hash: unsupported signature hash ${hash}`, { field: 'hash' });
}

/**
 * The signature algorithm a CA of `keyType` uses with `hash` (default per key type).
 * ECDSA identifiers have no parameters (RFC 5758 §3.2); RSA PKCS#1 v1.5 ones carry NULL
 * (RFC 4055 §5); Ed25519 has no parameters and ignores `hash` (RFC 8410 §3).
 * @throws CertgridError('WEAK_SIGNATURE_HASH' | 'INVALID_ARGUMENT') for a hash outside sha256/384/512.
 */
export function signatureAlgorithmFor(keyType: KeyType, hash?: SignatureHash): SignatureAlgorithm {
  const key = `${keyType}:${hash ?? ''}`;
  const hit = sigCache.get(key);
  if (hit) return hit;
  let alg: SignatureAlgorithm;
  if (keyType === 'ed25519') {
    alg = { algorithmIdentifierDer: sequence(oid(OID.ed25519)), nodeDigest: null, name: 'Ed25519' };
  } else {
    const h = checkHash(hash ?? (defaultHashFor(keyType) as SignatureHash));
    const bits = h.slice(3);
    if (keyType === 'p256' || keyType === 'p384') {
      alg = {
        algorithmIdentifierDer: sequence(oid(SIG_OIDS.ec[h])),
        nodeDigest: h,
        name: `SHA${bits}withECDSA`,
      };
    } else if (keyType === 'rsa2048' || keyType === 'rsa3072' || keyType === 'rsa4096') {
      alg = {
        algorithmIdentifierDer: sequence(oid(SIG_OIDS.rsa[h]), NULL),
        nodeDigest: h,
        name: `SHA${bits}withRSA`,
      };
    } else {
      throw new TypeError(`signatureAlgorithmFor: unknown key type ${String(keyType)}`);
    }
  }
  sigCache.set(key, alg);
  return alg;
}

/**
 * Signs `data` with a CA key: ECDSA signatures as DER Ecdsa-Sig-Value (RFC 3279 §2.2.3),
 * RSA with PKCS#1 v1.5 padding (node's default), Ed25519 pure (RFC 8410 §6).
 */
export function sign(
  privateKey: KeyObject,
  keyType: KeyType,
  hash: SignatureHash | undefined,
  data: Uint8Array,
): Buffer {
  const { nodeDigest } = signatureAlgorithmFor(keyType, hash);
  if (keyType === 'p256' || keyType === 'p384') {
    return nodeSign(nodeDigest, data, { key: privateKey, dsaEncoding: 'der' });
  }
  return nodeSign(nodeDigest, data, privateKey);
}
