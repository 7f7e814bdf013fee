import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cipherSpec,
  macHeader,
  openCbc,
  recordMac,
  sealCbc,
  standardPadding,
  type BlockKeys,
  type BlockProtection,
} from '../../../../src/core/scan/session/index.js';
import { concatBytes, fromHex } from '../../../../src/core/scan/wire/index.js';

const spec = (id: number): BlockProtection => cipherSpec(id)!.protection as BlockProtection;
const keysFor = (p: BlockProtection): BlockKeys => ({
  spec: p,
  macKey: new Uint8Array(p.macLength).fill(0x4d),
  encKey: new Uint8Array(p.keyLength).fill(0x4b),
});
const header = { seq: 7n, type: 23, version: 0x0303 };
const content = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

describe('MAC and padding', () => {
  it('MAC input: seq_num ‖ type ‖ version ‖ length ‖ content (RFC 5246 §6.2.3.1)', () => {
    expect(macHeader(header, 0x0102)).toEqual(fromHex('0000000000000007 17 0303 0102'));
    const keys = keysFor(spec(0x002f));
    const expected = createHmac('sha1', keys.macKey)
      .update(macHeader(header, content.length))
      .update(content)
      .digest();
    expect(recordMac(keys, header, content)).toEqual(new Uint8Array(expected));
  });

  it('standard padding: n + 1 bytes of value n reaching a block boundary, at least one byte', () => {
    expect(standardPadding(15, 16)).toEqual(new Uint8Array([0]));
    expect(standardPadding(16, 16)).toEqual(new Uint8Array(16).fill(15));
    expect(standardPadding(38, 16)).toEqual(new Uint8Array(10).fill(9));
    expect(standardPadding(38, 16, 2)).toEqual(new Uint8Array(42).fill(41));
    expect(() => standardPadding(0, 16, 16)).toThrow(RangeError);
  });
});

describe('sealCbc / openCbc', () => {
  const cases: [string, number, number][] = [
    ['AES-128-CBC-SHA, TLS 1.2', 0x002f, 0x0303],
    ['AES-256-CBC-SHA256, TLS 1.2', 0x003d, 0x0303],
    ['AES-256-CBC-SHA384, TLS 1.2', 0xc028, 0x0303],
    ['3DES-EDE-CBC-SHA, TLS 1.1', 0x000a, 0x0302],
    ['AES-128-CBC-SHA, TLS 1.0 (implicit IV)', 0x002f, 0x0301],
  ];
  for (const [name, id, version] of cases) {
    it(`round trip: ${name}`, () => {
      const keys = keysFor(spec(id));
      const bs = keys.spec.blockSize;
      const explicit = version >= 0x0302;
      const iv = new Uint8Array(bs).fill(0x49);
      const h = { ...header, version };
      const sealed = sealCbc(keys, h, content, iv, explicit);
      const macAndContent = content.length + keys.spec.macLength;
      const plainLength = macAndContent + standardPadding(macAndContent, bs).length;
      expect(sealed.fragment).toHaveLength((explicit ? bs : 0) + plainLength);
      if (explicit) expect(sealed.fragment.subarray(0, bs)).toEqual(iv);
      const opened = openCbc(keys, h, sealed.fragment, iv, explicit);
      expect(opened).toMatchObject({
        badLength: false,
        paddingValid: true,
        macPresent: true,
        macValid: true,
      });
      expect(opened.content).toEqual(content);
      expect(opened.lastBlock).toEqual(sealed.lastBlock);
      // Another sequence number: the MAC no longer matches.
      expect(openCbc(keys, { ...h, seq: 8n }, sealed.fragment, iv, explicit).macValid).toBe(false);
    });
  }

  it('layout: IV ‖ AES-CBC(content ‖ HMAC ‖ padding), checked with node:crypto directly', () => {
    const keys = keysFor(spec(0x002f));
    const iv = new Uint8Array(16).fill(3);
    const { fragment } = sealCbc(keys, header, content, iv, true);
    const d = createDecipheriv('aes-128-cbc', keys.encKey, iv).setAutoPadding(false);
    const plain = new Uint8Array(Buffer.concat([d.update(fragment.subarray(16)), d.final()]));
    const mac = recordMac(keys, header, content);
    expect(plain).toEqual(concatBytes([content, mac, standardPadding(content.length + 20, 16)]));
  });

  it('TLS 1.0 chains the IV: the next record is encrypted under the last ciphertext block', () => {
    const keys = keysFor(spec(0x002f));
    const iv0 = new Uint8Array(16).fill(1);
    const first = sealCbc(keys, header, content, iv0, false);
    const second = sealCbc(keys, { ...header, seq: 8n }, content, first.lastBlock, false);
    expect(first.lastBlock).toEqual(first.fragment.subarray(first.fragment.length - 16));
    expect(openCbc(keys, { ...header, seq: 8n }, second.fragment, first.lastBlock, false).content).toEqual(
      content,
    );
    expect(openCbc(keys, { ...header, seq: 8n }, second.fragment, iv0, false).content).toBeNull();
  });
});

