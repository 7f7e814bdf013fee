/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): algorithm, size and curve as CertView reports
 * them, and a node:crypto key for checking a self-signature.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { TAG, children, expect, malformed, nodeAt, oidAt, type Node } from './der-reader.js';

/** 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA', or the algorithm's dotted OID for any other key. */
export type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | (string & {});

export interface PublicKeyFacts {
  readonly keyAlgorithm: KeyAlgorithm;
  /** RSA modulus bits; EC curve bits; 256 for Ed25519, 456 for Ed448; DSA p bits; 0 if unknown. */
  readonly keySize: number;
  /** Named curve of an EC key ('P-256', 'P-384' …); undefined for other keys. */
  readonly curve: string | undefined;
}

const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  dsa: '1.2.840.10040.4.1',
  dsaOiw: '1.3.14.3.2.12',
} as const;

/** Named curves (RFC 5480 §2.1.1.1; RFC 5639 §4.1; GM/T 0006), with their field size in bits. */
const CURVES: Readonly<
  Record<string, { readonly name: string; readonly bits: number; readonly jwk?: string }>
> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256, jwk: 'P-256' },
  '1.3.132.0.34': { name: 'P-384', bits: 384, jwk: 'P-384' },
  '1.3.132.0.35': { name: 'P-521', bits: 521, jwk: 'P-521' },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256, jwk: 'secp256k1' },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
  '1.2.156.10197.1.301': { name: 'SM2', bits: 256 },
};

/** The parts of an SPKI, located once and shared by facts and the verification key. */
export interface Spki {
  readonly node: Node;
  readonly algorithm: string;
  /** AlgorithmIdentifier parameters, when present. */
  readonly params: Node | undefined;
  /** subjectPublicKey BIT STRING contents after the unused-bits octet: [keyStart, keyEnd). */
  readonly keyStart: number;
  readonly keyEnd: number;
}

export function readSpki(buf: Buffer, spki: Node): Spki {
  if (spki.tag !== TAG.SEQUENCE) throw malformed('subjectPublicKeyInfo is not a SEQUENCE');
  const alg = expect(buf, spki.body, spki, TAG.SEQUENCE, 'subjectPublicKeyInfo algorithm');
  const key = expect(buf, alg.end, spki, TAG.BIT_STRING, 'subjectPublicKey');
  if (key.end !== spki.end || key.body === key.end) throw malformed('subjectPublicKeyInfo is malformed');
  const oid = nodeAt(buf, alg.body, alg.end, 'subjectPublicKeyInfo algorithm');
  const params = oid.end < alg.end ? nodeAt(buf, oid.end, alg.end, 'public key parameters') : undefined;
  return {
    node: spki,
    algorithm: oidAt(buf, oid, 'subjectPublicKeyInfo algorithm'),
    params,
    keyStart: key.body + 1,
    keyEnd: key.end,
  };
}

/** Bit length of an unsigned big-endian INTEGER's contents (leading zero octets ignored). */
function integerBits(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] === 0) i++;
  if (i === end) return 0;
  return (end - i - 1) * 8 + (32 - Math.clz32(buf[i] as number));
}

function rsaParts(buf: Buffer, spki: Spki): { n: Node; e: Node } {
  const seq = nodeAt(buf, spki.keyStart, spki.keyEnd, 'RSA public key');
  if (seq.tag !== TAG.SEQUENCE) throw malformed('RSA public key is not a SEQUENCE');
  const [n, e] = children(buf, seq, 'RSA public key');
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) throw malformed('RSA public key is malformed');
  return { n, e };
}

function namedCurve(buf: Buffer, spki: Spki): string | undefined {
  return spki.params?.tag === TAG.OID ? oidAt(buf, spki.params, 'EC curve') : undefined;
}

