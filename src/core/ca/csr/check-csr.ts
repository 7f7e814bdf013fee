import { constants, createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

import { CertgridError } from '../../errors.js';
import type { ErrorCode } from '../../errors.js';
import type { CsrKey, ParsedCsr } from './parse-csr.js';
import type { WeakKeyChecker } from './weak-keys.js';

export interface CheckCsrOptions {
  readonly weakKeys: WeakKeyChecker;
}

/**
 * RSA modulus sizes certgrid signs: 2048 to 8192 bits in steps of 1024 (2048, 3072, 4096, 5120,
 * 6144, 7168, 8192). The floor is CA/B Forum BR §6.1.5; the ceiling bounds signing and verification
 * cost and matches what DigiCert accepts (Let's Encrypt stops at 4096). Whole-kilobit steps keep out
 * the odd sizes (2047, 2560 ...) that usually mean a broken or hand-rolled key generator.
 */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;
export const RSA_BITS_STEP = 1024;

/** Named curves certgrid signs (BR §6.1.5 allows P-256, P-384, P-521). */
export const ACCEPTED_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

// BR §6.1.6: the exponent SHOULD be below 2^256. Checked before the signature so a huge exponent
// cannot make verification expensive (modular exponentiation cost grows with its bit length).
const RSA_MAX_EXPONENT = 1n << 256n;

interface SignatureAlgorithm {
  readonly key: 'rsa' | 'ec' | 'ed25519';
  /** node:crypto digest name; null for EdDSA, which hashes internally (RFC 8032). */
  readonly hash: string | null;
}

// RFC 4055 §5 / RFC 8017 App. C (PKCS #1 v1.5), RFC 5758 §3.2 (ECDSA), RFC 8410 §3 (Ed25519).
// SHA-1 stays for RSA: a CSR signature only proves possession of the key, and old clients use it.
const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithm> = new Map([
  ['1.2.840.113549.1.1.5', { key: 'rsa', hash: 'sha1' }],
  ['1.2.840.113549.1.1.14', { key: 'rsa', hash: 'sha224' }],
  ['1.2.840.113549.1.1.11', { key: 'rsa', hash: 'sha256' }],
  ['1.2.840.113549.1.1.12', { key: 'rsa', hash: 'sha384' }],
  ['1.2.840.113549.1.1.13', { key: 'rsa', hash: 'sha512' }],
  ['1.2.840.10045.4.3.2', { key: 'ec', hash: 'sha256' }],
  ['1.2.840.10045.4.3.3', { key: 'ec', hash: 'sha384' }],
  ['1.2.840.10045.4.3.4', { key: 'ec', hash: 'sha512' }],
  ['1.3.101.112', { key: 'ed25519', hash: null }],
]);
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const PSS_HASHES: ReadonlySet<string> = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/**
 * Decides whether certgrid will certify the key in a parsed CSR. Checks run in a fixed order so a
 * CSR with several problems always gets the same error:
 *
 * 1. DSA key → `CSR_KEY_TYPE_DSA`; any algorithm but RSA, ECDSA and Ed25519 → `CSR_KEY_TYPE_UNSUPPORTED`.
 * 2. Cost guards, before any public-key operation: RSA modulus over 8192 bits →
 *    `CSR_KEY_SIZE_UNSUPPORTED`; RSA exponent of 2^256 or more → `CSR_KEY_KNOWN_WEAK`.
 * 3. The signature must verify over the CertificationRequestInfo → `CSR_BAD_SIGNATURE`.
 * 4. RSA under 2048 bits → `CSR_KEY_TOO_WEAK`; other RSA sizes outside {@link RSA_MIN_BITS}..
 *    {@link RSA_MAX_BITS} in steps of {@link RSA_BITS_STEP}, or a curve outside {@link ACCEPTED_CURVES}
 *    → `CSR_KEY_SIZE_UNSUPPORTED`.
 * 5. RSA exponent even or below 3 (BR §6.1.6) → `CSR_KEY_KNOWN_WEAK`.
 * 6. `opts.weakKeys` (Debian, ROCA, Fermat ...) → `CSR_KEY_KNOWN_WEAK`.
 *
 * @throws CertgridError with one of the codes above; returns normally when the CSR is acceptable.
 */
export function checkCsr(csr: ParsedCsr, opts: CheckCsrOptions): void {
  const { key } = csr;
  if (key.algorithm === 'dsa') {
    throw fail(
      'CSR_KEY_TYPE_DSA',
      'DSA keys are not supported; use an RSA (2048 bits or more), ECDSA (P-256, P-384, P-521) or Ed25519 key.',
      key,
    );
  }
  if (key.algorithm !== 'rsa' && key.algorithm !== 'ec' && key.algorithm !== 'ed25519') {
    throw fail(
      'CSR_KEY_TYPE_UNSUPPORTED',
      `The key algorithm ${key.algorithm === 'other' ? key.oid : key.algorithm} is not supported; ` +
        'use an RSA, ECDSA (P-256, P-384, P-521) or Ed25519 key.',
      key,
    );
  }
  if (key.algorithm === 'rsa') {
    if (key.bits > RSA_MAX_BITS) throw rsaSizeUnsupported(key);
    if ((key.rsaExponent ?? 0n) >= RSA_MAX_EXPONENT) {
      throw fail('CSR_KEY_KNOWN_WEAK', 'The RSA public exponent must be below 2^256.', key);
    }
  }

  verifySignature(csr);

  if (key.algorithm === 'rsa') {
    if (key.bits < RSA_MIN_BITS) {
      throw fail(
        'CSR_KEY_TOO_WEAK',
        `The RSA key is too weak: ${key.bits} bits, at least ${RSA_MIN_BITS} are required.`,
        key,
      );
    }
    if (key.bits % RSA_BITS_STEP !== 0) throw rsaSizeUnsupported(key);
    const e = key.rsaExponent ?? 0n;
    if (e < 3n || e % 2n === 0n) {
      throw fail('CSR_KEY_KNOWN_WEAK', 'The RSA public exponent must be odd and at least 3.', key);
    }
  } else if (key.algorithm === 'ec' && !ACCEPTED_CURVES.has(key.curve ?? '')) {
    throw curveUnsupported(key);
  }

  opts.weakKeys.check(key, csr.spkiDer);
}

function verifySignature(csr: ParsedCsr): void {
  const { key } = csr;
  let publicKey: KeyObject;
  try {
    // One KeyObject per call, deliberately not cached across calls: a cache keyed by
    // attacker-chosen SPKI would be a memory-growth vector.
    publicKey = loadPublicKey(csr);
  } catch {
    // OpenSSL cannot load curves it does not know; that is a curve problem, not a bad signature.
    if (key.algorithm === 'ec' && !ACCEPTED_CURVES.has(key.curve ?? '')) throw curveUnsupported(key);
    throw badSignature('the public key is malformed', key);
  }

  let ok: boolean;
  try {
    if (csr.signatureAlgorithmOid === OID_RSASSA_PSS) {
      const pss = csr.pssParams;
      if (key.algorithm !== 'rsa' || pss === undefined) {
        throw badSignature('RSASSA-PSS needs an RSA key', key);
      }
      // node:crypto uses the signature digest for MGF1 too; RFC 8017 §9.1 trailer field 1 is 0xbc.
      if (!PSS_HASHES.has(pss.hash) || pss.mgf1Hash !== pss.hash || pss.trailerField !== 1) {
        throw badSignature('unsupported RSASSA-PSS parameters', key);
      }
      ok = verify(
        pss.hash,
        csr.certificationRequestInfoDer,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
        csr.signature,
      );
    } else {
      const alg = SIGNATURE_ALGORITHMS.get(csr.signatureAlgorithmOid);
      if (alg === undefined) {
        throw badSignature(`unsupported signature algorithm ${csr.signatureAlgorithmOid}`, key);
      }
      if (alg.key !== key.algorithm) {
        throw badSignature('the signature algorithm does not match the key', key);
      }
      ok = verify(alg.hash, csr.certificationRequestInfoDer, publicKey, csr.signature);
    }
  } catch (e) {
    if (CertgridError.is(e)) throw e;
    // OpenSSL throws rather than returning false for some malformed signatures or PSS parameters.
    ok = false;
  }
  if (!ok) throw badSignature('it does not verify with the CSR public key', key);
}

/**
 * OpenSSL 3 decodes SPKI DER through its provider decoder chain, which costs 80-130 µs, more than
 * the signature check itself; importing the same key as a JWK costs 5 µs for RSA and Ed25519 and
 * about 70 µs for EC. The JWK route is taken only when the SPKI is byte-for-byte the canonical DER
 * of that key, so both routes load the very same key and anything unusual still meets OpenSSL's
 * own decoder (and its validation) on the DER route.
 */
function loadPublicKey(csr: ParsedCsr): KeyObject {
  const jwk = canonicalJwk(csr);
  if (jwk !== undefined) return createPublicKey({ key: jwk, format: 'jwk' });
  return createPublicKey({ key: csr.spkiDer, format: 'der', type: 'spki' });
}

// DER of the SPKI up to the key bits: RFC 3279 §2.3.1 (RSA, NULL parameters), RFC 8410 §4
// (Ed25519) and RFC 5480 §2 (named curve, uncompressed point 0x04 || X || Y).
const RSA_ALGORITHM_ID = Buffer.from('300d06092a864886f70d0101010500', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const EC_SPKI: ReadonlyMap<string, { readonly prefix: Buffer; readonly size: number }> = new Map([
  [
    'P-256',
    { prefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'), size: 32 },
  ],
  ['P-384', { prefix: Buffer.from('3076301006072a8648ce3d020106052b8104002203620004', 'hex'), size: 48 }],
  [
    'P-521',
    { prefix: Buffer.from('30819b301006072a8648ce3d020106052b81040023038186000004', 'hex'), size: 66 },
  ],
]);

function canonicalJwk(csr: ParsedCsr): JsonWebKey | undefined {
  const { key, spkiDer } = csr;
  if (key.algorithm === 'rsa' && key.oid === OID_RSA && key.rsaModulus !== undefined) {
    const n = unsignedBytes(key.rsaModulus);
    const e = unsignedBytes(key.rsaExponent ?? 0n);
    const rsaPublicKey = tlv(0x30, tlv(0x02, integerContent(n)), tlv(0x02, integerContent(e)));
    const canonical = tlv(0x30, RSA_ALGORITHM_ID, tlv(0x03, Buffer.from([0]), rsaPublicKey));
    if (!canonical.equals(spkiDer)) return undefined;
    return { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') };
  }
  if (key.algorithm === 'ed25519') {
    if (spkiDer.length !== ED25519_SPKI_PREFIX.length + 32) return undefined;
    if (!spkiDer.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) return undefined;
    return {
      kty: 'OKP',
      crv: 'Ed25519',
      x: spkiDer.subarray(ED25519_SPKI_PREFIX.length).toString('base64url'),
    };
  }
  const ec = key.algorithm === 'ec' ? EC_SPKI.get(key.curve ?? '') : undefined;
  if (ec !== undefined && key.curve !== undefined) {
    const { prefix, size } = ec;
    if (spkiDer.length !== prefix.length + 2 * size) return undefined;
    if (!spkiDer.subarray(0, prefix.length).equals(prefix)) return undefined;
    const point = spkiDer.subarray(prefix.length);
    return {
      kty: 'EC',
      crv: key.curve,
      x: point.subarray(0, size).toString('base64url'),
      y: point.subarray(size).toString('base64url'),
    };
  }
  return undefined;
}

/** Minimal big-endian octets of a non-negative integer. */
function unsignedBytes(v: bigint): Buffer {
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : '0' + hex, 'hex');
}

/** DER INTEGER content of a non-negative integer: a 0x00 in front when the top bit is set (X.690 §8.3). */
function integerContent(b: Buffer): Buffer {
  return b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const header =
    len < 0x80
      ? [tag, len]
      : len < 0x100
        ? [tag, 0x81, len]
        : len < 0x10000
          ? [tag, 0x82, len >> 8, len & 0xff]
          : [tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  return Buffer.concat([Buffer.from(header), ...parts]);
}

function fail(code: ErrorCode, message: string, key: CsrKey): CertgridError {
  return new CertgridError(code, message, {
    field: 'csr',
    data: {
      algorithm: key.algorithm,
      bits: key.bits,
      ...(key.curve === undefined ? {} : { curve: key.curve }),
    },
  });
}

function badSignature(why: string, key: CsrKey): CertgridError {
  return fail('CSR_BAD_SIGNATURE', `The CSR signature is invalid: ${why}.`, key);
}

function rsaSizeUnsupported(key: CsrKey): CertgridError {
  return fail(
    'CSR_KEY_SIZE_UNSUPPORTED',
    `An RSA key size of ${key.bits} bits is not supported; use 2048, 3072, 4096, 5120, 6144, 7168 or 8192 bits.`,
    key,
  );
}

function curveUnsupported(key: CsrKey): CertgridError {
  return fail(
    'CSR_KEY_SIZE_UNSUPPORTED',
    `The elliptic curve ${key.curve ?? 'unknown'} is not supported; use P-256, P-384 or P-521.`,
    key,
  );
}