describe('tampering, and what opening reports', () => {
  const keys = keysFor(spec(0x002f));
  const iv = new Uint8Array(16).fill(5);
  const seal = (tamper: Parameters<typeof sealCbc>[5], c = content) =>
    sealCbc(keys, header, c, iv, true, tamper).fragment;
  const open = (fragment: Uint8Array) => openCbc(keys, header, fragment, iv, true);

  it('a flipped MAC: padding valid, MAC invalid', () => {
    const o = open(seal({ mac: (m) => m.map((b, i) => (i === 0 ? b ^ 1 : b)) }));
    expect(o).toMatchObject({ paddingValid: true, macPresent: true, macValid: false, content: null });
  });

  it('padding bytes wrong, length byte right: padding invalid (and the MAC, checked as if unpadded, too)', () => {
    const o = open(seal({ padding: (p) => p.map((b, i) => (i === p.length - 1 ? b : 0xaa)) }));
    expect(o).toMatchObject({ paddingValid: false, macValid: false, content: null, paddingLength: 9 });
  });

  it('more padding than usual (up to 255 bytes) is valid (RFC 5246 §6.2.3.2)', () => {
    const o = open(seal({ padding: standardPadding(content.length + 20, 16, 3) }));
    expect(o.content).toEqual(content);
    expect(o.paddingLength).toBe(9 + 48);
  });

  it('a record that is all padding: padding valid, no room for the MAC', () => {
    const o = open(seal({ plaintext: new Uint8Array(32).fill(31) }, new Uint8Array(0)));
    expect(o).toMatchObject({ paddingValid: true, macPresent: false, macValid: false, paddingLength: 31 });
  });

  it('a padding length longer than the record: invalid', () => {
    const o = open(seal({ plaintext: new Uint8Array(48).fill(0xff) }));
    expect(o).toMatchObject({ paddingValid: false, paddingLength: 255 });
  });

  it('a zero-length record with its MAC and padding', () => {
    const o = open(seal({}, new Uint8Array(0)));
    expect(o.plaintext).toHaveLength(32); // 20-byte MAC + 12 bytes of padding
    expect(o.content).toEqual(new Uint8Array(0));
  });

  it('an explicit IV of our choosing', () => {
    const chosen = new Uint8Array(16).fill(0xee);
    expect(seal({ iv: chosen }).subarray(0, 16)).toEqual(chosen);
  });

  it('a plaintext that is not whole blocks is a programming error', () => {
    expect(() => seal({ plaintext: new Uint8Array(17) })).toThrow(RangeError);
    expect(() => seal({ mac: new Uint8Array(3), padding: new Uint8Array(1) })).toThrow(RangeError);
  });

  it('fragments that are not whole blocks, or too short, are reported, not thrown', () => {
    expect(open(new Uint8Array(31)).badLength).toBe(true);
    expect(open(new Uint8Array(16)).badLength).toBe(true); // an IV and nothing else
    expect(openCbc(keys, header, new Uint8Array(0), iv, false).badLength).toBe(true);
  });
});
