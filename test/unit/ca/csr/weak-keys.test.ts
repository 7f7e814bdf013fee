import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { CertgridError } from '../../../../src/core/errors.js';
import {
  checkCsr,
  createWeakKeyChecker,
  debianFingerprint,
  loadDebianBlocklist,
  parseCsr,
} from '../../../../src/core/ca/csr/index.js';
import type { CsrKey, WeakKeyChecker } from '../../../../src/core/ca/csr/index.js';
import { fermatFactor, isRocaVulnerable, isqrt } from '../../../../src/core/ca/csr/weak-keys.js';
import { requireTool } from '../../../helpers/tools.js';
import {
  ROCA_TEST_PRIMES,
  makeCsr,
  modPow,
  nextPrime,
  openssl,
  prime,
  randomBigInt,
  rocaPrime,
  rsaKeyFromPrimes,
  scratchDir,
} from './csr-helpers.js';

const hasOpenssl = requireTool('openssl', ['version']);

function rsaKey(n: bigint): CsrKey {
  return {
    algorithm: 'rsa',
    bits: n.toString(2).length,
    oid: '1.2.840.113549.1.1.1',
    rsaModulus: n,
    rsaExponent: 65537n,
  };
}

/** The `reason` of the CSR_KEY_KNOWN_WEAK the checker throws, or 'ok'. */
function weakReason(checker: WeakKeyChecker, key: CsrKey): string {
  try {
    checker.check(key, Buffer.alloc(0));
    return 'ok';
  } catch (e) {
    if (CertgridError.is(e, 'CSR_KEY_KNOWN_WEAK')) return String(e.data?.reason);
    throw e;
  }
}

function randomModulus(): bigint {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return BigInt('0x' + Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex'));
}

const checker = createWeakKeyChecker();
const normalModuli = Array.from({ length: 4 }, randomModulus);

describe('isqrt', () => {
  it('is the floor square root', () => {
    const samples = [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 2n ** 52n - 1n, 2n ** 106n];
    for (const bits of [8, 53, 64, 100, 511, 1024, 2048, 4097])
      samples.push(randomBigInt(bits), randomBigInt(bits) ** 2n);
    for (const n of samples) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n, `isqrt(${n})`).toBe(true);
    }
    expect(() => isqrt(-1n)).toThrow(RangeError);
  });
});

describe('Debian blocklist (CVE-2008-0166)', () => {
  const tmp = scratchDir();
  afterAll(() => tmp.cleanup());

  it.skipIf(!hasOpenssl)(
    "matches openssl-vulnkey's fingerprint: SHA-1 of `openssl rsa -modulus` output",
    () => {
      const { keyPem } = makeCsr(tmp.dir, { newkey: 'rsa:2048' });
      const line = openssl(['rsa', '-noout', '-modulus'], keyPem);
      expect(line).toMatch(/^Modulus=[0-9A-F]+\n$/);
      const expected = createHash('sha1').update(line).digest('hex').slice(20);
      const csr = parseCsr(makeCsr(tmp.dir, { keyPem }).pem);
      expect(debianFingerprint(csr.key.rsaModulus!)).toBe(expected);
      expect(expected).toHaveLength(20);
    },
  );

  it('loads comments, blank lines, CRLF, uppercase and full 40-digit lines', () => {
    const file = join(tmp.dir, 'blacklist.RSA-2048');
    writeFileSync(
      file,
      '# Keys from openssl-blacklist\n\n00005890bc78bcbee3ca\r\n  3C430072D96E4A1E1809  \n' +
        'da39a3ee5e6b4b0d3255bfef95601890afd80709\n',
    );
    expect([...loadDebianBlocklist(file)]).toEqual([
      '00005890bc78bcbee3ca',
      '3c430072d96e4a1e1809',
      '3255bfef95601890afd80709'.slice(-20),
    ]);
  });

  it('rejects a malformed blocklist with INVALID_FORMAT naming the line', () => {
    const file = join(tmp.dir, 'bad');
    writeFileSync(file, '# ok\n00005890bc78bcbee3ca\nnot-a-fingerprint\n');
    expect(() => loadDebianBlocklist(file)).toThrow(/bad:3:/);
    expect(() => createWeakKeyChecker({ debianBlocklists: [file] })).toThrow(CertgridError);
  });

  it.skipIf(!hasOpenssl)('rejects a listed key and passes an unlisted one', () => {
    const listed = parseCsr(makeCsr(tmp.dir, { newkey: 'rsa:2048' }).pem);
    const unlisted = parseCsr(makeCsr(tmp.dir, { newkey: 'rsa:2048' }).pem);
    const file = join(tmp.dir, 'blacklist.RSA-2048-test');
    writeFileSync(file, `# test\n00005890bc78bcbee3ca\n${debianFingerprint(listed.key.rsaModulus!)}\n`);
    const weakKeys = createWeakKeyChecker({ debianBlocklists: [file] });

    let caught: unknown;
    try {
      checkCsr(listed, { weakKeys });
    } catch (e) {
      caught = e;
    }
    expect(CertgridError.is(caught, 'CSR_KEY_KNOWN_WEAK')).toBe(true);
    expect((caught as CertgridError).data).toEqual({ reason: 'debian' });
    expect(() => checkCsr(unlisted, { weakKeys })).not.toThrow();
  });
});