export function publicKeyFacts(buf: Buffer, spki: Spki): PublicKeyFacts {
  switch (spki.algorithm) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const { n } = rsaParts(buf, spki);
      return { keyAlgorithm: 'RSA', keySize: integerBits(buf, n.body, n.end), curve: undefined };
    }
    case OID.ecPublicKey: {
      const curveOid = namedCurve(buf, spki);
      const known = curveOid ? CURVES[curveOid] : undefined;
      if (known) return { keyAlgorithm: 'EC', keySize: known.bits, curve: known.name };
      // Unnamed or explicit curve: size from the encoded point (SEC 1 §2.3.3).
      const len = spki.keyEnd - spki.keyStart;
      const first = buf[spki.keyStart];
      const bits =
        first === 0x04 ? ((len - 1) / 2) * 8 : first === 0x02 || first === 0x03 ? (len - 1) * 8 : 0;
      return { keyAlgorithm: 'EC', keySize: Number.isInteger(bits) ? bits : 0, curve: curveOid };
    }
    case OID.ed25519:
      return { keyAlgorithm: 'Ed25519', keySize: 256, curve: undefined };
    case OID.ed448:
      return { keyAlgorithm: 'Ed448', keySize: 456, curve: undefined };
    case OID.dsa:
    case OID.dsaOiw: {
      // Dss-Parms ::= SEQUENCE { p, q, g } (RFC 3279 §2.3.2); absent when inherited from the issuer.
      let size = 0;
      if (spki.params?.tag === TAG.SEQUENCE) {
        const p = nodeAt(buf, spki.params.body, spki.params.end, 'DSA parameters');
        if (p.tag !== TAG.INTEGER) throw malformed('DSA parameters are malformed');
        size = integerBits(buf, p.body, p.end);
      }
      return { keyAlgorithm: 'DSA', keySize: size, curve: undefined };
    }
    default:
      return { keyAlgorithm: spki.algorithm, keySize: 0, curve: undefined };
  }
}

const b64url = (buf: Buffer, start: number, end: number): string => {
  while (start < end - 1 && buf[start] === 0) start++;
  return buf.subarray(start, end).toString('base64url');
};

/**
 * A node:crypto key for the SPKI. RSA, Ed25519/Ed448 and uncompressed named-curve EC keys
 * go through JWK, which OpenSSL 3 imports about 20 times faster than SPKI DER; anything
 * else through DER. Throws (node's own error) when OpenSSL cannot use the key.
 */
export function verificationKey(buf: Buffer, spki: Spki): KeyObject {
  let jwk: JsonWebKey | undefined;
  switch (spki.algorithm) {
    case OID.rsaEncryption: {
      const { n, e } = rsaParts(buf, spki);
      jwk = { kty: 'RSA', n: b64url(buf, n.body, n.end), e: b64url(buf, e.body, e.end) };
      break;
    }
    case OID.ed25519:
    case OID.ed448:
      jwk = {
        kty: 'OKP',
        crv: spki.algorithm === OID.ed25519 ? 'Ed25519' : 'Ed448',
        x: buf.subarray(spki.keyStart, spki.keyEnd).toString('base64url'),
      };
      break;
    case OID.ecPublicKey: {
      const curveOid = namedCurve(buf, spki);
      const crv = curveOid ? CURVES[curveOid]?.jwk : undefined;
      const len = spki.keyEnd - spki.keyStart;
      if (crv && buf[spki.keyStart] === 0x04 && len % 2 === 1) {
        const half = (len - 1) / 2;
        const x = spki.keyStart + 1;
        jwk = {
          kty: 'EC',
          crv,
          x: buf.subarray(x, x + half).toString('base64url'),
          y: buf.subarray(x + half, spki.keyEnd).toString('base64url'),
        };
      }
      break;
    }
  }
  if (jwk) return createPublicKey({ key: jwk, format: 'jwk' });
  return createPublicKey({ key: buf.subarray(spki.node.start, spki.node.end), format: 'der', type: 'spki' });
}
