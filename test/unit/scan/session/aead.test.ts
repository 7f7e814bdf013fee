import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cipherSpec,
  macHeader,
  openAead,
  sealAead,
  type AeadKeys,
  type AeadProtection,
} from '../../../../src/core/scan/session/index.js';
import { concatBytes, fromHex } from '../../../../src/core/scan/wire/index.js';

const keysFor = (id: number, ivByte = 0x11): AeadKeys => {
  const spec = cipherSpec(id)!.protection as AeadProtection;
  return {
    spec,
    encKey: new Uint8Array(spec.keyLength).fill(0x22),
    fixedIv: new Uint8Array(spec.fixedIvLength).fill(ivByte),
  };
};
const header = { seq: 0x0102030405060708n, type: 23, version: 0x0303 };
const content = new TextEncoder().encode('hello');

describe('AES-GCM records (RFC 5288)', () => {
  it('fragment = nonce_explicit (the sequence number) ‖ ciphertext ‖ tag; nonce = salt ‖ explicit', () => {
    const keys = keysFor(0xc02f);
    const fragment = sealAead(keys, header, content);
    const explicit = fromHex('0102030405060708');
    expect(fragment.subarray(0, 8)).toEqual(explicit);
    expect(fragment).toHaveLength(8 + content.length + 16);
    const c = createCipheriv('aes-128-gcm', keys.encKey, concatBytes([keys.fixedIv, explicit]));
    c.setAAD(macHeader(header, content.length));
    const ct = Buffer.concat([c.update(content), c.final()]);
    expect(fragment.subarray(8)).toEqual(new Uint8Array(Buffer.concat([ct, c.getAuthTag()])));
  });

  it('round trip for AES-128 and AES-256; a wrong sequence number, type or tag does not authenticate', () => {
    for (const id of [0xc02f, 0xc030]) {
      const keys = keysFor(id);
      const fragment = sealAead(keys, header, content);
      expect(openAead(keys, header, fragment)).toEqual(content);
      expect(openAead(keys, { ...header, seq: 1n }, fragment)).toBeNull();
      expect(openAead(keys, { ...header, type: 22 }, fragment)).toBeNull();
      const badTag = sealAead(keys, header, content, { tag: (t) => t.map((b) => b ^ 1) });
      expect(openAead(keys, header, badTag)).toBeNull();
      expect(openAead(keys, header, fragment.subarray(0, 10))).toBeNull();
    }
  });

  it('an explicit nonce of our choosing is carried and used', () => {
    const keys = keysFor(0xc02f);
    const fragment = sealAead(keys, header, content, { explicitNonce: new Uint8Array(8).fill(0xab) });
    expect(fragment.subarray(0, 8)).toEqual(new Uint8Array(8).fill(0xab));
    expect(openAead(keys, header, fragment)).toEqual(content);
  });
});

describe('ChaCha20-Poly1305 records (RFC 7905)', () => {
  it('nothing explicit; nonce = IV XOR the 64-bit sequence number, right-aligned', () => {
    const keys = keysFor(0xcca8, 0x00);
    const fragment = sealAead(keys, header, content);
    expect(fragment).toHaveLength(content.length + 16);
    const nonce = fromHex('00000000 0102030405060708');
    const c = createCipheriv('chacha20-poly1305', keys.encKey, nonce, { authTagLength: 16 });
    c.setAAD(macHeader(header, content.length), { plaintextLength: content.length });
    const ct = Buffer.concat([c.update(content), c.final()]);
    expect(fragment).toEqual(new Uint8Array(Buffer.concat([ct, c.getAuthTag()])));
    expect(openAead(keys, header, fragment)).toEqual(content);
    expect(openAead(keys, { ...header, seq: 0n }, fragment)).toBeNull();
  });
});
