/**
 * Handshake message framing (RFC 5246 §7.4, RFC 8446 §4): msg_type u8, length u24, body.
 * Messages may span records and records may hold several messages (RFC 5246 §6.2.1), so the
 * reader side is a reassembler fed with handshake record fragments in order.
 */
import { ByteWriter, concatBytes } from './bytes.js';
import { WireFormatError } from './errors.js';

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Default cap on one message's length: larger u24 lengths are treated as a protocol error. */
export const DEFAULT_MAX_HANDSHAKE_LENGTH = 0x40000;

/** The framed message: type, u24 length, body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  return new ByteWriter().u8(type).vector(3, body).finish();
}

export interface HandshakeReassemblerOptions {
  /** A message announcing more than this many bytes is an error (default 256 KiB). */
  readonly maxMessageLength?: number;
}

/**
 * Collects handshake messages from the fragments of consecutive handshake records.
 * `push` returns the messages completed so far; a partial message waits for the next fragment.
 */
export class HandshakeReassembler {
  readonly #max: number;
  #buf: Uint8Array = new Uint8Array(0);

  constructor(options: HandshakeReassemblerOptions = {}) {
    this.#max = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_LENGTH;
  }

  /** Bytes of an unfinished message held back. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(fragment: Uint8Array): HandshakeMessage[] {
    const buf = this.#buf.length === 0 ? new Uint8Array(fragment) : concatBytes([this.#buf, fragment]);
    const out: HandshakeMessage[] = [];
    let at = 0;
    while (buf.length - at >= 4) {
      const len = ((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number);
      if (len > this.#max) {
        throw new WireFormatError(
          `handshake: message type ${buf[at]} announces ${len} bytes, over the limit`,
        );
      }
      if (buf.length - at < 4 + len) break;
      out.push({ type: buf[at] as number, body: buf.slice(at + 4, at + 4 + len) });
      at += 4 + len;
    }
    this.#buf = buf.slice(at);
    return out;
  }
}
