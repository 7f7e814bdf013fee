/**
 * The client's side of the key exchange (RFC 5246 §7.4.7): RSA key transport, ephemeral
 * finite-field DH and ephemeral ECDH, each giving the ClientKeyExchange body and the pre-master
 * secret. Also the raw RSA operation a Bleichenbacher probe needs to encrypt blocks that are not
 * valid PKCS #1 v1.5.
 */
import {
  X509Certificate,
  constants,
  createDiffieHellman,
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  publicEncrypt,
  type KeyObject,
} from 'node:crypto';
import { ByteWriter, NAMED_GROUP, concatBytes, fromHex } from '../wire/index.js';
import { SessionError } from './errors.js';

export interface ClientKeyExchange {
  /** The ClientKeyExchange body (no handshake header). */
  readonly body: Uint8Array;
  readonly preMasterSecret: Uint8Array;
}

export interface RsaPublicKey {
  readonly key: KeyObject;
  readonly modulus: bigint;
  readonly exponent: bigint;
  /** Modulus length in bytes (k in RFC 8017). */
  readonly size: number;
}

const b64uToBigInt = (s: string): bigint => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`);

/** The RSA public key of a DER certificate; `SESSION_UNSUPPORTED` when it holds another kind of key. */
export function rsaPublicKeyOf(certificateDer: Uint8Array): RsaPublicKey {
  let key: KeyObject;
  try {
    key = new X509Certificate(certificateDer).publicKey;
  } catch (e) {
    throw new SessionError('SESSION_PROTOCOL', `server certificate does not parse: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SessionError('SESSION_UNSUPPORTED', `server key is ${key.asymmetricKeyType}, not RSA`);
  }
  const jwk = key.export({ format: 'jwk' });
  const modulus = b64uToBigInt(jwk.n as string);
  return {
    key,
    modulus,
    exponent: b64uToBigInt(jwk.e as string),
    size: Math.ceil(modulus.toString(16).length / 2),
  };
}

const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
};

/**
 * Textbook RSA, c = m^e mod n, on a block of exactly `size` bytes: the encryption under any
 * padding the caller built itself (RFC 8017 §5.1.1 RSAEP). Throws `RangeError` when the block is
 * not smaller than the modulus.
 */
export function rsaEncryptRaw(key: RsaPublicKey, block: Uint8Array): Uint8Array {
  if (block.length !== key.size) throw new RangeError(`RSA block must be ${key.size} bytes`);
  const m = BigInt(`0x${Buffer.from(block).toString('hex')}`);
  if (m >= key.modulus) throw new RangeError('RSA block is not smaller than the modulus');
  return fromHex(
    modPow(m, key.exponent, key.modulus)
      .toString(16)
      .padStart(2 * key.size, '0'),
  );
}

/** EncryptedPreMasterSecret with its two-byte length (TLS 1.0 and later, RFC 5246 §7.4.7.1). */
export function encodeRsaClientKeyExchange(encrypted: Uint8Array): Uint8Array {
  return new ByteWriter().vector(2, encrypted).finish();
}

/**
 * RSA key transport: a pre-master secret of client_version ‖ 46 random bytes (RFC 5246 §7.4.7.1),
 * encrypted with RSAES-PKCS1-v1_5 under the certificate's key.
 */
export function rsaClientKeyExchange(
  certificateDer: Uint8Array,
  clientVersion: number,
  random: (n: number) => Uint8Array,
): ClientKeyExchange {
  const { key } = rsaPublicKeyOf(certificateDer);
  const preMasterSecret = concatBytes([
    Uint8Array.from([clientVersion >>> 8, clientVersion & 0xff]),
    random(46),
  ]);
  const encrypted = new Uint8Array(
    publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, preMasterSecret),
  );
  return { body: encodeRsaClientKeyExchange(encrypted), preMasterSecret };
}

/** A DH shared secret loses its leading zero bytes before use (RFC 5246 §8.1.2). */
const stripLeadingZeros = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.slice(i);
};

/** Ephemeral finite-field DH with the server's p, g and Ys (hex, as the wire codec parses them). */
export function dheClientKeyExchange(p: string, g: string, ys: string): ClientKeyExchange {
  let dh;
  try {
    dh = createDiffieHellman(Buffer.from(p, 'hex'), Buffer.from(g, 'hex'));
  } catch (e) {
    throw new SessionError('SESSION_UNSUPPORTED', `DH group not usable: ${(e as Error).message}`);
  }
  const yc = new Uint8Array(dh.generateKeys());
  let secret: Uint8Array;
  try {
    secret = new Uint8Array(dh.computeSecret(Buffer.from(ys, 'hex')));
  } catch (e) {
    throw new SessionError('SESSION_PROTOCOL', `server DH public value rejected: ${(e as Error).message}`);
  }
  return { body: new ByteWriter().vector(2, yc).finish(), preMasterSecret: stripLeadingZeros(secret) };
}

