import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE,
  RecordReader,
  concatBytes,
  encodeRecord,
  encodeSsl2Record,
  toHex,
  type TlsRecord,
  type WireRecord,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, hex } from './helpers.js';

const tls = (r: WireRecord): TlsRecord => {
  if (r.kind !== 'tls') throw new Error('expected a TLS record');
  return r;
};

describe('encodeRecord', () => {
  it('frames type, version, u16 length and payload (RFC 5246 §6.2.1)', () => {
    expect(toHex(encodeRecord(CONTENT_TYPE.handshake, 0x0301, hex('aabbcc')))).toBe('1603010003aabbcc');
    expect(toHex(encodeRecord(CONTENT_TYPE.alert, 0x0303, hex('0228')))).toBe('15030300020228');
  });

  it('splits payloads over 2^14 bytes into several records', () => {
    const payload = new Uint8Array(0x4000 + 10).map((_, i) => i & 0xff);
    const out = encodeRecord(22, 0x0303, payload);
    expect(out.length).toBe(5 + 0x4000 + 5 + 10);
    expect(toHex(out.subarray(0, 5))).toBe('1603034000');
    expect(toHex(out.subarray(5 + 0x4000, 10 + 0x4000))).toBe('160303000a');
    const records = new RecordReader().push(out).map(tls);
    expect(concatBytes(records.map((r) => r.fragment))).toEqual(payload);
  });

  it('honours a smaller maxFragment and emits one empty record for an empty payload', () => {
    const out = encodeRecord(22, 0x0303, hex('0102030405'), { maxFragment: 2 });
    expect(toHex(out)).toBe('16030300020102' + '16030300020304' + '160303000105');
    expect(toHex(encodeRecord(23, 0x0303, new Uint8Array(0)))).toBe('1703030000');
    expect(() => encodeRecord(22, 0x0303, hex('01'), { maxFragment: 0 })).toThrow(RangeError);
  });
});

describe('RecordReader', () => {
  const stream = concatBytes([
    encodeRecord(22, 0x0303, hex('0200000401020304')),
    encodeRecord(21, 0x0303, hex('0228')),
    encodeRecord(20, 0x0303, hex('01')),
  ]);

  it('yields complete records whatever the TCP chunking', () => {
    for (let cut1 = 0; cut1 <= stream.length; cut1++) {
      for (const cut2 of [cut1, Math.min(stream.length, cut1 + 3), stream.length]) {
        const reader = new RecordReader();
        const got = [
          ...reader.push(stream.subarray(0, cut1)),
          ...reader.push(stream.subarray(cut1, cut2)),
          ...reader.push(stream.subarray(cut2)),
        ].map(tls);
        expect(got.map((r) => [r.type, r.version, toHex(r.fragment)])).toEqual([
          [22, 0x0303, '0200000401020304'],
          [21, 0x0303, '0228'],
          [20, 0x0303, '01'],
        ]);
        expect(reader.buffered).toBe(0);
      }
    }
  });

  it('holds a partial record back until the rest arrives', () => {
    const reader = new RecordReader();
    expect(reader.push(hex('16 0303 0004 aabb'))).toEqual([]);
    expect(reader.buffered).toBe(7);
    const [rec] = reader.push(hex('ccdd 15'));
    expect(toHex(tls(rec!).fragment)).toBe('aabbccdd');
    expect(reader.buffered).toBe(1);
  });

  it('copies fragments, so reusing the chunk buffer does not change them', () => {
    const chunk = hex('1603030002abcd');
    const [rec] = new RecordReader().push(chunk);
    chunk.fill(0);
    expect(toHex(tls(rec!).fragment)).toBe('abcd');
  });

  it('recognises an SSLv2 two-byte header (high bit set) and yields the message', () => {
    // 0x80 0x03: two-byte header, length 3; message ERROR (0) NO-CIPHER-ERROR (0x0001).
    const reader = new RecordReader();
    expect(reader.push(hex('80'))).toEqual([]);
    const recs = reader.push(hex('03 000001'));
    expect(recs).toEqual([{ kind: 'ssl2', message: hex('000001') }]);
    // 15-bit length: 0x81 0x00 is 256 bytes.
    const long = concatBytes([hex('8100'), new Uint8Array(256).fill(4)]);
    const [r] = new RecordReader().push(long);
    expect(r?.kind === 'ssl2' && r.message.length).toBe(256);
    expect(encodeSsl2Record(new Uint8Array(256).fill(4))).toEqual(long);
  });

  it('refuses SSLv2 headers when asked to, and empty SSLv2 records', () => {
    expectWireError(() => new RecordReader({ ssl2: false }).push(hex('8003000001')), /SSLv2 header/);
    expectWireError(() => new RecordReader().push(hex('8000')), /empty SSLv2 record/);
  });

  it('treats an oversized length as a protocol error, not a crash', () => {
    // 2^14 + 2048 = 18432 = 0x4800 is the default limit.
    expect(new RecordReader().push(hex('16 0303 4800'))).toEqual([]);
    expectWireError(() => new RecordReader().push(hex('16 0303 4801')), /length 18433 over the limit/);
    expectWireError(
      () => new RecordReader({ maxRecordLength: 100 }).push(hex('17 0303 0065')),
      /over the limit/,
    );
    expectWireError(
      () => new RecordReader({ maxRecordLength: 100 }).push(hex('80 65')),
      /SSLv2 record length 101/,
    );
  });

  it('refuses bytes that are not TLS records', () => {
    expectWireError(
      () => new RecordReader().push(new TextEncoder().encode('HTTP/1.1 400 Bad')),
      /content type 72/,
    );
    expectWireError(() => new RecordReader().push(hex('16 0203 0000')), /version major 2/);
    expectWireError(() => new RecordReader().push(hex('13')), /content type 19/);
  });

  it('stays failed after an error', () => {
    const reader = new RecordReader();
    expectWireError(() => reader.push(hex('16 0303 ffff')));
    expectWireError(() => reader.push(hex('1603030000')), /over the limit/);
  });
});