describe('small prime factors', () => {
  it('rejects a modulus with a factor below 752, as goodkey does', () => {
    const p = prime(1024);
    expect(weakReason(checker, rsaKey(p * 751n * nextPrime(randomBigInt(1013))))).toBe('small-factor');
    expect(weakReason(checker, rsaKey(normalModuli[0]! * 2n))).toBe('small-factor');
  });
});

describe('ROCA (CVE-2017-15361)', () => {
  /** Whether n mod p lies in <65537> mod p for every detector prime, by brute force. */
  function hasRocaStructure(n: bigint): boolean {
    return ROCA_TEST_PRIMES.every((p) => {
      const P = BigInt(p);
      const r = n % P;
      for (let k = 0n, x = 1n; k < P; k++, x = (x * 65537n) % P) if (x === r) return true;
      return false;
    });
  }

  it('flags a real Infineon RSALib modulus (crocs-muni/roca roca/tests/data/mod03.txt)', () => {
    const n = BigInt(
      '0x9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc8' +
        '9855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f83' +
        '32d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d3' +
        '1b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed31' +
        '1ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11',
    );
    expect(n.toString(2)).toHaveLength(2048);
    expect(hasRocaStructure(n)).toBe(true);
    expect(isRocaVulnerable(n)).toBe(true);
    expect(weakReason(checker, rsaKey(n))).toBe('roca');
  });

  it('flags a synthetic modulus built from primes k·M + (65537^a mod M)', () => {
    for (let i = 0; i < 2; i++) {
      const n = rocaPrime(512) * rocaPrime(512);
      expect(hasRocaStructure(n)).toBe(true);
      expect(isRocaVulnerable(n)).toBe(true);
    }
  });

  it('agrees with the defining property on ordinary keys, and does not flag them', () => {
    for (const n of normalModuli) {
      expect(isRocaVulnerable(n)).toBe(hasRocaStructure(n));
      expect(isRocaVulnerable(n)).toBe(false);
      expect(weakReason(checker, rsaKey(n))).toBe('ok');
    }
  });

  it('tests every detector prime: breaking the structure at any one of them clears the flag', () => {
    const n = rocaPrime(512) * rocaPrime(512);
    const M = ROCA_TEST_PRIMES.reduce((m, p) => m * BigInt(p), 1n);
    let proper = 0;
    for (const p of ROCA_TEST_PRIMES) {
      const P = BigInt(p);
      const subgroup = new Set<bigint>();
      for (let x = 1n; !subgroup.has(x); x = (x * 65537n) % P) subgroup.add(x);
      if (subgroup.size === p - 1) continue; // 65537 generates all of (Z/pZ)*: nothing to break
      proper++;
      let target = 1n;
      while (subgroup.has(target)) target++;
      // n' ≡ n mod every other detector prime, n' ≡ target mod p.
      const step = M / P;
      const t = ((target - (n % P) + P) * modPow(step % P, P - 2n, P)) % P;
      const broken = n + t * step;
      expect(broken % P).toBe(target);
      expect(isRocaVulnerable(broken), `prime ${p}`).toBe(false);
    }
    // 65537 generates a proper subgroup for 17 of the 38 primes (11, 13, 17, 19, 37 ...); the rest
    // only ever rule out N ≡ 0, which the small-factor test already does.
    expect(proper).toBe(17);
  });

  it.skipIf(!hasOpenssl)('rejects a ROCA-form key in a real CSR', () => {
    const tmp = scratchDir();
    try {
      const csr = parseCsr(
        makeCsr(tmp.dir, { keyPem: rsaKeyFromPrimes(rocaPrime(1024), rocaPrime(1024)) }).pem,
      );
      expect(csr.key.bits).toBe(2048);
      expect(() => checkCsr(csr, { weakKeys: checker })).toThrow(
        expect.objectContaining({ code: 'CSR_KEY_KNOWN_WEAK' }),
      );
    } finally {
      tmp.cleanup();
    }
  });
});

