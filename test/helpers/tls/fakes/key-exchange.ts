/**
 * The ServerKeyExchange of a fake: real DH public values and real curve points (so a scanner that
 * checks them sees valid ones), and a signature of the right shape made of random bytes (nobody
 * verifies it: the fakes never finish a handshake).
 */
import { createDiffieHellman, createECDH, randomBytes } from 'node:crypto';
import { cipherSuite } from '../../../../src/core/scan/ciphers.js';
import {
  NAMED_GROUP,
  SIGNATURE_SCHEME,
  buildDheServerKeyExchange,
  buildEcdheServerKeyExchange,
  generateKeyShare,
  type KeyExchangeSignatureSpec,
} from '../../../../src/core/scan/wire/index.js';
import { DH_GENERATOR } from './dh-primes.js';
import type { LeafKeyInfo } from './config.js';

/** OpenSSL curve names of the NamedCurve values (RFC 8422 §5.1.1, RFC 7027, RFC 4492). */
const EC_CURVES: Readonly<Record<number, string>> = {
  19: 'prime192v1', // secp192r1
  21: 'secp224r1',
  22: 'secp256k1',
  [NAMED_GROUP.secp256r1]: 'prime256v1',
  [NAMED_GROUP.secp384r1]: 'secp384r1',
  [NAMED_GROUP.secp521r1]: 'secp521r1',
  [NAMED_GROUP.brainpoolP256r1]: 'brainpoolP256r1',
  [NAMED_GROUP.brainpoolP384r1]: 'brainpoolP384r1',
  [NAMED_GROUP.brainpoolP512r1]: 'brainpoolP512r1',
};

/** Whether the fakes can make a point on this group. */
export function supportsGroup(group: number): boolean {
  return group === NAMED_GROUP.x25519 || group === NAMED_GROUP.x448 || EC_CURVES[group] !== undefined;
}

/** A fresh public key for `group` as ServerECDHParams carries it: uncompressed point, or raw X25519/X448. */
export function ecdhePublicKey(group: number): Uint8Array {
  if (group === NAMED_GROUP.x25519 || group === NAMED_GROUP.x448) return generateKeyShare(group).keyExchange;
  const curve = EC_CURVES[group];
  if (curve === undefined) throw new RangeError(`no key generator for group 0x${group.toString(16)}`);
  return new Uint8Array(createECDH(curve).generateKeys());
}

/** How a suite's key exchange shows in the first flight. */
export interface SuiteKeyExchange {
  /** Which ServerKeyExchange follows the Certificate, if any (RSA and static DH/ECDH suites: none). */
  readonly kind: 'dhe' | 'ecdhe' | null;
  /** Anonymous suites send neither a Certificate nor a signature. */
  readonly anonymous: boolean;
}

/** Classified with the scanner's own cipher registry, the way the scanner reads the flight. */
export function suiteKeyExchange(suite: number): SuiteKeyExchange {
  const info = cipherSuite(suite);
  if (info === undefined) return { kind: null, anonymous: false };
  const anonymous = info.auth === 'anon';
  if (!info.forwardSecrecy) return { kind: null, anonymous };
  return { kind: info.kx === 'DH' ? 'dhe' : info.kx === 'ECDH' ? 'ecdhe' : null, anonymous };
}

const RSA_SCHEMES = [
  SIGNATURE_SCHEME.rsa_pkcs1_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha384,
  SIGNATURE_SCHEME.rsa_pkcs1_sha512,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha1,
];
const EC_SCHEMES = [
  SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
  SIGNATURE_SCHEME.ecdsa_secp384r1_sha384,
  SIGNATURE_SCHEME.ecdsa_secp521r1_sha512,
  SIGNATURE_SCHEME.ecdsa_sha1,
];

/**
 * The signature part: TLS 1.2 names an algorithm the client offered (RFC 5246 §7.4.1.4.1: without
 * signature_algorithms the client is taken to accept SHA-1), older versions have none. The bytes are random.
 */
function signature(
  version: number,
  key: LeafKeyInfo,
  clientSchemes: readonly number[] | undefined,
): KeyExchangeSignatureSpec {
  const bytes = new Uint8Array(randomBytes(key.signatureLength));
  if (version < 0x0303) return { signature: bytes };
  let algorithm: number;
  if (key.type === 'ed25519' || key.type === 'ed448') {
    algorithm = key.type === 'ed25519' ? SIGNATURE_SCHEME.ed25519 : SIGNATURE_SCHEME.ed448;
  } else {
    const ours = key.type === 'rsa' ? RSA_SCHEMES : EC_SCHEMES;
    const fallback = key.type === 'rsa' ? SIGNATURE_SCHEME.rsa_pkcs1_sha1 : SIGNATURE_SCHEME.ecdsa_sha1;
    algorithm =
      clientSchemes === undefined
        ? fallback
        : (ours.find((s) => clientSchemes.includes(s)) ?? (ours[0] as number));
  }
  return { algorithm, signature: bytes };
}

/** A real DH public value g^x mod p for the prime (any size node:crypto accepts), left-padded to p's length. */
function dhPublicValue(prime: Uint8Array): Uint8Array {
  const ys = new Uint8Array(createDiffieHellman(prime, Uint8Array.of(DH_GENERATOR)).generateKeys());
  if (ys.length >= prime.length) return ys;
  const padded = new Uint8Array(prime.length);
  padded.set(ys, prime.length - ys.length);
  return padded;
}

export interface ServerKeyExchangeSpec {
  readonly version: number;
  readonly kind: 'dhe' | 'ecdhe';
  readonly anonymous: boolean;
  readonly dhPrime: Uint8Array;
  /** The group chosen for ECDHE. */
  readonly group: number | null;
  readonly leafKey: LeafKeyInfo;
  readonly clientSignatureSchemes: readonly number[] | undefined;
}

/** The ServerKeyExchange handshake message. */
export function buildServerKeyExchange(spec: ServerKeyExchangeSpec): Uint8Array {
  const signed = spec.anonymous
    ? undefined
    : signature(spec.version, spec.leafKey, spec.clientSignatureSchemes);
  if (spec.kind === 'dhe') {
    return buildDheServerKeyExchange({
      p: spec.dhPrime,
      g: Uint8Array.of(DH_GENERATOR),
      ys: dhPublicValue(spec.dhPrime),
      ...(signed ? { signed } : {}),
    });
  }
  if (spec.group === null) throw new RangeError('ECDHE without a group');
  return buildEcdheServerKeyExchange({
    namedCurve: spec.group,
    point: ecdhePublicKey(spec.group),
    ...(signed ? { signed } : {}),
  });
}
