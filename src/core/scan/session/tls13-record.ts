/**
 * TLS 1.3 record protection (RFC 8446 §5.2): TLSCiphertext with opaque_type application_data and
 * legacy_record_version 0x0303, the record header as additional data, the per-record nonce the
 * write IV XOR the 64-bit sequence number (§5.3), and the inner plaintext content ‖ type ‖ zeros.
 */
import {
  createCipheriv,
  createDecipheriv,
  type CipherGCM,
  type CipherGCMTypes,
  type DecipherGCM,
} from 'node:crypto';
import { CONTENT_TYPE, concatBytes } from '../wire/index.js';
import type { Tls13TrafficKeys } from './tls13-key-schedule.js';

const TAG_LENGTH = 16;

const header = (length: number): Uint8Array =>
  Uint8Array.of(CONTENT_TYPE.application_data, 0x03, 0x03, length >>> 8, length & 0xff);

function nonceOf(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = Uint8Array.from(iv);
  const s = new Uint8Array(8);
  new DataView(s.buffer).setBigUint64(0, seq);
  for (let i = 0; i < 8; i++)
    nonce[iv.length - 8 + i] = (nonce[iv.length - 8 + i] as number) ^ (s[i] as number);
  return nonce;
}

// ChaCha20-Poly1305 takes the same options as GCM (a 16-byte tag); node's typings only name GCM.
const algorithmOf = (keys: Tls13TrafficKeys): CipherGCMTypes => keys.suite.cipher as CipherGCMTypes;

/** A whole protected record (header included) carrying `content` of `type`, with `padding` zero bytes. */
export function sealTls13Record(
  keys: Tls13TrafficKeys,
  seq: bigint,
  type: number,
  content: Uint8Array,
  padding = 0,
): Uint8Array {
  const inner = concatBytes([content, Uint8Array.of(type), new Uint8Array(padding)]);
  const aad = header(inner.length + TAG_LENGTH);
  const cipher = createCipheriv(algorithmOf(keys), keys.key, nonceOf(keys.iv, seq), {
    authTagLength: TAG_LENGTH,
  }) as CipherGCM;
  cipher.setAAD(aad);
  const body = concatBytes([new Uint8Array(cipher.update(inner)), new Uint8Array(cipher.final())]);
  return concatBytes([aad, body, new Uint8Array(cipher.getAuthTag())]);
}

export interface OpenedTls13Record {
  /** The real content type from the inner plaintext. */
  readonly type: number;
  readonly content: Uint8Array;
}

/**
 * Open the fragment of an application_data record: null when it does not authenticate or its inner
 * plaintext is all zeros (both fatal, RFC 8446 §5.2, §5.4).
 */
export function openTls13Record(
  keys: Tls13TrafficKeys,
  seq: bigint,
  fragment: Uint8Array,
): OpenedTls13Record | null {
  if (fragment.length < TAG_LENGTH) return null;
  const decipher = createDecipheriv(algorithmOf(keys), keys.key, nonceOf(keys.iv, seq), {
    authTagLength: TAG_LENGTH,
  }) as DecipherGCM;
  decipher.setAAD(header(fragment.length));
  decipher.setAuthTag(fragment.subarray(fragment.length - TAG_LENGTH));
  let inner: Uint8Array;
  try {
    inner = concatBytes([
      new Uint8Array(decipher.update(fragment.subarray(0, fragment.length - TAG_LENGTH))),
      new Uint8Array(decipher.final()),
    ]);
  } catch {
    return null;
  }
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  if (end === 0) return null;
  return { type: inner[end - 1] as number, content: inner.slice(0, end - 1) };
}
