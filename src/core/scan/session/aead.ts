/**
 * GenericAEADCipher records (RFC 5246 §6.2.3.3).
 *
 * AES-GCM (RFC 5288 §3): nonce = salt (4 bytes, from the key block) ‖ nonce_explicit (8 bytes, sent
 * first in the fragment; we use the sequence number, as RFC 5288 suggests). ChaCha20-Poly1305
 * (RFC 7905 §2): nonce = the 12-byte IV XOR the sequence number, nothing explicit. Both:
 * additional_data = seq_num ‖ type ‖ version ‖ length of the plaintext; fragment ends with the
 * 16-byte tag.
 */
import {
  createCipheriv,
  createDecipheriv,
  type CipherGCM,
  type CipherGCMTypes,
  type DecipherGCM,
} from 'node:crypto';
import { concatBytes } from '../wire/index.js';
import type { AeadProtection } from './cipher-spec.js';
import { macHeader, type RecordHeader } from './cbc.js';

export interface AeadKeys {
  readonly spec: AeadProtection;
  readonly encKey: Uint8Array;
  /** The implicit nonce part: the GCM salt or the ChaCha20 IV. */
  readonly fixedIv: Uint8Array;
}

/** Overrides for sealing a malformed AEAD record. */
export interface AeadTamper {
  /** The explicit nonce (GCM); default: the sequence number. */
  readonly explicitNonce?: Uint8Array;
  /** The tag to send instead of the real one. */
  readonly tag?: (tag: Uint8Array) => Uint8Array;
}

const u64 = (n: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
};

function nonceOf(keys: AeadKeys, seq: bigint, explicit: Uint8Array): Uint8Array {
  if (keys.spec.recordIvLength > 0) return concatBytes([keys.fixedIv, explicit]);
  const nonce = Uint8Array.from(keys.fixedIv);
  const s = u64(seq);
  for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] as number) ^ (s[i] as number);
  return nonce;
}

const aeadOptions = { authTagLength: 16 } as const;

// ChaCha20-Poly1305 takes the same options as GCM (a 16-byte tag, RFC 8439 §2.8); node's typings
// only list the GCM names for that overload.
const algorithmOf = (keys: AeadKeys): CipherGCMTypes => keys.spec.cipher as CipherGCMTypes;

/** Seal `content` into a GenericAEADCipher fragment. */
export function sealAead(
  keys: AeadKeys,
  header: RecordHeader,
  content: Uint8Array,
  tamper: AeadTamper = {},
): Uint8Array {
  const explicit =
    keys.spec.recordIvLength > 0 ? (tamper.explicitNonce ?? u64(header.seq)) : new Uint8Array(0);
  const cipher = createCipheriv(
    algorithmOf(keys),
    keys.encKey,
    nonceOf(keys, header.seq, explicit),
    aeadOptions,
  ) as CipherGCM;
  cipher.setAAD(macHeader(header, content.length));
  const ciphertext = concatBytes([new Uint8Array(cipher.update(content)), new Uint8Array(cipher.final())]);
  const tag = new Uint8Array(cipher.getAuthTag());
  return concatBytes([explicit, ciphertext, tamper.tag ? tamper.tag(tag) : tag]);
}

/** Open a GenericAEADCipher fragment: the content, or null when it does not authenticate. */
export function openAead(keys: AeadKeys, header: RecordHeader, fragment: Uint8Array): Uint8Array | null {
  const explicitLength = keys.spec.recordIvLength;
  const tagLength = keys.spec.tagLength;
  if (fragment.length < explicitLength + tagLength) return null;
  const explicit = fragment.subarray(0, explicitLength);
  const ciphertext = fragment.subarray(explicitLength, fragment.length - tagLength);
  const decipher = createDecipheriv(
    algorithmOf(keys),
    keys.encKey,
    nonceOf(keys, header.seq, explicit),
    aeadOptions,
  ) as DecipherGCM;
  decipher.setAAD(macHeader(header, ciphertext.length));
  decipher.setAuthTag(fragment.subarray(fragment.length - tagLength));
  try {
    return concatBytes([new Uint8Array(decipher.update(ciphertext)), new Uint8Array(decipher.final())]);
  } catch {
    return null;
  }
}
