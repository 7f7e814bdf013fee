/**
 * The TLS 1.3 key schedule up to the handshake traffic keys (RFC 8446 §7.1, §7.3): HKDF-Extract,
 * HKDF-Expand-Label and Derive-Secret over the suite's hash. Enough to decrypt a server's encrypted
 * handshake flight; nothing here derives application traffic keys.
 */
import { createHash, createHmac } from 'node:crypto';

export type Tls13Hash = 'sha256' | 'sha384';

/** A TLS 1.3 cipher suite (RFC 8446 §B.4): its AEAD and the hash of its key schedule. */
export interface Tls13Suite {
  readonly id: number;
  readonly name: string;
  readonly hash: Tls13Hash;
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  readonly keyLength: 16 | 32;
}

/** The suites the handshake reader offers and can decrypt, in preference order. */
export const TLS13_SUITES: readonly Tls13Suite[] = [
  { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', hash: 'sha256', cipher: 'aes-128-gcm', keyLength: 16 },
  { id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', hash: 'sha384', cipher: 'aes-256-gcm', keyLength: 32 },
  {
    id: 0x1303,
    name: 'TLS_CHACHA20_POLY1305_SHA256',
    hash: 'sha256',
    cipher: 'chacha20-poly1305',
    keyLength: 32,
  },
];

export const tls13Suite = (id: number): Tls13Suite | undefined => TLS13_SUITES.find((s) => s.id === id);

/** The hash's output length in bytes. */
export const hashLength = (hash: Tls13Hash): number => (hash === 'sha256' ? 32 : 48);

/** Hash(messages): the transcript hash of the concatenated handshake messages (RFC 8446 §4.4.1). */
export function tls13TranscriptHash(hash: Tls13Hash, messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return new Uint8Array(h.digest());
}

/** HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2); an empty salt is HashLen zeros. */
export function hkdfExtract(hash: Tls13Hash, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length === 0 ? new Uint8Array(hashLength(hash)) : salt;
  return new Uint8Array(createHmac(hash, key).update(ikm).digest());
}

/** HKDF-Expand (RFC 5869 §2.3): node's hkdf always extracts first, so the expand step is spelt out. */
function hkdfExpand(hash: Tls13Hash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let at = 0, i = 1; at < length; i++) {
    previous = new Uint8Array(
      createHmac(hash, prk).update(previous).update(info).update(Uint8Array.of(i)).digest(),
    );
    out.set(previous.subarray(0, Math.min(previous.length, length - at)), at);
    at += previous.length;
  }
  return out;
}

/** HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix (RFC 8446 §7.1). */
export function hkdfExpandLabel(
  hash: Tls13Hash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const full = new TextEncoder().encode(`tls13 ${label}`);
  if (full.length > 255 || context.length > 255) throw new RangeError('label or context too long');
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages) (RFC 8446 §7.1). */
export function deriveSecret(
  hash: Tls13Hash,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

export interface Tls13HandshakeSecrets {
  readonly earlySecret: Uint8Array;
  readonly handshakeSecret: Uint8Array;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
}

/**
 * The handshake secrets of a full (non-PSK) handshake: Early Secret from a zero PSK, Handshake
 * Secret from the (EC)DHE shared secret, and the two traffic secrets over Hash(ClientHello..ServerHello).
 */
export function tls13HandshakeSecrets(
  hash: Tls13Hash,
  sharedSecret: Uint8Array,
  helloHash: Uint8Array,
): Tls13HandshakeSecrets {
  const zeros = new Uint8Array(hashLength(hash));
  const earlySecret = hkdfExtract(hash, zeros, zeros);
  const derived = deriveSecret(hash, earlySecret, 'derived', tls13TranscriptHash(hash, []));
  const handshakeSecret = hkdfExtract(hash, derived, sharedSecret);
  return {
    earlySecret,
    handshakeSecret,
    clientHandshakeTrafficSecret: deriveSecret(hash, handshakeSecret, 'c hs traffic', helloHash),
    serverHandshakeTrafficSecret: deriveSecret(hash, handshakeSecret, 's hs traffic', helloHash),
  };
}

/** A traffic key and IV for one direction (RFC 8446 §7.3). */
export interface Tls13TrafficKeys {
  readonly suite: Tls13Suite;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export function tls13TrafficKeys(suite: Tls13Suite, trafficSecret: Uint8Array): Tls13TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    suite,
    key: hkdfExpandLabel(suite.hash, trafficSecret, 'key', empty, suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, trafficSecret, 'iv', empty, 12),
  };
}
