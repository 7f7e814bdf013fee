/**
 * Byte-level building blocks for the TLS presentation language (RFC 8446 §3, RFC 5246 §4):
 * big-endian integers and vectors whose length prefix is 1, 2 or 3 bytes.
 */
import { WireFormatError } from './errors.js';

/** Size of a vector's length prefix in bytes (`<0..2^8-1>`, `<0..2^16-1>`, `<0..2^24-1>`). */
export type PrefixSize = 1 | 2 | 3;

const MAX_BY_SIZE = { 1: 0xff, 2: 0xffff, 3: 0xffffff } as const;

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} must be an integer in 0..${max}, got ${value}`);
  }
}

/** An append-only buffer. Methods chain; `finish()` returns a copy of what was written. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  // Reserve before touching #buf: growing replaces it.
  #reserve(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
    }
    this.#len += n;
    return at;
  }

  u8(value: number): this {
    checkUint(value, 0xff, 'u8');
    const at = this.#reserve(1);
    this.#buf[at] = value;
    return this;
  }

  u16(value: number): this {
    checkUint(value, 0xffff, 'u16');
    const at = this.#reserve(2);
    this.#buf[at] = value >>> 8;
    this.#buf[at + 1] = value & 0xff;
    return this;
  }

  u24(value: number): this {
    checkUint(value, 0xffffff, 'u24');
    const at = this.#reserve(3);
    this.#buf[at] = value >>> 16;
    this.#buf[at + 1] = (value >>> 8) & 0xff;
    this.#buf[at + 2] = value & 0xff;
    return this;
  }

  u32(value: number): this {
    checkUint(value, 0xffffffff, 'u32');
    const at = this.#reserve(4);
    this.#buf[at] = value >>> 24;
    this.#buf[at + 1] = (value >>> 16) & 0xff;
    this.#buf[at + 2] = (value >>> 8) & 0xff;
    this.#buf[at + 3] = value & 0xff;
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.#reserve(data.length);
    this.#buf.set(data, at);
    return this;
  }

  /** An opaque vector: length prefix of `size` bytes, then `data`. */
  vector(size: PrefixSize, data: Uint8Array): this {
    return this.prefixed(size, (w) => w.bytes(data));
  }

  /** A length prefix of `size` bytes covering whatever `fill` writes (patched in afterwards). */
  prefixed(size: PrefixSize, fill: (w: this) => void): this {
    const at = this.#reserve(size);
    fill(this);
    const n = this.#len - at - size;
    checkUint(n, MAX_BY_SIZE[size], `vector length (${size}-byte prefix)`);
    for (let i = 0; i < size; i++) this.#buf[at + i] = (n >>> (8 * (size - 1 - i))) & 0xff;
    return this;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Concatenate byte arrays into a fresh `Uint8Array`. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A bounds-checked cursor over untrusted bytes. Every read that would run past the end throws
 * `WireFormatError` naming the structure (`what`) and the field, so a truncated or lying length
 * from the network is a typed error, never an out-of-range read.
 *
 * Returned byte slices are plain `Uint8Array` views of the input (no copy).
 */
export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #end: number;
  readonly #what: string;
  #pos: number;

  constructor(buf: Uint8Array, what: string, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#what = what;
    this.#pos = start;
    this.#end = end;
  }

  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  /** A WireFormatError about this structure. */
  error(why: string): WireFormatError {
    return new WireFormatError(`${this.#what}: ${why}`);
  }

  #take(n: number, field: string): number {
    if (n > this.remaining) {
      throw this.error(`${field} truncated (needs ${n} bytes, ${this.remaining} left)`);
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(field: string): number {
    return this.#buf[this.#take(1, field)] as number;
  }

  u16(field: string): number {
    const at = this.#take(2, field);
    return ((this.#buf[at] as number) << 8) | (this.#buf[at + 1] as number);
  }

  u24(field: string): number {
    const at = this.#take(3, field);
    return (
      ((this.#buf[at] as number) << 16) | ((this.#buf[at + 1] as number) << 8) | (this.#buf[at + 2] as number)
    );
  }

  u32(field: string): number {
    return this.u16(field) * 0x10000 + this.u16(field);
  }

  /** The u16 `ahead` bytes past the cursor without moving it; undefined when out of range. */
  peekU16(ahead: number): number | undefined {
    const at = this.#pos + ahead;
    if (ahead < 0 || at + 2 > this.#end) return undefined;
    return ((this.#buf[at] as number) << 8) | (this.#buf[at + 1] as number);
  }

  #length(size: PrefixSize, field: string): number {
    const n = size === 1 ? this.u8(field) : size === 2 ? this.u16(field) : this.u24(field);
    if (n > this.remaining) {
      throw this.error(`${field} length ${n} exceeds the ${this.remaining} bytes left`);
    }
    return n;
  }

  bytes(n: number, field: string): Uint8Array {
    const at = this.#take(n, field);
    return new Uint8Array(this.#buf.buffer, this.#buf.byteOffset + at, n);
  }

  /** An opaque vector with a `size`-byte length prefix; `min` is the spec's lower bound. */
  vector(size: PrefixSize, field: string, min = 0): Uint8Array {
    const n = this.#length(size, field);
    if (n < min) throw this.error(`${field} shorter than ${min} bytes`);
    return this.bytes(n, field);
  }

  /** A reader over the body of a length-prefixed vector; this reader moves past it. */
  sub(size: PrefixSize, field: string, what = `${this.#what} ${field}`): ByteReader {
    const n = this.#length(size, field);
    const at = this.#take(n, field);
    return new ByteReader(this.#buf, what, at, at + n);
  }

  /** Everything not read yet. */
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest');
  }

  /** Structures in TLS have exact lengths: trailing bytes are an error (RFC 8446 §4 decode_error). */
  end(): void {
    if (this.#pos !== this.#end) throw this.error(`${this.remaining} unexpected trailing bytes`);
  }
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string (whitespace ignored). Throws `TypeError` on odd length or non-hex. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new TypeError('not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
