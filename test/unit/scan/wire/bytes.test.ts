import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, bitLength, fromHex, toHex } from '../../../../src/core/scan/wire/index.js';
import { expectWireError, hex } from './helpers.js';

describe('ByteWriter', () => {
  it('writes big-endian integers and length-prefixed vectors', () => {
    const out = new ByteWriter()
      .u8(0x01)
      .u16(0x0203)
      .u24(0x040506)
      .u32(0x0708090a)
      .vector(1, hex('aa'))
      .vector(2, hex('bbcc'))
      .vector(3, hex(''))
      .finish();
    expect(toHex(out)).toBe('01' + '0203' + '040506' + '0708090a' + '01aa' + '0002bbcc' + '000000');
  });

  it('patches nested length prefixes after the body is written', () => {
    const out = new ByteWriter().prefixed(2, (w) => w.u8(1).prefixed(1, (v) => v.u16(0xffff))).finish();
    expect(toHex(out)).toBe('0004' + '01' + '02ffff');
  });

  it('grows past its initial buffer', () => {
    const big = new Uint8Array(1000).fill(7);
    const out = new ByteWriter().vector(2, big).vector(2, big).finish();
    expect(out.length).toBe(2004);
    expect([out[1001], out[1004], out[2003]]).toEqual([7, 7, 7]);
    expect(toHex(out.subarray(1002, 1004))).toBe('03e8');
  });

  it('refuses values that do not fit (RangeError, a programming error)', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError);
    expect(() => new ByteWriter().u16(0x10000)).toThrow(RangeError);
    expect(() => new ByteWriter().u16(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u16(1.5)).toThrow(RangeError);
    expect(() => new ByteWriter().vector(1, new Uint8Array(256))).toThrow(RangeError);
    expect(() => new ByteWriter().vector(1, new Uint8Array(255))).not.toThrow();
  });
});

describe('ByteReader', () => {
  it('reads what the writer wrote', () => {
    const buf = new ByteWriter()
      .u8(9)
      .u16(0x1234)
      .u24(0xabcdef)
      .u32(0xfedcba98)
      .vector(2, hex('0102'))
      .finish();
    const r = new ByteReader(buf, 'test');
    expect(r.u8('a')).toBe(9);
    expect(r.u16('b')).toBe(0x1234);
    expect(r.u24('c')).toBe(0xabcdef);
    expect(r.u32('d')).toBe(0xfedcba98);
    expect(toHex(r.vector(2, 'e'))).toBe('0102');
    expect(r.atEnd()).toBe(true);
    r.end();
  });

  it('throws WireFormatError naming the structure and field when truncated', () => {
    const r = new ByteReader(hex('01'), 'ServerHello');
    expectWireError(() => r.u16('cipher_suite'), /^ServerHello: cipher_suite truncated/);
    expectWireError(() => new ByteReader(hex('0000'), 'X').u24('len'), /len truncated/);
  });

  it('refuses a vector whose length points past the end', () => {
    const r = new ByteReader(hex('0005 010203'), 'Certificate');
    expectWireError(() => r.vector(2, 'cert'), /cert length 5 exceeds the 3 bytes left/);
  });

  it('enforces a vector minimum length', () => {
    expectWireError(() => new ByteReader(hex('00'), 'X').vector(1, 'point', 1), /point shorter than 1/);
  });

  it('keeps a sub-reader inside its vector even when the parent has more bytes', () => {
    const r = new ByteReader(hex('02 aabb ccdd'), 'Outer');
    const inner = r.sub(1, 'list');
    expect(inner.u16('x')).toBe(0xaabb);
    expectWireError(() => inner.u8('y'), /Outer list: y truncated/);
    expect(r.u16('rest')).toBe(0xccdd);
  });

  it('end() refuses trailing bytes', () => {
    const r = new ByteReader(hex('0102'), 'Alert');
    r.u8('level');
    expectWireError(() => r.end(), /Alert: 1 unexpected trailing bytes/);
  });

  it('returns plain Uint8Array views even over a Buffer', () => {
    const r = new ByteReader(Buffer.from('0003aabbcc', 'hex'), 'X');
    const v = r.vector(2, 'v');
    expect(Buffer.isBuffer(v)).toBe(false);
    expect(v).toEqual(Uint8Array.from([0xaa, 0xbb, 0xcc]));
  });

  it('peeks a u16 without moving, undefined out of range', () => {
    const r = new ByteReader(hex('00 1234'), 'X');
    expect(r.peekU16(1)).toBe(0x1234);
    expect(r.peekU16(2)).toBeUndefined();
    expect(r.offset).toBe(0);
  });
});

describe('hex and bit length', () => {
  it('round-trips hex and rejects bad hex', () => {
    expect(toHex(fromHex('00 ff\n10'))).toBe('00ff10');
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });

  it('computes the bit length of big-endian integers, ignoring leading zero bytes', () => {
    expect(bitLength(hex('00'))).toBe(0);
    expect(bitLength(hex('01'))).toBe(1);
    expect(bitLength(hex('0080'))).toBe(8);
    expect(bitLength(hex('00 0100'))).toBe(9);
    expect(bitLength(new Uint8Array(256).fill(0xff))).toBe(2048);
    expect(bitLength(Uint8Array.from([0x7f, ...new Uint8Array(127)]))).toBe(1023);
  });
});