describe('Fermat close primes (CVE-2022-26320)', () => {
  it('factors N = p·q with q the next prime after p + 2^100', () => {
    const p = prime(1024);
    const q = nextPrime(p + 2n ** 100n);
    const n = p * q;
    expect(n.toString(2)).toHaveLength(2048);
    expect(fermatFactor(n, 100)).toEqual([p, q]);
    expect(weakReason(checker, rsaKey(n))).toBe('fermat');
  });

  it('honours the round budget', () => {
    // q - p ≈ 2^516 puts (p + q)/2 about 2^1029 / p ≈ 32..43 steps above ⌈√N⌉.
    const p = prime(1024);
    const q = nextPrime(p + 2n ** 516n);
    const n = p * q;
    let a0 = isqrt(n);
    if (a0 * a0 < n) a0 += 1n;
    const steps = Number((p + q) / 2n - a0);
    expect(steps).toBeGreaterThan(10);
    expect(steps).toBeLessThan(100);
    expect(fermatFactor(n, steps + 1)).toEqual([p, q]);
    expect(fermatFactor(n, steps)).toBeUndefined();
    expect(weakReason(createWeakKeyChecker({ fermatRounds: 100 }), rsaKey(n))).toBe('fermat');
    expect(weakReason(createWeakKeyChecker({ fermatRounds: 10 }), rsaKey(n))).toBe('ok');
    expect(weakReason(createWeakKeyChecker({ fermatRounds: 0 }), rsaKey(n))).toBe('ok');
  });

  it('does not flag ordinary keys', () => {
    for (const n of normalModuli) expect(fermatFactor(n, 1000)).toBeUndefined();
  });

  it.skipIf(!hasOpenssl)('rejects a close-primes key in a real CSR', () => {
    const tmp = scratchDir();
    try {
      const p = prime(1024);
      const csr = parseCsr(makeCsr(tmp.dir, { keyPem: rsaKeyFromPrimes(p, nextPrime(p + 2n ** 64n)) }).pem);
      let caught: unknown;
      try {
        checkCsr(csr, { weakKeys: checker });
      } catch (e) {
        caught = e;
      }
      expect(CertgridError.is(caught, 'CSR_KEY_KNOWN_WEAK')).toBe(true);
      expect((caught as CertgridError).data).toEqual({ reason: 'fermat' });
    } finally {
      tmp.cleanup();
    }
  });

  it('validates fermatRounds', () => {
    expect(() => createWeakKeyChecker({ fermatRounds: -1 })).toThrow(TypeError);
    expect(() => createWeakKeyChecker({ fermatRounds: 1.5 })).toThrow(TypeError);
  });
});

describe('non-RSA keys', () => {
  it('pass the checker untouched', () => {
    expect(
      weakReason(checker, { algorithm: 'ec', bits: 256, curve: 'P-256', oid: '1.2.840.10045.2.1' }),
    ).toBe('ok');
    expect(weakReason(checker, { algorithm: 'ed25519', bits: 256, oid: '1.3.101.112' })).toBe('ok');
  });
});
