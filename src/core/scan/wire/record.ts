/**
 * The record layer: TLSPlaintext framing (RFC 5246 §6.2.1, RFC 8446 §5.1) and the SSLv2 two-byte
 * record header (draft-hickman-netscape-ssl-00, "Record Header Format").
 */
import { concatBytes } from './bytes.js';
import { WireFormatError } from './errors.js';

/** Largest TLSPlaintext.fragment, 2^14 (RFC 5246 §6.2.1). */
export const MAX_FRAGMENT_LENGTH = 0x4000;

/** Largest record body accepted by default: 2^14 + 2048, the TLSCiphertext bound of RFC 5246 §6.2.3. */
export const DEFAULT_MAX_RECORD_LENGTH = 0x4000 + 2048;

/** Largest SSLv2 record with a two-byte header (15-bit length). */
export const MAX_SSL2_RECORD_LENGTH = 0x7fff;

/** One TLS record (SSL 3.0 to TLS 1.3 framing). The fragment is a copy the caller owns. */
export interface TlsRecord {
  readonly kind: 'tls';
  readonly type: number;
  /** TLSPlaintext.legacy_record_version: 0x0300 … 0x0303. */
  readonly version: number;
  readonly fragment: Uint8Array;
}

/** One SSLv2 record with a two-byte header; `message` starts with the SSLv2 message type byte. */
export interface Ssl2Record {
  readonly kind: 'ssl2';
  readonly message: Uint8Array;
}

export type WireRecord = TlsRecord | Ssl2Record;

export interface EncodeRecordOptions {
  /** Split the payload into fragments of at most this many bytes (default 2^14; up to 65535 to test limits). */
  readonly maxFragment?: number;
}

/**
 * TLS records carrying `payload`, split into fragments of at most 2^14 bytes (RFC 5246 §6.2.1),
 * concatenated, ready for the socket. An empty payload gives one empty record.
 */
export function encodeRecord(
  type: number,
  version: number,
  payload: Uint8Array,
  options: EncodeRecordOptions = {},
): Uint8Array {
  const max = options.maxFragment ?? MAX_FRAGMENT_LENGTH;
  if (!Number.isInteger(max) || max < 1 || max > 0xffff) throw new RangeError('maxFragment must be 1..65535');
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError('content type must be a u8');
  if (!Number.isInteger(version) || version < 0 || version > 0xffff)
    throw new RangeError('version must be a u16');
  const parts: Uint8Array[] = [];
  let at = 0;
  do {
    const n = Math.min(max, payload.length - at);
    const rec = new Uint8Array(5 + n);
    rec[0] = type;
    rec[1] = version >>> 8;
    rec[2] = version & 0xff;
    rec[3] = n >>> 8;
    rec[4] = n & 0xff;
    rec.set(payload.subarray(at, at + n), 5);
    parts.push(rec);
    at += n;
  } while (at < payload.length);
  return concatBytes(parts);
}

/** An SSLv2 record with the two-byte header (high bit set, 15-bit length, no padding). */
export function encodeSsl2Record(message: Uint8Array): Uint8Array {
  if (message.length < 1 || message.length > MAX_SSL2_RECORD_LENGTH) {
    throw new RangeError(`SSLv2 record length must be 1..${MAX_SSL2_RECORD_LENGTH}`);
  }
  const rec = new Uint8Array(2 + message.length);
  rec[0] = 0x80 | (message.length >>> 8);
  rec[1] = message.length & 0xff;
  rec.set(message, 2);
  return rec;
}

export interface RecordReaderOptions {
  /** Records whose length field exceeds this are a protocol error (default 2^14 + 2048). */
  readonly maxRecordLength?: number;
  /** Recognise SSLv2 two-byte headers (default true); when false such bytes are an error. */
  readonly ssl2?: boolean;
}

// ContentType values defined so far (RFC 5246 §6.2.1, RFC 6520, RFC 9146 tls12_cid, RFC 9147 ack).
const MIN_CONTENT_TYPE = 20;
const MAX_CONTENT_TYPE = 26;

/**
 * Turns arbitrary TCP chunks into complete records. `push` returns the records completed by the
 * chunk (possibly none) and keeps the partial rest.
 *
 * A first byte with the high bit set is an SSLv2 two-byte header (no TLS content type has it).
 * Anything that is not a record — an HTTP or SMTP banner, a wrong major version, a length over
 * the limit — throws `WireFormatError`; the reader then stays failed and rethrows on every push.
 */
export class RecordReader {
  readonly #maxLength: number;
  readonly #ssl2: boolean;
  #buf: Uint8Array = new Uint8Array(0);
  #failed: WireFormatError | undefined;

  constructor(options: RecordReaderOptions = {}) {
    this.#maxLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
    this.#ssl2 = options.ssl2 ?? true;
  }

  /** Bytes held that do not make a complete record yet. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(chunk: Uint8Array): WireRecord[] {
    if (this.#failed) throw this.#failed;
    this.#buf = this.#buf.length === 0 ? new Uint8Array(chunk) : concatBytes([this.#buf, chunk]);
    const out: WireRecord[] = [];
    let at = 0;
    try {
      for (;;) {
        const rec = this.#next(at);
        if (rec === null) break;
        out.push(rec.record);
        at = rec.end;
      }
    } catch (e) {
      this.#failed = e as WireFormatError;
      throw e;
    }
    this.#buf = this.#buf.slice(at);
    return out;
  }

  #next(at: number): { record: WireRecord; end: number } | null {
    const buf = this.#buf;
    const avail = buf.length - at;
    if (avail < 1) return null;
    const b0 = buf[at] as number;
    if (b0 & 0x80) {
      if (!this.#ssl2) throw new WireFormatError('record: SSLv2 header where a TLS record was expected');
      if (avail < 2) return null;
      const len = ((b0 & 0x7f) << 8) | (buf[at + 1] as number);
      if (len === 0) throw new WireFormatError('record: empty SSLv2 record');
      if (len > this.#maxLength)
        throw new WireFormatError(`record: SSLv2 record length ${len} over the limit`);
      if (avail < 2 + len) return null;
      return { record: { kind: 'ssl2', message: buf.slice(at + 2, at + 2 + len) }, end: at + 2 + len };
    }
    if (b0 < MIN_CONTENT_TYPE || b0 > MAX_CONTENT_TYPE) {
      throw new WireFormatError(`record: unknown content type ${b0}`);
    }
    if (avail < 2) return null;
    if (buf[at + 1] !== 3) throw new WireFormatError(`record: version major ${buf[at + 1]} is not SSL 3/TLS`);
    if (avail < 5) return null;
    const len = ((buf[at + 3] as number) << 8) | (buf[at + 4] as number);
    if (len > this.#maxLength) throw new WireFormatError(`record: length ${len} over the limit`);
    if (avail < 5 + len) return null;
    const version = ((buf[at + 1] as number) << 8) | (buf[at + 2] as number);
    return {
      record: { kind: 'tls', type: b0, version, fragment: buf.slice(at + 5, at + 5 + len) },
      end: at + 5 + len,
    };
  }
}
