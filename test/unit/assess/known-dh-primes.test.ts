import { createDiffieHellman, getDiffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dhKnownPrimeCode } from '../../../src/core/assess/known-dh-primes.js';

describe('known DH primes', () => {
  it('flags the RFC 2409 1024-bit group as known and weak, the RFC 3526 2048-bit group as known', () => {
    expect(dhKnownPrimeCode([getDiffieHellman('modp2').getPrime('hex')])).toBe(2);
    expect(dhKnownPrimeCode([getDiffieHellman('modp14').getPrime('hex').toUpperCase()])).toBe(1);
    // A weak known prime anywhere in the list wins.
    expect(
      dhKnownPrimeCode([
        getDiffieHellman('modp14').getPrime('hex'),
        getDiffieHellman('modp1').getPrime('hex'),
      ]),
    ).toBe(2);
  });

  it('does not know a freshly generated prime', () => {
    const fresh = createDiffieHellman(512).getPrime('hex');
    expect(dhKnownPrimeCode([fresh])).toBe(0);
    expect(dhKnownPrimeCode([])).toBe(0);
  });
});
