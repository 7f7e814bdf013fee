import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultHashFor,
  generateCaKeyPair,
  keyTypeOf,
  sign,
  signatureAlgorithmFor,
} from '../../../src/core/ca/algorithms.js';
import { KEY_TYPES, type KeyType, type SignatureHash } from '../../../src/core/ca/types.js';

describe('CA algorithms', () => {
  it('generates each key type and recognises it back', { timeout: 60_000 }, () => {
    for (const kt of KEY_TYPES) {
      const { privateKey, publicKey } = generateCaKeyPair(kt);
      expect(keyTypeOf(privateKey)).toBe(kt);
      expect(keyTypeOf(publicKey)).toBe(kt);
    }
  });

  it('rejects keys certgrid does not hold with CA_KEY_UNAVAILABLE', () => {
    for (const kp of [
      generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
      generateKeyPairSync('x25519'),
      generateKeyPairSync('rsa', { modulusLength: 1024 }),
    ]) {
      expect(() => keyTypeOf(kp.privateKey)).toThrow(expect.objectContaining({ code: 'CA_KEY_UNAVAILABLE' }));
    }
  });

  it('defaults the hash to the key strength', () => {
    expect(defaultHashFor('p256')).toBe('sha256');
    expect(defaultHashFor('p384')).toBe('sha384');
    expect(defaultHashFor('rsa4096')).toBe('sha256');
    expect(defaultHashFor('ed25519')).toBeNull();
  });

  it('names and encodes AlgorithmIdentifiers (RFC 5758, RFC 4055, RFC 8410)', () => {
    const cases: [KeyType, SignatureHash | undefined, string, string][] = [
      ['p256', undefined, 'SHA256withECDSA', '300a06082a8648ce3d040302'],
      ['p384', undefined, 'SHA384withECDSA', '300a06082a8648ce3d040303'],
      ['p256', 'sha512', 'SHA512withECDSA', '300a06082a8648ce3d040304'],
      ['rsa2048', undefined, 'SHA256withRSA', '300d06092a864886f70d01010b0500'],
      ['rsa3072', 'sha384', 'SHA384withRSA', '300d06092a864886f70d01010c0500'],
      ['ed25519', 'sha512', 'Ed25519', '300506032b6570'],
    ];
    for (const [kt, h, name, der] of cases) {
      const alg = signatureAlgorithmFor(kt, h);
      expect(alg.name).toBe(name);
      expect(alg.algorithmIdentifierDer.toString('hex')).toBe(der);
      expect(alg.nodeDigest).toBe(kt === 'ed25519' ? null : (h ?? defaultHashFor(kt)));
    }
  });

  it('refuses weak or unknown hashes with coded errors', () => {
    expect(() => signatureAlgorithmFor('p256', 'sha1' as SignatureHash)).toThrow(
      expect.objectContaining({ code: 'WEAK_SIGNATURE_HASH' }),
    );
    expect(() => signatureAlgorithmFor('rsa2048', 'md5' as SignatureHash)).toThrow(
      expect.objectContaining({ code: 'WEAK_SIGNATURE_HASH' }),
    );
    expect(() => signatureAlgorithmFor('rsa2048', 'blake3' as SignatureHash)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('signs verifiably: DER ECDSA, PKCS#1 v1.5 RSA, pure Ed25519', () => {
    const data = Buffer.from('tbs');
    for (const kt of ['p256', 'p384', 'rsa2048', 'ed25519'] as const) {
      const { privateKey, publicKey } = generateCaKeyPair(kt);
      const sig = sign(privateKey, kt, undefined, data);
      const digest = signatureAlgorithmFor(kt).nodeDigest;
      expect(verify(digest, data, publicKey, sig)).toBe(true);
      if (kt === 'p256' || kt === 'p384') expect(sig[0]).toBe(0x30); // Ecdsa-Sig-Value SEQUENCE
      if (kt === 'rsa2048') expect(sig).toHaveLength(256);
      if (kt === 'ed25519') expect(sig).toHaveLength(64);
    }
  });
});
