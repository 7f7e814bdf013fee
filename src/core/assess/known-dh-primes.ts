import { getDiffieHellman } from 'node:crypto';

/**
 * Published Diffie-Hellman primes (RFC 2409 and RFC 3526 MODP groups, as OpenSSL ships them): servers
 * that use one share it with the world, and those of 1024 bits or fewer are within reach of the
 * precomputation behind Logjam (SSL Labs `dhUsesKnownPrimes` 2). Hex, lower case, no leading zeros.
 */
const MODP_GROUPS = ['modp1', 'modp2', 'modp5', 'modp14', 'modp15', 'modp16', 'modp17', 'modp18'] as const;

let known: ReadonlyMap<string, number> | undefined;

function knownPrimes(): ReadonlyMap<string, number> {
  known ??= new Map(
    MODP_GROUPS.map((name) => {
      const p = getDiffieHellman(name).getPrime('hex').replace(/^0+/, '');
      return [p, p.length * 4];
    }),
  );
  return known;
}

/** SSL Labs `dhUsesKnownPrimes`: 0 no, 1 a known prime that is not weak, 2 a known weak prime. */
export function dhKnownPrimeCode(primesHex: readonly string[]): 0 | 1 | 2 {
  let code: 0 | 1 | 2 = 0;
  for (const p of primesHex) {
    const bits = knownPrimes().get(p.toLowerCase().replace(/^0+/, ''));
    if (bits === undefined) continue;
    if (bits <= 1024) return 2;
    code = 1;
  }
  return code;
}
