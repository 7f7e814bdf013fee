import { describe, expect, it } from 'vitest';
import { nodeAt, oidAt, stringAt, timeAt } from '../../../src/core/inventory/der-reader.js';
import { formatIpAddress } from '../../../src/core/inventory/general-names.js';
import { CertgridError } from '../../../src/core/errors.js';

const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag, body.length]), body]);
const node = (buf: Buffer) => nodeAt(buf, 0, buf.length, 'test');
const utc = (s: string): number => {
  const b = tlv(0x17, Buffer.from(s, 'latin1'));
  return timeAt(b, node(b), 'test');
};
const generalized = (s: string): number => {
  const b = tlv(0x18, Buffer.from(s, 'latin1'));
  return timeAt(b, node(b), 'test');
};
const invalidFormat = (fn: () => unknown): void => {
  expect(fn).toThrow(CertgridError);
  try {
    fn();
  } catch (e) {
    expect((e as CertgridError).code).toBe('INVALID_FORMAT');
  }
};

describe('timeAt', () => {
  it('reads the RFC 5280 forms: UTCTime 1950–2049, GeneralizedTime', () => {
    expect(utc('500101000000Z')).toBe(Date.UTC(1950, 0, 1));
    expect(utc('491231235959Z')).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(generalized('20500101000000Z')).toBe(Date.UTC(2050, 0, 1));
    expect(generalized('99991231235959Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    expect(generalized('00010101000000Z')).toBe(new Date('0001-01-01T00:00:00Z').getTime());
  });

  it('reads the forms older CAs wrote: no seconds, an offset, fractional seconds', () => {
    expect(utc('2001020304Z')).toBe(Date.UTC(2020, 0, 2, 3, 4));
    expect(utc('200102030405+0200')).toBe(Date.UTC(2020, 0, 2, 1, 4, 5));
    expect(utc('200102030405-0130')).toBe(Date.UTC(2020, 0, 2, 4, 34, 5));
    expect(generalized('20200102030405.123Z')).toBe(Date.UTC(2020, 0, 2, 3, 4, 5, 123));
  });

  it('rejects anything else', () => {
    invalidFormat(() => utc('20200102030405Z'));
    invalidFormat(() => utc('201302030405Z'));
    invalidFormat(() => generalized('2020010203Z'));
    invalidFormat(() => generalized('20200102030405'));
    invalidFormat(() => {
      const b = tlv(0x04, Buffer.from('200102030405Z'));
      timeAt(b, node(b), 'test');
    });
  });
});

describe('oidAt', () => {
  const oid = (hex: string): string => {
    const b = tlv(0x06, Buffer.from(hex, 'hex'));
    return oidAt(b, node(b), 'test');
  };

  it('decodes the first two arcs and large arcs exactly', () => {
    expect(oid('2a864886f70d010101')).toBe('1.2.840.113549.1.1.1');
    expect(oid('0992268993f22c640119')).toBe('0.9.2342.19200300.100.1.25');
    expect(oid('883701')).toBe('2.999.1'); // first subidentifier ≥ 80: arc 2 with a second arc ≥ 40
    // 2.25.<UUID as an integer> (X.667): arcs beyond 2^53 stay exact.
    expect(oid('6983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776')).toBe(
      '2.25.329800735698586629295641978511506172918',
    );
  });

  it('rejects an empty or unterminated OID', () => {
    invalidFormat(() => oid(''));
    invalidFormat(() => oid('2a86'));
  });
});

describe('stringAt', () => {
  const str = (tag: number, hex: string): string => {
    const b = tlv(tag, Buffer.from(hex, 'hex'));
    return stringAt(b, node(b), 'test');
  };

  it('rejects BMPString and UniversalString of impossible lengths or code points', () => {
    expect(str(0x1e, '00e9')).toBe('é');
    invalidFormat(() => str(0x1e, '00e900'));
    invalidFormat(() => str(0x1c, '0000e9'));
    invalidFormat(() => str(0x1c, '00110000'));
  });
});

describe('formatIpAddress (RFC 5952)', () => {
  const ip = (hex: string): string => formatIpAddress(Buffer.from(hex, 'hex'), 0, hex.length / 2, 'test');

  it('compresses the longest run of two or more zero groups, the first on a tie', () => {
    expect(ip('00000000000000000000000000000000')).toBe('::');
    expect(ip('00000000000000000000000000000001')).toBe('::1');
    expect(ip('20010db8000000000000000000000000')).toBe('2001:db8::');
    expect(ip('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
    expect(ip('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1');
    expect(ip('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1'); // one zero group stays
  });

  it('writes lowercase hex without leading zeros, and IPv4-mapped addresses in mixed notation', () => {
    expect(ip('20010DB800AB0CDEFFFF000A000B000C'.toLowerCase())).toBe('2001:db8:ab:cde:ffff:a:b:c');
    expect(ip('00000000000000000000ffffc0000201')).toBe('::ffff:192.0.2.1');
    expect(ip('c0000201')).toBe('192.0.2.1');
  });

  it('rejects other lengths', () => {
    invalidFormat(() => ip('c00002'));
    invalidFormat(() => ip('c0000201ffffff00'));
  });
});
