import { describe, expect, it } from 'vitest';
import { fixedClock, systemRandom } from '../../src/core/deps.js';

describe('systemRandom (pooled CSPRNG)', () => {
  it('hands out fresh bytes every time, across pool refills', () => {
    const seen = new Set<string>();
    // 16-byte draws, as serials use: 256 per 4 KiB block, so this crosses many refills.
    for (let i = 0; i < 2000; i++) {
      const b = systemRandom.bytes(16);
      expect(b).toHaveLength(16);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });

  it('returns copies the pool cannot change later, and serves large requests directly', () => {
    const a = systemRandom.bytes(32);
    const copy = Buffer.from(a);
    for (let i = 0; i < 300; i++) systemRandom.bytes(32);
    expect(a.equals(copy)).toBe(true);
    expect(systemRandom.bytes(4096)).toHaveLength(4096);
    expect(systemRandom.bytes(0)).toHaveLength(0);
  });
});

describe('fixedClock', () => {
  it('moves only when told', () => {
    const c = fixedClock(new Date('2030-01-01T00:00:00Z'));
    expect(c.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    c.advance(1500);
    expect(c.now().toISOString()).toBe('2030-01-01T00:00:01.500Z');
    c.set(new Date('2031-01-01T00:00:00Z'));
    expect(c.now().getUTCFullYear()).toBe(2031);
  });
});
