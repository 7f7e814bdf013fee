/**
 * GenericBlockCipher records (RFC 5246 §6.2.3.2, RFC 2246 §6.2.3.2): MAC-then-encrypt with CBC.
 *
 *   MAC       = HMAC(mac_key, seq_num ‖ type ‖ version ‖ length ‖ content)      (RFC 5246 §6.2.3.1)
 *   plaintext = content ‖ MAC ‖ padding ‖ padding_length, padding_length + 1 bytes of value padding_length
 *   fragment  = IV ‖ CBC(plaintext)   (TLS 1.1+, explicit IV)
 *             | CBC(plaintext)        (TLS 1.0, IV chained from the previous record's last block)
 *
 * Sealing takes optional overrides for every part (MAC, padding, the whole plaintext, the IV) so a
 * probe can build the malformed records padding-oracle tests need. Opening never throws for bad
 * data: it reports what it found (padding valid? MAC valid?), which a test server uses to play a
 * vulnerable implementation. None of this is constant-time; it is a scanner, not a server.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { concatBytes } from '../wire/index.js';
import type { BlockProtection } from './cipher-spec.js';

export interface BlockKeys {
  readonly spec: BlockProtection;
  readonly macKey: Uint8Array;
  readonly encKey: Uint8Array;
}

/** The record fields the MAC covers, besides the content. */
export interface RecordHeader {
  readonly seq: bigint;
  readonly type: number;
  readonly version: number;
}

/** Overrides for sealing a malformed record. Functions receive the correct value and return the one to use. */
export interface CbcTamper {
  /** The MAC to put after the content. */
  readonly mac?: Uint8Array | ((mac: Uint8Array) => Uint8Array);
  /** The padding, length byte included (standard: `n + 1` bytes of value `n`). */
  readonly padding?: Uint8Array | ((padding: Uint8Array) => Uint8Array);
  /** Everything that is encrypted (content ‖ MAC ‖ padding); must be a whole number of blocks. */
  readonly plaintext?:
    Uint8Array | ((parts: { content: Uint8Array; mac: Uint8Array; padding: Uint8Array }) => Uint8Array);
  /** The explicit IV (TLS 1.1+); ignored in TLS 1.0, whose IV is chained. */
  readonly iv?: Uint8Array;
}

const u64 = (n: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
};

/** The MAC input header: seq_num (8) ‖ type (1) ‖ version (2) ‖ length (2). */
export function macHeader(header: RecordHeader, length: number): Uint8Array {
  const b = new Uint8Array(13);
  b.set(u64(header.seq), 0);
  b[8] = header.type;
  b[9] = header.version >>> 8;
  b[10] = header.version & 0xff;
  b[11] = length >>> 8;
  b[12] = length & 0xff;
  return b;
}

/** HMAC over the record (RFC 5246 §6.2.3.1). */
export function recordMac(keys: BlockKeys, header: RecordHeader, content: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHmac(keys.spec.macAlgorithm, keys.macKey)
      .update(macHeader(header, content.length))
      .update(content)
      .digest(),
  );
}

/**
 * Standard padding for `length` bytes of content and MAC: the fewest bytes (at least one) that
 * reach a block boundary, plus `extraBlocks` whole blocks (RFC 5246 allows up to 255 bytes).
 */
export function standardPadding(length: number, blockSize: number, extraBlocks = 0): Uint8Array {
  const n = blockSize - (length % blockSize) + extraBlocks * blockSize;
  if (n > 256) throw new RangeError('padding longer than 256 bytes');
  return new Uint8Array(n).fill(n - 1);
}

const pick = <T, A>(v: T | ((a: A) => T) | undefined, arg: A, fallback: T): T =>
  v === undefined ? fallback : typeof v === 'function' ? (v as (a: A) => T)(arg) : v;

