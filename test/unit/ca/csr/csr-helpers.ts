import { execFileSync } from 'node:child_process';
import { checkPrimeSync, createPrivateKey, generatePrimeSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory for openssl's key and CSR files; remove it in afterAll. */
export function scratchDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-csr-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openssl(args: readonly string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
}

let seq = 0;

export interface CsrOptions {
  /** `-newkey` value: rsa:2048, ec, ed25519, dsa:<paramfile> ... */
  readonly newkey?: string;
  /** An existing private key PEM instead of `newkey`. */
  readonly keyPem?: string;
  readonly pkeyopt?: readonly string[];
  readonly sigopt?: readonly string[];
  /** Digest flag without the dash: sha1, sha256, sha512 ... */
  readonly digest?: string;
  readonly subj?: string;
  readonly addext?: readonly string[];
  /** Further `openssl req` flags, e.g. -utf8. */
  readonly extra?: readonly string[];
}

/** Makes a CSR with `openssl req`; returns its PEM and the key PEM. */
export function makeCsr(dir: string, o: CsrOptions): { pem: string; keyPem: string } {
  const n = ++seq;
  const keyFile = join(dir, `key${n}.pem`);
  const csrFile = join(dir, `csr${n}.pem`);
  const args = ['req', '-new', '-subj', o.subj ?? '/CN=test.example', '-out', csrFile];
  if (o.keyPem !== undefined) {
    writeFileSync(keyFile, o.keyPem);
    args.push('-key', keyFile);
  } else {
    args.push('-newkey', o.newkey ?? 'rsa:2048', '-nodes', '-keyout', keyFile);
  }
  for (const p of o.pkeyopt ?? []) args.push('-pkeyopt', p);
  for (const s of o.sigopt ?? []) args.push('-sigopt', s);
  for (const e of o.addext ?? []) args.push('-addext', e);
  if (o.digest !== undefined) args.push(`-${o.digest}`);
  args.push(...(o.extra ?? []));
  openssl(args);
  return { pem: openssl(['req', '-in', csrFile]), keyPem: openssl(['pkey', '-in', keyFile]) };
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

// ---------------------------------------------------------------------------------------------
// Hand-built RSA keys for the ROCA and Fermat tests
// ---------------------------------------------------------------------------------------------

export function randomBigInt(bits: number): bigint {
  const bytes = randomBytes(Math.ceil(bits / 8));
  return BigInt('0x' + bytes.toString('hex')) >> BigInt(bytes.length * 8 - bits);
}

export function isProbablePrime(n: bigint): boolean {
  return checkPrimeSync(n, { checks: 32 });
}

export function nextPrime(n: bigint): bigint {
  let c = n % 2n === 0n ? n + 1n : n;
  while (!isProbablePrime(c)) c += 2n;
  return c;
}

export function prime(bits: number): bigint {
  // OpenSSL sets the top two bits, so the product of two such primes has exactly 2·bits bits.
  return generatePrimeSync(bits, { bigint: true });
}

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

function b64url(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** A PKCS#8 PEM RSA private key for the given primes (e = 65537). */
export function rsaKeyFromPrimes(p: bigint, q: bigint): string {
  const e = 65537n;
  const n = p * q;
  const d = modInverse(e, (p - 1n) * (q - 1n));
  const jwk = {
    kty: 'RSA',
    n: b64url(n),
    e: b64url(e),
    d: b64url(d),
    p: b64url(p),
    q: b64url(q),
    dp: b64url(d % (p - 1n)),
    dq: b64url(d % (q - 1n)),
    qi: b64url(modInverse(q, p)),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The primes 3..167 the ROCA detector tests, and M = their product times 2. */
export const ROCA_TEST_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
  109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];
const ROCA_M = ROCA_TEST_PRIMES.reduce((m, p) => m * BigInt(p), 2n);

/**
 * A prime of Infineon RSALib's form p = k·M + (65537^a mod M) (Nemec et al., CCS 2017 §2.2), with
 * the top two bits set so two of them multiply to exactly 2·bits bits.
 */
export function rocaPrime(bits: number): bigint {
  for (;;) {
    const a = randomBigInt(64);
    const r = randomBigInt(bits) | (3n << BigInt(bits - 2));
    const p = (r / ROCA_M) * ROCA_M + modPow(65537n, a, ROCA_M);
    if (p >> BigInt(bits - 2) === 3n && p >> BigInt(bits) === 0n && isProbablePrime(p)) return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-built CSRs, for encodings openssl never writes
// ---------------------------------------------------------------------------------------------

export function der(tag: number, ...parts: Buffer[]): Buffer {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const header = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  return Buffer.concat([Buffer.from(header), ...parts]);
}

/** A CSR for `spki` with subject CN=hand.example, signed by `privateKey` (ecdsa-with-SHA256). */
export function handBuiltEcCsr(spki: Buffer, privateKey: KeyObject): Buffer {
  const cn = der(0x30, der(0x06, Buffer.from('550403', 'hex')), der(0x0c, Buffer.from('hand.example')));
  const cri = der(0x30, der(0x02, Buffer.from([0])), der(0x30, der(0x31, cn)), spki, der(0xa0));
  const sigAlg = der(0x30, der(0x06, Buffer.from('2a8648ce3d040302', 'hex')));
  const signature = sign('sha256', cri, privateKey);
  return der(0x30, cri, sigAlg, der(0x03, Buffer.from([0]), signature));
}

/** The SPKI of a P-256 public key with its point in SEC 1 §2.3.3 compressed form. */
export function compressedP256Spki(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  const point = Buffer.concat([Buffer.from([0x02 | (y[y.length - 1]! & 1)]), x]);
  const algId = der(
    0x30,
    der(0x06, Buffer.from('2a8648ce3d0201', 'hex')),
    der(0x06, Buffer.from('2a8648ce3d030107', 'hex')),
  );
  return der(0x30, algId, der(0x03, Buffer.from([0]), point));
}
