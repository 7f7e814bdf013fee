/**
 * What the session engine needs to know about a TLS 1.0–1.2 cipher suite to run it: the key
 * exchange, the record protection (block cipher + HMAC, or AEAD) and the PRF hash. Derived from the
 * cipher registry; suites this engine cannot run have no spec.
 */
import { cipherSuite } from '../ciphers.js';

export type KeyExchangeAlgorithm = 'rsa' | 'dhe' | 'ecdhe';
export type MacAlgorithm = 'sha1' | 'sha256' | 'sha384';
/** The TLS 1.2 PRF hash (RFC 5246 §5): SHA-256 unless the suite names SHA-384. TLS 1.0/1.1 use MD5⊕SHA-1. */
export type PrfHash = 'sha256' | 'sha384';

/** GenericBlockCipher with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2). */
export interface BlockProtection {
  readonly kind: 'block';
  /** node:crypto cipher name. */
  readonly cipher: 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';
  readonly keyLength: number;
  readonly blockSize: number;
  readonly macAlgorithm: MacAlgorithm;
  readonly macLength: number;
}

/**
 * GenericAEADCipher (RFC 5246 §6.2.3.3): AES-GCM with a 4-byte salt and an 8-byte explicit nonce
 * (RFC 5288 §3), or ChaCha20-Poly1305 with a 12-byte IV XORed with the sequence number (RFC 7905 §2).
 */
export interface AeadProtection {
  readonly kind: 'aead';
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  readonly keyLength: number;
  /** Implicit part of the nonce, from the key block. */
  readonly fixedIvLength: number;
  /** Explicit nonce carried in each record. */
  readonly recordIvLength: number;
  readonly tagLength: number;
}

export type RecordProtectionSpec = BlockProtection | AeadProtection;

export interface CipherSpec {
  readonly suite: number;
  /** IANA name. */
  readonly name: string;
  readonly keyExchange: KeyExchangeAlgorithm;
  /** The server sends no certificate (DH_anon, ECDH_anon). */
  readonly anonymous: boolean;
  readonly protection: RecordProtectionSpec;
  readonly prfHash: PrfHash;
}

const MAC: Readonly<Record<string, { algorithm: MacAlgorithm; length: number }>> = {
  SHA: { algorithm: 'sha1', length: 20 },
  SHA256: { algorithm: 'sha256', length: 32 },
  SHA384: { algorithm: 'sha384', length: 48 },
};

// Pre-RFC 7905 ChaCha20 code points use another nonce construction; they are not run here.
const OLD_CHACHA = new Set([0xcc13, 0xcc14, 0xcc15]);

/**
 * The key exchange of a suite, whether or not this engine runs its bulk cipher: RSA key transport,
 * ephemeral DH or ephemeral ECDH (signed or anonymous). Undefined for every other kind (static DH,
 * PSK, SRP, export RSA with its temporary key, TLS 1.3 suites).
 */
export function keyExchangeOf(id: number): KeyExchangeAlgorithm | undefined {
  const info = cipherSuite(id);
  if (info === undefined || info.export || info.maxProtocol > 0x0303 || info.minProtocol < 0x0300)
    return undefined;
  if (info.kx === 'RSA' && info.auth === 'RSA') return 'rsa';
  if (info.kx === 'DH' && info.forwardSecrecy) return 'dhe';
  if (info.kx === 'ECDH' && info.forwardSecrecy) return 'ecdhe';
  return undefined;
}

function protectionOf(iana: string, cipher: string, mode: string, strength: number, mac: string) {
  if (mode === 'CBC') {
    const m = MAC[mac];
    if (m === undefined) return undefined;
    const base = { kind: 'block', macAlgorithm: m.algorithm, macLength: m.length } as const;
    if (cipher === 'AES' && (strength === 128 || strength === 256)) {
      const name = strength === 128 ? 'aes-128-cbc' : 'aes-256-cbc';
      return { ...base, cipher: name, keyLength: strength / 8, blockSize: 16 } as const;
    }
    if (cipher === '3DES') return { ...base, cipher: 'des-ede3-cbc', keyLength: 24, blockSize: 8 } as const;
    return undefined;
  }
  if (
    mode === 'AEAD' &&
    cipher === 'AES' &&
    iana.includes('_GCM_') &&
    (strength === 128 || strength === 256)
  ) {
    return {
      kind: 'aead',
      cipher: strength === 128 ? 'aes-128-gcm' : 'aes-256-gcm',
      keyLength: strength / 8,
      fixedIvLength: 4,
      recordIvLength: 8,
      tagLength: 16,
    } as const;
  }
  if (mode === 'AEAD' && cipher === 'CHACHA20' && iana.includes('CHACHA20_POLY1305')) {
    return {
      kind: 'aead',
      cipher: 'chacha20-poly1305',
      keyLength: 32,
      fixedIvLength: 12,
      recordIvLength: 0,
      tagLength: 16,
    } as const;
  }
  return undefined;
}

/** The spec of a suite this engine can run end to end, or undefined. */
export function cipherSpec(id: number): CipherSpec | undefined {
  const info = cipherSuite(id);
  const keyExchange = keyExchangeOf(id);
  if (info === undefined || keyExchange === undefined || OLD_CHACHA.has(id)) return undefined;
  const protection = protectionOf(info.iana, info.cipher, info.mode, info.strength, info.mac);
  if (protection === undefined) return undefined;
  return Object.freeze({
    suite: id,
    name: info.iana,
    keyExchange,
    anonymous: info.auth === 'anon',
    protection,
    prfHash: info.iana.endsWith('_SHA384') ? 'sha384' : 'sha256',
  });
}