const EC_CURVES: Readonly<Record<number, string>> = {
  [NAMED_GROUP.secp256r1]: 'prime256v1',
  [NAMED_GROUP.secp384r1]: 'secp384r1',
  [NAMED_GROUP.secp521r1]: 'secp521r1',
};

const MONTGOMERY: Readonly<Record<number, { type: 'x25519' | 'x448'; crv: string }>> = {
  [NAMED_GROUP.x25519]: { type: 'x25519', crv: 'X25519' },
  [NAMED_GROUP.x448]: { type: 'x448', crv: 'X448' },
};

/** The groups `ecdheClientKeyExchange` supports, in the order a client offers them. */
export const ECDHE_GROUPS: readonly number[] = [
  NAMED_GROUP.x25519,
  NAMED_GROUP.secp256r1,
  NAMED_GROUP.secp384r1,
  NAMED_GROUP.secp521r1,
  NAMED_GROUP.x448,
];

/**
 * Ephemeral ECDH on the server's named curve (RFC 8422 §5.7, §5.10): our public point in the
 * ClientKeyExchange (uncompressed for the NIST curves, raw for X25519/X448), and the shared
 * x-coordinate as the pre-master secret.
 */
export function ecdheClientKeyExchange(namedCurve: number, serverPoint: Uint8Array): ClientKeyExchange {
  const mont = MONTGOMERY[namedCurve];
  if (mont !== undefined) {
    const { publicKey, privateKey } =
      mont.type === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
    let peer: KeyObject;
    let secret: Uint8Array;
    try {
      peer = createPublicKey({
        key: { kty: 'OKP', crv: mont.crv, x: Buffer.from(serverPoint).toString('base64url') },
        format: 'jwk',
      });
      secret = new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
    } catch (e) {
      throw new SessionError(
        'SESSION_PROTOCOL',
        `server ${mont.crv} share rejected: ${(e as Error).message}`,
      );
    }
    const ours = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
    return { body: new ByteWriter().vector(1, ours).finish(), preMasterSecret: secret };
  }
  const curve = EC_CURVES[namedCurve];
  if (curve === undefined) {
    throw new SessionError(
      'SESSION_UNSUPPORTED',
      `named group 0x${namedCurve.toString(16)} is not supported`,
    );
  }
  const ecdh = createECDH(curve);
  const ours = new Uint8Array(ecdh.generateKeys());
  let secret: Uint8Array;
  try {
    secret = new Uint8Array(ecdh.computeSecret(serverPoint));
  } catch (e) {
    throw new SessionError('SESSION_PROTOCOL', `server ${curve} point rejected: ${(e as Error).message}`);
  }
  return { body: new ByteWriter().vector(1, ours).finish(), preMasterSecret: secret };
}

const NIST_JWK: Readonly<Record<number, { crv: string; size: number }>> = {
  [NAMED_GROUP.secp256r1]: { crv: 'P-256', size: 32 },
  [NAMED_GROUP.secp384r1]: { crv: 'P-384', size: 48 },
  [NAMED_GROUP.secp521r1]: { crv: 'P-521', size: 66 },
};

/**
 * The (EC)DHE shared secret of a TLS 1.3 key share (RFC 8446 §7.4.2): our private key from the
 * ClientHello's key_share and the server's key_exchange (raw X25519/X448, or the uncompressed NIST
 * point). `SESSION_UNSUPPORTED` for other groups, `SESSION_PROTOCOL` when the server's share is not
 * a valid public key.
 */
export function keyShareSecret(group: number, privateKey: KeyObject, serverShare: Uint8Array): Uint8Array {
  const mont = MONTGOMERY[group];
  const nist = NIST_JWK[group];
  let peer: KeyObject;
  try {
    if (mont !== undefined) {
      peer = createPublicKey({
        key: { kty: 'OKP', crv: mont.crv, x: Buffer.from(serverShare).toString('base64url') },
        format: 'jwk',
      });
    } else if (nist !== undefined) {
      if (serverShare.length !== 1 + 2 * nist.size || serverShare[0] !== 0x04) {
        throw new Error('not an uncompressed point of the right size');
      }
      const b64 = (from: number) =>
        Buffer.from(serverShare.subarray(from, from + nist.size)).toString('base64url');
      peer = createPublicKey({
        key: { kty: 'EC', crv: nist.crv, x: b64(1), y: b64(1 + nist.size) },
        format: 'jwk',
      });
    } else {
      throw new SessionError('SESSION_UNSUPPORTED', `named group 0x${group.toString(16)} is not supported`);
    }
    return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
  } catch (e) {
    if (e instanceof SessionError) throw e;
    throw new SessionError('SESSION_PROTOCOL', `server key share rejected: ${(e as Error).message}`);
  }
}
