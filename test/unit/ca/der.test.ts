import { describe, expect, it } from 'vitest';
import {
  bitString,
  boolean,
  childrenOf,
  enumerated,
  explicit,
  generalizedTime,
  ia5String,
  implicit,
  implicitPrimitive,
  integerFromBigInt,
  integerFromBytes,
  integerFromHex,
  integerFromNumber,
  namedBitString,
  nullValue,
  octetString,
  oid,
  oidToString,
  parseTime,
  printableString,
  readNode,
  readRoot,
  sequence,
  set,
  time,
  tlv,
  utcTime,
  utf8String,
} from '../../../src/core/ca/der.js';
import { CertgridError } from '../../../src/core/errors.js';
import { openssl } from './ca-fixtures.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER writer', () => {
  it('encodes INTEGERs minimally and keeps them positive (X.690 §8.3)', () => {
    expect(hex(integerFromNumber(0))).toBe('020100');
    expect(hex(integerFromNumber(127))).toBe('02017f');
    expect(hex(integerFromNumber(128))).toBe('02020080');
    expect(hex(integerFromNumber(256))).toBe('02020100');
    expect(hex(integerFromNumber(-1))).toBe('0201ff');
    expect(hex(integerFromNumber(-128))).toBe('020180');
    expect(hex(integerFromNumber(-129))).toBe('0202ff7f');
    expect(hex(integerFromBigInt(2n ** 64n))).toBe('0209010000000000000000');
    expect(hex(integerFromBytes(Buffer.from('000080', 'hex')))).toBe('02020080');
    expect(hex(integerFromBytes(Buffer.alloc(0)))).toBe('020100');
    expect(hex(integerFromHex('8F'))).toBe('0202008f');
    expect(hex(integerFromHex('ABC'))).toBe('02020abc');
    expect(hex(integerFromHex('00'))).toBe('020100');
    expect(hex(integerFromHex('7FFF'))).toBe('02027fff');
    expect(() => integerFromHex('XY')).toThrow(TypeError);
  });

  it('uses long-form lengths above 127 octets', () => {
    expect(hex(octetString(Buffer.alloc(200)).subarray(0, 3))).toBe('0481c8');
    expect(hex(octetString(Buffer.alloc(300)).subarray(0, 4))).toBe('0482012c');
    expect(octetString(Buffer.alloc(70_000)).subarray(0, 5).toString('hex')).toBe('0483011170');
  });

  it('encodes OBJECT IDENTIFIERs and caches them', () => {
    expect(hex(oid('1.2.840.113549'))).toBe('06062a864886f70d');
    expect(hex(oid('2.5.29.19'))).toBe('0603551d13');
    expect(hex(oid('2.999.3'))).toBe('0603883703');
    expect(oid('2.5.29.19')).toBe(oid('2.5.29.19'));
    expect(oidToString(oid('1.3.6.1.5.5.7.48.1.2').subarray(2))).toBe('1.3.6.1.5.5.7.48.1.2');
    expect(oidToString(oid('2.999.3').subarray(2))).toBe('2.999.3');
    expect(() => oid('3.1')).toThrow(TypeError);
    expect(() => oid('1.40')).toThrow(TypeError);
  });

  it('encodes the string types and rejects characters outside them', () => {
    expect(hex(utf8String('é'))).toBe('0c02c3a9');
    expect(hex(printableString('US'))).toBe('13025553');
    expect(hex(ia5String('a@b'))).toBe('1603614062');
    expect(() => printableString('a@b')).toThrow(TypeError);
    expect(() => ia5String('é')).toThrow(TypeError);
  });

  it('picks UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    const d2049 = new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999));
    const d2050 = new Date(Date.UTC(2050, 0, 1, 0, 0, 0));
    const d1950 = new Date(Date.UTC(1950, 0, 1, 0, 0, 0));
    expect(time(d2049).toString('latin1', 2)).toBe('491231235959Z');
    expect(time(d2049)[0]).toBe(0x17);
    expect(time(d2050)[0]).toBe(0x18);
    expect(time(d2050).toString('latin1', 2)).toBe('20500101000000Z');
    expect(time(d1950).toString('latin1', 2)).toBe('500101000000Z');
    expect(time(new Date(Date.UTC(1949, 11, 31)))[0]).toBe(0x18);
    expect(() => utcTime(d2050)).toThrow(TypeError);
    expect(() => time(new Date(NaN))).toThrow(TypeError);
    expect(generalizedTime(d2049).toString('latin1', 2)).toBe('20491231235959Z');
  });

  it('round-trips times through parseTime', () => {
    for (const d of [new Date(Date.UTC(2049, 5, 1, 1, 2, 3)), new Date(Date.UTC(2051, 5, 1, 1, 2, 3))]) {
      const enc = time(d);
      expect(parseTime(enc, readRoot(enc)).getTime()).toBe(d.getTime());
    }
    const y1999 = utcTime(new Date(Date.UTC(1999, 0, 1)));
    expect(parseTime(y1999, readRoot(y1999)).getUTCFullYear()).toBe(1999);
  });

  it('drops trailing zero bits of named BIT STRINGs (X.690 §11.2.2)', () => {
    expect(hex(namedBitString([5, 6]))).toBe('03020106'); // keyCertSign + cRLSign
    expect(hex(namedBitString([0]))).toBe('03020780'); // digitalSignature
    expect(hex(namedBitString([0, 2]))).toBe('030205a0'); // digitalSignature + keyEncipherment
    expect(hex(namedBitString([8]))).toBe('0303070080'); // decipherOnly
    expect(hex(namedBitString([]))).toBe('030100');
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab');
  });

  it('encodes BOOLEAN, NULL, ENUMERATED and context tags', () => {
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
    expect(hex(nullValue())).toBe('0500');
    expect(hex(enumerated(1))).toBe('0a0101');
    expect(hex(explicit(0, integerFromNumber(2)))).toBe('a003020102');
    expect(hex(implicitPrimitive(2, Buffer.from('a')))).toBe('820161');
    expect(hex(implicit(1, sequence(nullValue())))).toBe('a1020500');
    expect(hex(implicit(6, ia5String('x')))).toBe('860178');
    expect(() => explicit(31, nullValue())).toThrow(TypeError);
  });

  it('sorts SET OF elements (X.690 §11.6)', () => {
    expect(hex(set(integerFromNumber(2), integerFromNumber(1)))).toBe('3106020101020102');
    expect(hex(set())).toBe('3100');
  });

  it('produces structures openssl asn1parse reads back', () => {
    const der = sequence(
      integerFromHex('00FF'),
      oid('1.2.840.10045.4.3.2'),
      utf8String('x'.repeat(300)),
      explicit(3, sequence(boolean(true))),
      time(new Date(Date.UTC(2030, 0, 2, 3, 4, 5))),
    );
    const r = openssl(['asn1parse', '-inform', 'DER'], der);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(':FF');
    expect(r.stdout).toContain('ecdsa-with-SHA256');
    expect(r.stdout).toContain('UTF8STRING');
    expect(r.stdout).toContain('cont [ 3 ]');
    expect(r.stdout).toContain('UTCTIME           :300102030405Z');
  });
});

describe('DER reader', () => {
  it('walks nested structures', () => {
    const der = sequence(integerFromNumber(5), sequence(nullValue()));
    const root = readRoot(der, 0x30);
    const kids = childrenOf(der, root);
    expect(kids.map((k) => k.tag)).toEqual([0x02, 0x30]);
    expect(childrenOf(der, kids[1]!).map((k) => k.tag)).toEqual([0x05]);
  });

  it('rejects indefinite lengths, truncation and trailing data with INVALID_FORMAT', () => {
    const bad = [
      Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex'),
      Buffer.from('300502', 'hex'),
      Buffer.concat([sequence(), Buffer.from([0])]),
      Buffer.from('1f0100', 'hex'),
    ];
    for (const b of bad) {
      expect(() => readRoot(b)).toThrow(CertgridError);
      try {
        readRoot(b);
      } catch (e) {
        expect((e as CertgridError).code).toBe('INVALID_FORMAT');
      }
    }
    expect(() => readNode(tlv(0x04, Buffer.alloc(3)), 0, 3)).toThrow(/beyond/);
  });
});
