/**
 * ChangeCipherSpec (RFC 5246 §7.1): a record holding the single byte 1. In TLS 1.3 it only
 * appears in middlebox compatibility mode and means nothing (RFC 8446 §5, Appendix D.4).
 */
import { CONTENT_TYPE } from './constants.js';
import { encodeRecord } from './record.js';

/** The one-byte ChangeCipherSpec message. */
export function buildChangeCipherSpec(): Uint8Array {
  return Uint8Array.from([1]);
}

/** The ChangeCipherSpec record. */
export function buildChangeCipherSpecRecord(version = 0x0303): Uint8Array {
  return encodeRecord(CONTENT_TYPE.change_cipher_spec, version, buildChangeCipherSpec());
}

/** Whether a change_cipher_spec record's fragment is the valid message (exactly one byte, value 1). */
export function isChangeCipherSpec(fragment: Uint8Array): boolean {
  return fragment.length === 1 && fragment[0] === 1;
}
