/**
 * The TLS pseudorandom function and everything derived from it: master secret, extended master
 * secret, key block, Finished verify_data. Pure functions over bytes.
 *
 * TLS 1.2 (RFC 5246 §5): PRF = P_<hash>(secret, label ‖ seed), the hash being SHA-256 or the
 * suite's (SHA-384). TLS 1.0 and 1.1 (RFC 2246 §5, RFC 4346 §5): the secret is split in two
 * halves, which share a byte when its length is odd, and PRF = P_MD5(S1, …) ⊕ P_SHA1(S2, …).
 */
import { createHash, createHmac } from 'node:crypto';
import { concatBytes } from '../wire/index.js';
import type { PrfHash } from './cipher-spec.js';

const TLS12 = 0x0303;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const hmac = (hash: string, key: Uint8Array, ...data: Uint8Array[]): Uint8Array => {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return new Uint8Array(h.digest());
};

/** P_hash(secret, seed) of RFC 5246 §5, truncated to `length` bytes. */
export function pHash(
  hash: 'md5' | 'sha1' | PrfHash,
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed; // A(0)
  for (let at = 0; at < length;) {
    a = hmac(hash, secret, a); // A(i) = HMAC(secret, A(i-1))
    const block = hmac(hash, secret, a, seed);
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** The TLS 1.2 PRF: P_hash(secret, label ‖ seed). */
export function prf12(
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(hash, secret, concatBytes([ascii(label), seed]), length);
}

/** The TLS 1.0/1.1 PRF: P_MD5(S1, label ‖ seed) ⊕ P_SHA-1(S2, label ‖ seed). */
export function prf10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const half = Math.ceil(secret.length / 2);
  const labelSeed = concatBytes([ascii(label), seed]);
  const md5 = pHash('md5', secret.subarray(0, half), labelSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelSeed, length);
  for (let i = 0; i < length; i++) md5[i] = (md5[i] as number) ^ (sha1[i] as number);
  return md5;
}

/** The PRF of `version` (0x0301 … 0x0303); `hash` matters only for TLS 1.2. */
export function prf(
  version: number,
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return version >= TLS12 ? prf12(hash, secret, label, seed, length) : prf10(secret, label, seed, length);
}

/** master_secret = PRF(pre_master_secret, "master secret", client_random ‖ server_random)[0..47] (RFC 5246 §8.1). */
export function masterSecret(
  version: number,
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(version, hash, preMasterSecret, 'master secret', concatBytes([clientRandom, serverRandom]), 48);
}

/**
 * The RFC 7627 §4 master secret: PRF(pre_master_secret, "extended master secret", session_hash),
 * session_hash being the transcript hash up to and including ClientKeyExchange.
 */
export function extendedMasterSecret(
  version: number,
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf(version, hash, preMasterSecret, 'extended master secret', sessionHash, 48);
}

/**
 * Hash of the handshake messages: the PRF hash in TLS 1.2 (RFC 5246 §7.4.9), MD5 ‖ SHA-1 before
 * (RFC 2246 §7.4.9).
 */
export function transcriptHash(version: number, hash: PrfHash, messages: Uint8Array): Uint8Array {
  if (version >= TLS12) return new Uint8Array(createHash(hash).update(messages).digest());
  return concatBytes([
    new Uint8Array(createHash('md5').update(messages).digest()),
    new Uint8Array(createHash('sha1').update(messages).digest()),
  ]);
}

/** Finished.verify_data: PRF(master_secret, "<side> finished", Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(
  version: number,
  hash: PrfHash,
  master: Uint8Array,
  side: 'client' | 'server',
  messages: Uint8Array,
): Uint8Array {
  return prf(version, hash, master, `${side} finished`, transcriptHash(version, hash, messages), 12);
}

/** key_block = PRF(master_secret, "key expansion", server_random ‖ client_random) (RFC 5246 §6.3). */
export function keyBlock(
  version: number,
  hash: PrfHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  length: number,
): Uint8Array {
  return prf(version, hash, master, 'key expansion', concatBytes([serverRandom, clientRandom]), length);
}
