/**
 * Heartbeat messages (RFC 6520 §4): type u8, payload_length u16, payload, then at least 16 bytes of
 * padding. The malformed request — a payload_length larger than the payload — is what a test for
 * CVE-2014-0160 (Heartbleed) sends; a correct server discards it silently (RFC 6520 §4), a
 * vulnerable one answers with memory. Sending it is the probe's decision.
 */
import { randomBytes } from 'node:crypto';
import { ByteReader, ByteWriter } from './bytes.js';

export const HEARTBEAT_MESSAGE_TYPE = { heartbeat_request: 1, heartbeat_response: 2 } as const;

/** Minimum padding (RFC 6520 §4). */
export const HEARTBEAT_MIN_PADDING = 16;

// The whole HeartbeatMessage must fit in one record, 2^14 bytes (RFC 6520 §4).
const MAX_MESSAGE = 0x4000;

function build(type: number, payload: Uint8Array, padding: Uint8Array): Uint8Array {
  if (padding.length < HEARTBEAT_MIN_PADDING)
    throw new RangeError('heartbeat padding must be at least 16 bytes');
  if (3 + payload.length + padding.length > MAX_MESSAGE)
    throw new RangeError('heartbeat message over 2^14 bytes');
  return new ByteWriter().u8(type).vector(2, payload).bytes(padding).finish();
}

const randomPadding = (): Uint8Array => new Uint8Array(randomBytes(HEARTBEAT_MIN_PADDING));

/** A well-formed heartbeat_request (padding random when omitted). */
export function buildHeartbeatRequest(
  payload: Uint8Array,
  padding: Uint8Array = randomPadding(),
): Uint8Array {
  return build(HEARTBEAT_MESSAGE_TYPE.heartbeat_request, payload, padding);
}

/** A well-formed heartbeat_response (padding random when omitted). */
export function buildHeartbeatResponse(
  payload: Uint8Array,
  padding: Uint8Array = randomPadding(),
): Uint8Array {
  return build(HEARTBEAT_MESSAGE_TYPE.heartbeat_response, payload, padding);
}

/**
 * A heartbeat_request whose payload_length (`claimedLength`) exceeds the `payload` actually sent,
 * with no padding: the over-read probe of CVE-2014-0160.
 */
export function buildMalformedHeartbeatRequest(
  claimedLength: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (!Number.isInteger(claimedLength) || claimedLength <= payload.length || claimedLength > 0xffff) {
    throw new RangeError('claimedLength must exceed the payload and fit a u16');
  }
  return new ByteWriter()
    .u8(HEARTBEAT_MESSAGE_TYPE.heartbeat_request)
    .u16(claimedLength)
    .bytes(payload)
    .finish();
}

export interface HeartbeatMessage {
  readonly type: number;
  /** payload_length as sent. */
  readonly payloadLength: number;
  /** The payload: payload_length bytes, or fewer when the message is shorter than it claims. */
  readonly payload: Uint8Array;
  /** The bytes after the payload. */
  readonly padding: Uint8Array;
  /** payload_length + 16 bytes of padding fit in the message (RFC 6520 §4). */
  readonly wellFormed: boolean;
}

/**
 * Parse a heartbeat record's fragment. Lying lengths are reported (`wellFormed: false`), not
 * thrown, because observing them is the point; only a message under 3 bytes is an error.
 */
export function parseHeartbeat(fragment: Uint8Array): HeartbeatMessage {
  const r = new ByteReader(fragment, 'HeartbeatMessage');
  const type = r.u8('type');
  const payloadLength = r.u16('payload_length');
  const payload = r.bytes(Math.min(payloadLength, r.remaining), 'payload');
  const padding = r.rest();
  return {
    type,
    payloadLength,
    payload,
    padding,
    wellFormed: payload.length === payloadLength && padding.length >= HEARTBEAT_MIN_PADDING,
  };
}
