import { describe, expect, it } from 'vitest';
import {
  cipherSpec,
  deriveConnectionKeys,
  keyBlockLength,
  keyExchangeOf,
  splitKeyBlock,
} from '../../../../src/core/scan/session/index.js';

describe('cipherSpec', () => {
  it('RSA, AES-128-CBC, HMAC-SHA1 (TLS_RSA_WITH_AES_128_CBC_SHA)', () => {
    expect(cipherSpec(0x002f)).toMatchObject({
      keyExchange: 'rsa',
      anonymous: false,
      prfHash: 'sha256',
      protection: {
        kind: 'block',
        cipher: 'aes-128-cbc',
        keyLength: 16,
        blockSize: 16,
        macAlgorithm: 'sha1',
        macLength: 20,
      },
    });
  });

  it('ECDHE and DHE suites, GCM with the SHA-384 PRF, ChaCha20-Poly1305, 3DES', () => {
    expect(cipherSpec(0xc030)).toMatchObject({
      keyExchange: 'ecdhe',
      prfHash: 'sha384',
      protection: { kind: 'aead', cipher: 'aes-256-gcm', fixedIvLength: 4, recordIvLength: 8, tagLength: 16 },
    });
    expect(cipherSpec(0x009e)).toMatchObject({ keyExchange: 'dhe', prfHash: 'sha256' });
    expect(cipherSpec(0xc028)).toMatchObject({
      prfHash: 'sha384',
      protection: { macAlgorithm: 'sha384', macLength: 48 },
    });
    expect(cipherSpec(0xcca8)?.protection).toMatchObject({
      cipher: 'chacha20-poly1305',
      fixedIvLength: 12,
      recordIvLength: 0,
    });
    expect(cipherSpec(0x000a)?.protection).toMatchObject({
      cipher: 'des-ede3-cbc',
      keyLength: 24,
      blockSize: 8,
    });
    expect(cipherSpec(0x0034)).toMatchObject({ keyExchange: 'dhe', anonymous: true });
  });

  it('no spec for what the engine cannot run: RC4, CAMELLIA, CCM, PSK, export, static DH, TLS 1.3, old ChaCha', () => {
    for (const id of [0x0005, 0x0041, 0xc09c, 0x008c, 0x0003, 0x0031, 0x1301, 0xcc13]) {
      expect(cipherSpec(id), `0x${id.toString(16)}`).toBeUndefined();
    }
  });

  it('keyExchangeOf also knows suites whose bulk cipher the engine lacks', () => {
    expect(keyExchangeOf(0x0041)).toBe('rsa'); // RSA with CAMELLIA
    expect(keyExchangeOf(0x0005)).toBe('rsa'); // RC4
    expect(keyExchangeOf(0x008c)).toBeUndefined(); // PSK
    expect(keyExchangeOf(0x0003)).toBeUndefined(); // export RSA
    expect(keyExchangeOf(0x1301)).toBeUndefined();
  });
});

describe('key block (RFC 5246 §6.3)', () => {
  it('lengths: MAC keys, keys, and IVs only where implicit', () => {
    const aesSha = cipherSpec(0x002f)!;
    expect(keyBlockLength(aesSha, 0x0301)).toBe(2 * (20 + 16 + 16)); // TLS 1.0: chained IVs from the key block
    expect(keyBlockLength(aesSha, 0x0302)).toBe(2 * (20 + 16)); // TLS 1.1+: explicit IVs
    expect(keyBlockLength(cipherSpec(0xc02f)!, 0x0303)).toBe(2 * (16 + 4)); // GCM salt
    expect(keyBlockLength(cipherSpec(0xcca8)!, 0x0303)).toBe(2 * (32 + 12));
  });

  it('splits in the order client MAC, server MAC, client key, server key, client IV, server IV', () => {
    const spec = cipherSpec(0x002f)!;
    const block = Uint8Array.from({ length: keyBlockLength(spec, 0x0301) }, (_, i) => i);
    const keys = splitKeyBlock(spec, 0x0301, block);
    expect(keys.client.macKey[0]).toBe(0);
    expect(keys.server.macKey[0]).toBe(20);
    expect(keys.client.encKey[0]).toBe(40);
    expect(keys.server.encKey[0]).toBe(56);
    expect(keys.client.iv[0]).toBe(72);
    expect(keys.server.iv).toHaveLength(16);
    expect(() => splitKeyBlock(spec, 0x0301, block.subarray(1))).toThrow(RangeError);
  });

  it('derives distinct client and server keys', () => {
    const spec = cipherSpec(0xc02f)!;
    const keys = deriveConnectionKeys(
      spec,
      0x0303,
      new Uint8Array(48).fill(9),
      new Uint8Array(32),
      new Uint8Array(32).fill(1),
    );
    expect(keys.client.encKey).toHaveLength(16);
    expect(keys.client.macKey).toHaveLength(0);
    expect(keys.client.encKey).not.toEqual(keys.server.encKey);
  });
});
