/**
 * Passwords and API keys: how they are made, stored and checked. Internal to accounts/.
 */
import { createHash, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Random } from '../deps.js';

// OWASP's scrypt floor is N=2^17 with r=8; 2^15 keeps a login under ~100 ms on small machines
// while costing an attacker 32 MiB per guess. Parameters travel inside each hash, so they can rise later.
const SCRYPT_N = 1 << 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds applied to stored parameters before use: a tampered row must not make us allocate gigabytes.
const MAX_N = 1 << 20;

export const MIN_PASSWORD_LENGTH = 8;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const maxmem = (n: number, r: number): number => 128 * n * r * 2;

/** `scrypt$N$r$p$saltB64$hashB64` */
export async function hashPassword(password: string, random: Random): Promise<string> {
  const salt = random.bytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, HASH_BYTES, {
    N: SCRYPT_N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    maxmem: maxmem(SCRYPT_N, SCRYPT_R),
  });
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every(Number.isSafeInteger) || n < 2 || n > MAX_N || (n & (n - 1)) !== 0) return false;
  if (r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4] as string, 'base64');
  const expected = Buffer.from(parts[5] as string, 'base64');
  if (salt.length === 0 || expected.length < 16) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N: n, r, p, maxmem: maxmem(n, r) });
  return timingSafeEqual(actual, expected);
}

/** A hash that never matches, used to spend the same time when the user does not exist. */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(HASH_BYTES).toString('base64')}`;

const API_KEY_BYTES = 32;

/**
 * A new API key: 256 random bits as 64 lowercase hex characters. Hex, not base64url, so a key
 * never starts with `-` (which command-line parsers would take for an option).
 */
export function newApiKey(random: Random): string {
  const b = random.bytes(API_KEY_BYTES);
  if (b.length !== API_KEY_BYTES) throw new TypeError('newApiKey: random source returned too few bytes');
  return Buffer.from(b).toString('hex');
}

/**
 * Lowercase hex SHA-256 of a key. A fast hash is enough: keys carry 256 bits of entropy, so
 * there is nothing to brute-force (unlike passwords).
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Constant-time equality of two lowercase-hex SHA-256 digests. */
export function digestsEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}
