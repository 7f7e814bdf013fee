import { getCurves } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  NAMED_GROUPS,
  isEcGroup,
  isFfdheGroup,
  isHybridGroup,
  isPostQuantumGroup,
  namedGroup,
  namedGroupKind,
} from '../../../src/core/scan/named-groups.js';

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The assigned values of the IANA TLS Supported Groups registry (GREASE and private use excluded). */
const IANA_ASSIGNED = [
  ...range(1, 41),
  ...range(256, 260),
  ...range(0x0200, 0x0202),
  ...range(0x11eb, 0x11ed),
  0x6399,
  0x639a,
  0xff01,
  0xff02,
];

describe('named group registry', () => {
  it('has unique ids and names, ordered by id', () => {
    const ids = NAMED_GROUPS.map((g) => g.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(NAMED_GROUPS.map((g) => g.name)).size).toBe(ids.length);
    expect(NAMED_GROUPS).toHaveLength(57);
  });

  it('holds every registered value and nothing for GREASE or private use', () => {
    for (const id of IANA_ASSIGNED) expect(namedGroup(id), `group ${id}`).toBeDefined();
    for (const grease of [0x0a0a, 0x1a1a, 0xfafa]) expect(namedGroup(grease)).toBeUndefined();
    expect(namedGroup(0)).toBeUndefined();
    expect(namedGroup(0x01fc)).toBeUndefined(); // FFDHE private use
    expect(namedGroup(0xfe00)).toBeUndefined(); // ECDHE private use
  });

  it('names and sizes of the common groups, as SSL Labs reports them', () => {
    expect(namedGroup(23)).toEqual({ id: 23, name: 'secp256r1', bits: 256 });
    expect(namedGroup(24)).toEqual({ id: 24, name: 'secp384r1', bits: 384 });
    expect(namedGroup(25)).toEqual({ id: 25, name: 'secp521r1', bits: 521 });
    expect(namedGroup(29)).toEqual({ id: 29, name: 'x25519', bits: 256 });
    expect(namedGroup(30)).toEqual({ id: 30, name: 'x448', bits: 224 });
    expect(namedGroup(26)).toEqual({ id: 26, name: 'brainpoolP256r1', bits: 256 });
    expect(namedGroup(33)).toEqual({ id: 33, name: 'brainpoolP512r1tls13', bits: 512 });
    expect(namedGroup(1)).toEqual({ id: 1, name: 'sect163k1', bits: 163 });
    expect(namedGroup(41)).toEqual({ id: 41, name: 'curveSM2', bits: 256 });
    for (const [id, bits] of [
      [256, 2048],
      [257, 3072],
      [258, 4096],
      [259, 6144],
      [260, 8192],
    ] as const) {
      expect(namedGroup(id)).toEqual({ id, name: `ffdhe${bits}`, bits });
    }
  });

  it('the post-quantum groups', () => {
    expect(namedGroup(0x11ec)).toEqual({ id: 0x11ec, name: 'X25519MLKEM768', bits: 256 });
    expect(namedGroup(0x11eb)).toEqual({ id: 0x11eb, name: 'SecP256r1MLKEM768', bits: 256 });
    expect(namedGroup(0x11ed)).toEqual({ id: 0x11ed, name: 'SecP384r1MLKEM1024', bits: 384 });
    expect(namedGroup(0x6399)).toEqual({ id: 0x6399, name: 'X25519Kyber768Draft00', bits: 256 });
    expect(namedGroup(0x0201)?.name).toBe('MLKEM768');
  });

  it('the size of a SEC 2 or Brainpool curve is the one in its name', () => {
    for (const g of NAMED_GROUPS) {
      const m = /^(?:sec[pt]|brainpoolP)(\d+)/.exec(g.name);
      if (m) expect(g.bits, g.name).toBe(Number(m[1]));
    }
  });

  it('spells the classical curves as OpenSSL does', () => {
    const known = new Set(getCurves());
    // OpenSSL names these two by their X9.62 aliases.
    const alias: Record<string, string> = { secp192r1: 'prime192v1', secp256r1: 'prime256v1' };
    for (const g of NAMED_GROUPS) {
      if (!/^(sec[pt]\d+[kr]\d|brainpoolP\d+r1)$/.test(g.name)) continue;
      expect(known.has(alias[g.name] ?? g.name), g.name).toBe(true);
    }
  });

  it('classifies groups', () => {
    expect(isEcGroup(23)).toBe(true);
    expect(isEcGroup(29)).toBe(true);
    expect(isEcGroup(0xff01)).toBe(true);
    expect(isEcGroup(256)).toBe(false);
    expect(isEcGroup(0x11ec)).toBe(false);
    expect(isEcGroup(0x0a0a)).toBe(false);
    expect(isFfdheGroup(256)).toBe(true);
    expect(isFfdheGroup(260)).toBe(true);
    expect(isFfdheGroup(23)).toBe(false);
    expect(isFfdheGroup(0x01fc)).toBe(false);
    expect(isHybridGroup(0x11ec)).toBe(true);
    expect(isHybridGroup(0x0201)).toBe(false);
    expect(isPostQuantumGroup(0x0201)).toBe(true);
    expect(isPostQuantumGroup(0x6399)).toBe(true);
    expect(isPostQuantumGroup(29)).toBe(false);
    expect(namedGroupKind(0x0200)).toBe('PQ');
    expect(namedGroupKind(7)).toBe('EC');
    expect(namedGroupKind(0x1234)).toBeUndefined();
    for (const g of NAMED_GROUPS) {
      const kinds = [isEcGroup(g.id), isFfdheGroup(g.id), isHybridGroup(g.id), namedGroupKind(g.id) === 'PQ'];
      expect(kinds.filter(Boolean), g.name).toHaveLength(1);
      if (isFfdheGroup(g.id)) expect(g.bits).toBeGreaterThanOrEqual(2048);
    }
  });
});
