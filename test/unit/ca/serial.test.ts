import { describe, expect, it } from 'vitest';
import { integerFromHex } from '../../../src/core/ca/der.js';
import { newSerialHex, normalizeSerialHex } from '../../../src/core/ca/serial.js';
import { systemRandom, type Random } from '../../../src/core/deps.js';
import { CertgridError } from '../../../src/core/errors.js';

const fixed = (byte: number): Random => ({ bytes: (n) => Buffer.alloc(n, byte) });

describe('newSerialHex', () => {
  it('is positive, 16 octets, ≤ 20 octets encoded, ≥ 121 bits and unique over 20,000 samples', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const s = newSerialHex(systemRandom);
      expect(s).toMatch(/^[0-9A-F]{32}$/);
      const first = parseInt(s.slice(0, 2), 16);
      expect(first).toBeGreaterThan(0); // no leading zero octet, never zero
      expect(first).toBeLessThan(0x80); // top bit clear: positive without a pad octet
      const der = integerFromHex(s);
      expect(der.length - 2).toBe(16);
      expect(der.length - 2).toBeLessThanOrEqual(20);
      expect(BigInt(`0x${s}`) >= 2n ** 120n).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(20_000);
  });

  it('uses the injected randomness, clearing the top bit and never yielding a zero first octet', () => {
    expect(newSerialHex(fixed(0xff))).toBe(`7F${'FF'.repeat(15)}`);
    expect(newSerialHex(fixed(0x00))).toBe(`01${'00'.repeat(15)}`);
    expect(newSerialHex(fixed(0x80))).toBe(`01${'80'.repeat(15)}`);
    expect(() => newSerialHex({ bytes: () => Buffer.alloc(4) })).toThrow(TypeError);
  });
});

describe('normalizeSerialHex', () => {
  it('strips separators and prefixes, uppercases and drops leading zero octets', () => {
    expect(normalizeSerialHex('00:8f:1a')).toBe('8F1A');
    expect(normalizeSerialHex(' 0x0A bc ')).toBe('0ABC');
    expect(normalizeSerialHex('abc')).toBe('0ABC');
    expect(normalizeSerialHex('0000')).toBe('00');
    expect(normalizeSerialHex('0001')).toBe('01');
    expect(normalizeSerialHex('7F\n00')).toBe('7F00');
  });

  it('rejects non-hex input with INVALID_ARGUMENT', () => {
    for (const bad of ['', 'xyz', '12-34', '0x']) {
      expect(() => normalizeSerialHex(bad)).toThrow(CertgridError);
      try {
        normalizeSerialHex(bad);
      } catch (e) {
        expect((e as CertgridError).code).toBe('INVALID_ARGUMENT');
      }
    }
  });
});
