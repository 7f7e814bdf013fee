/**
 * Finite-field Diffie-Hellman primes for the fakes' DHE ServerKeyExchange (generator 2 for all three).
 * The scanner reports the size of dh_p (and compares it with known groups); the fakes never finish a key
 * exchange, so any prime of the right size would do, but real published groups keep the fixtures honest.
 * `test/e2e/tls-fakes.test.ts` checks each one is a safe prime of the stated size.
 */
import { fromHex } from '../../../../src/core/scan/wire/index.js';

/**
 * A 512-bit safe prime for the export (Logjam-era) server, generated once with `openssl dhparam 512`
 * (OpenSSL 3.0 still makes 512-bit groups; TLS stacks just refuse to use them). Not a published group:
 * 512-bit DHE was never standardised beyond the export suites' "at most 512 bits" rule.
 */
export const DH_PRIME_512_HEX =
  'c87e8629c24a6623127c836b3e87f6d3a2970640b0394ef8c459677e19735750' +
  'bbab0517c6c703bbe87c5cb6f4f9d18c06cc4412f87c1b2271ca228a40e8bd67';

/**
 * The 1024-bit MODP group of RFC 2409 §6.2 ("Oakley group 2", IKE group 2): the prime behind most
 * 1024-bit DHE deployments (and `getDiffieHellman('modp2')` in node:crypto). The "weak DH" case.
 */
export const MODP_1024_HEX =
  'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
  '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
  '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
  'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece65381ffffffffffffffff';

/** ffdhe2048 of RFC 7919 Appendix A.1: the default for DHE suites. */
export const FFDHE_2048_HEX =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695' +
  'a9e13641146433fbcc939dce249b3ef97d2fe363630c75d8f681b202aec4617a' +
  'd3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797a' +
  'bc0ab182b324fb61d108a94bb2c8e3fbb96adab760d7f4681d4f42a3de394df4' +
  'ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005' +
  'c58ef1837d1683b2c6f34a26c1b2effa886b423861285c97ffffffffffffffff';

/** Names a `FakeServerConfig.dhPrime` may use instead of raw bytes. */
export type DhPrimeName = 'dh512' | 'modp1024' | 'ffdhe2048';

export const DH_PRIMES: Readonly<Record<DhPrimeName, string>> = {
  dh512: DH_PRIME_512_HEX,
  modp1024: MODP_1024_HEX,
  ffdhe2048: FFDHE_2048_HEX,
};

/** The DH generator the fakes send with every prime. */
export const DH_GENERATOR = 2;

/** The prime's big-endian bytes. */
export function dhPrimeBytes(prime: DhPrimeName | Uint8Array): Uint8Array {
  return typeof prime === 'string' ? fromHex(DH_PRIMES[prime]) : prime;
}