function cbc(keys: BlockKeys, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Uint8Array {
  const c = encrypt
    ? createCipheriv(keys.spec.cipher, keys.encKey, iv)
    : createDecipheriv(keys.spec.cipher, keys.encKey, iv);
  c.setAutoPadding(false);
  return concatBytes([new Uint8Array(c.update(data)), new Uint8Array(c.final())]);
}

export interface SealedCbc {
  readonly fragment: Uint8Array;
  /** The last ciphertext block: the next record's IV in TLS 1.0. */
  readonly lastBlock: Uint8Array;
}

/**
 * Seal `content` into a GenericBlockCipher fragment. `iv` is the explicit IV (written first) when
 * `explicitIv`, else the chained TLS 1.0 IV (not written). Throws `RangeError` when a tampered
 * plaintext is not a whole number of blocks.
 */
export function sealCbc(
  keys: BlockKeys,
  header: RecordHeader,
  content: Uint8Array,
  iv: Uint8Array,
  explicitIv: boolean,
  tamper: CbcTamper = {},
): SealedCbc {
  const bs = keys.spec.blockSize;
  const realMac = recordMac(keys, header, content);
  const mac = pick(tamper.mac, realMac, realMac);
  const realPadding = standardPadding(content.length + mac.length, bs);
  const padding = pick(tamper.padding, realPadding, realPadding);
  const plaintext = pick(tamper.plaintext, { content, mac, padding }, concatBytes([content, mac, padding]));
  if (plaintext.length === 0 || plaintext.length % bs !== 0) {
    throw new RangeError(
      `CBC plaintext of ${plaintext.length} bytes is not a whole number of ${bs}-byte blocks`,
    );
  }
  const useIv = explicitIv ? (tamper.iv ?? iv) : iv;
  if (useIv.length !== bs) throw new RangeError(`IV must be ${bs} bytes`);
  const ciphertext = cbc(keys, useIv, plaintext, true);
  return {
    fragment: explicitIv ? concatBytes([useIv, ciphertext]) : ciphertext,
    lastBlock: ciphertext.slice(ciphertext.length - bs),
  };
}

/** What opening a GenericBlockCipher fragment found. */
export interface OpenedCbc {
  /** The fragment is not a whole number of blocks, or too short to hold an IV and one block. */
  readonly badLength: boolean;
  /** The decrypted content ‖ MAC ‖ padding (empty when `badLength`). */
  readonly plaintext: Uint8Array;
  /** padding_length, the last plaintext byte. */
  readonly paddingLength: number;
  /** padding_length + 1 fits in the plaintext and every padding byte equals padding_length. */
  readonly paddingValid: boolean;
  /** After removing valid padding there is room for a MAC. */
  readonly macPresent: boolean;
  /** The MAC (over the content left once padding and MAC are removed) matches. */
  readonly macValid: boolean;
  /** The content, when padding and MAC are both valid; null otherwise. */
  readonly content: Uint8Array | null;
  /** The last ciphertext block (TLS 1.0 chaining). */
  readonly lastBlock: Uint8Array;
}

/** Open a GenericBlockCipher fragment; `iv` is the chained IV in TLS 1.0, ignored when `explicitIv`. */
export function openCbc(
  keys: BlockKeys,
  header: RecordHeader,
  fragment: Uint8Array,
  iv: Uint8Array,
  explicitIv: boolean,
): OpenedCbc {
  const bs = keys.spec.blockSize;
  const macLength = keys.spec.macLength;
  const minimum = explicitIv ? 2 * bs : bs;
  if (fragment.length < minimum || fragment.length % bs !== 0) {
    const empty = new Uint8Array(0);
    return {
      badLength: true,
      plaintext: empty,
      paddingLength: 0,
      paddingValid: false,
      macPresent: false,
      macValid: false,
      content: null,
      lastBlock: fragment.slice(Math.max(0, fragment.length - bs)),
    };
  }
  const useIv = explicitIv ? fragment.subarray(0, bs) : iv;
  const ciphertext = explicitIv ? fragment.subarray(bs) : fragment;
  const plaintext = cbc(keys, useIv, ciphertext, false);
  const paddingLength = plaintext[plaintext.length - 1] as number;
  let paddingValid = paddingLength + 1 <= plaintext.length;
  for (let i = plaintext.length - 1 - paddingLength; paddingValid && i < plaintext.length; i++) {
    if (plaintext[i] !== paddingLength) paddingValid = false;
  }
  // With bad padding, the MAC is checked as if there were none (RFC 5246 §6.2.3.2, implementation note).
  const unpadded = paddingValid ? plaintext.length - paddingLength - 1 : plaintext.length;
  const macPresent = unpadded >= macLength;
  let macValid = false;
  let content: Uint8Array | null = null;
  if (macPresent) {
    const body = plaintext.subarray(0, unpadded - macLength);
    const expected = recordMac(keys, header, body);
    macValid = timingSafeEqual(expected, plaintext.subarray(unpadded - macLength, unpadded));
    if (macValid && paddingValid) content = body.slice();
  }
  return {
    badLength: false,
    plaintext,
    paddingLength,
    paddingValid,
    macPresent,
    macValid,
    content,
    lastBlock: ciphertext.slice(ciphertext.length - bs),
  };
}
