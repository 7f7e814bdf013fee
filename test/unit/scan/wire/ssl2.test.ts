import { describe, expect, it } from 'vitest';
import {
  RecordReader,
  buildSsl2ClientHello,
  buildSsl2Error,
  buildSsl2ServerHello,
  encodeSsl2Record,
  parseSsl2ClientHello,
  parseSsl2ServerHello,
  parseSsl2ServerMessage,
  toHex,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

// SSL_CK_RC4_128_WITH_MD5 and SSL_CK_DES_192_EDE3_CBC_WITH_MD5 (draft-hickman-netscape-ssl-00, Appendix A).
const RC4_128_MD5 = 0x010080;
const DES_192_EDE3_MD5 = 0x0700c0;

describe('SSLv2 CLIENT-HELLO', () => {
  it('encodes the draft layout with 3-byte cipher kinds, in a two-byte-header record', () => {
    const msg = buildSsl2ClientHello({
      cipherKinds: [RC4_128_MD5, DES_192_EDE3_MD5],
      challenge: filled(16, 0xab),
    });
    const expected =
      '01' + // MSG-CLIENT-HELLO
      '0002' + // CLIENT-VERSION
      '0006' + // CIPHER-SPECS-LENGTH
      '0000' + // SESSION-ID-LENGTH
      '0010' + // CHALLENGE-LENGTH
      '010080' +
      '0700c0' +
      'ab'.repeat(16);
    expect(toHex(msg)).toBe(expected);
    expect(toHex(encodeSsl2Record(msg))).toBe('801f' + expected);
  });

  it('round-trips, also as a v2-compatible TLS hello (RFC 5246 Appendix E.2)', () => {
    const msg = buildSsl2ClientHello({
      version: 0x0301,
      cipherKinds: [0x00002f, 0x000035],
      challenge: filled(32, 1),
    });
    expect(parseSsl2ClientHello(msg)).toEqual({
      version: 0x0301,
      cipherKinds: [0x2f, 0x35],
      sessionId: new Uint8Array(0),
      challenge: filled(32, 1),
    });
    expect(buildSsl2ClientHello({ cipherKinds: [] }).length).toBe(9 + 16);
    expect(() => buildSsl2ClientHello({ cipherKinds: [0x1000000] })).toThrow(RangeError);
  });

  it('refuses a cipher spec length that is not a multiple of 3 and truncated data', () => {
    expectWireError(() => parseSsl2ClientHello(hex('01 0002 0002 0000 0000 0100')), /multiple of 3/);
    expectWireError(
      () => parseSsl2ClientHello(hex('01 0002 0003 0000 0010 010080')),
      /CHALLENGE-DATA truncated/,
    );
    expectWireError(() => parseSsl2ClientHello(hex('04 0002')), /not CLIENT-HELLO/);
  });
});

describe('SSLv2 SERVER-HELLO', () => {
  const cert = filled(20, 0x30);
  const hand =
    '04' + // MSG-SERVER-HELLO
    '00' + // SESSION-ID-HIT
    '01' + // CERTIFICATE-TYPE: X.509
    '0002' + // SERVER-VERSION
    '0014' + // CERTIFICATE-LENGTH
    '0006' + // CIPHER-SPECS-LENGTH
    '0010' + // CONNECTION-ID-LENGTH
    '30'.repeat(20) +
    '010080' +
    '0700c0' +
    'cd'.repeat(16);

  it('parses a hand-written message read from chunked records', () => {
    const wire = encodeSsl2Record(hex(hand));
    const reader = new RecordReader();
    const records = [
      ...reader.push(wire.subarray(0, 1)),
      ...reader.push(wire.subarray(1, 30)),
      ...reader.push(wire.subarray(30)),
    ];
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    if (rec.kind !== 'ssl2') throw new Error('expected an SSLv2 record');
    expect(parseSsl2ServerHello(rec.message)).toEqual({
      sessionIdHit: false,
      certificateType: 1,
      version: 2,
      certificate: cert,
      cipherKinds: [RC4_128_MD5, DES_192_EDE3_MD5],
      connectionId: filled(16, 0xcd),
    });
  });

  it('builds the same bytes', () => {
    const msg = buildSsl2ServerHello({
      certificate: cert,
      cipherKinds: [RC4_128_MD5, DES_192_EDE3_MD5],
      connectionId: filled(16, 0xcd),
    });
    expect(toHex(msg)).toBe(hand);
  });

  it('classifies server messages: hello, error, other', () => {
    expect(parseSsl2ServerMessage(hex(hand)).kind).toBe('server-hello');
    expect(parseSsl2ServerMessage(buildSsl2Error(1))).toEqual({
      kind: 'error',
      error: { code: 1, name: 'NO-CIPHER-ERROR' },
    });
    expect(parseSsl2ServerMessage(hex('00 0009'))).toEqual({
      kind: 'error',
      error: { code: 9, name: 'UNKNOWN-ERROR(9)' },
    });
    expect(parseSsl2ServerMessage(hex('05 aa'))).toMatchObject({ kind: 'other', messageType: 5 });
  });

  it('refuses lying lengths', () => {
    const short = hex(hand).subarray(0, hex(hand).length - 1);
    expectWireError(() => parseSsl2ServerHello(short), /CONNECTION-ID-DATA truncated/);
    expectWireError(() => parseSsl2ServerHello(hex(hand + '00')), /trailing/);
    expectWireError(() => parseSsl2ServerMessage(hex('00 00')), /ERROR-CODE truncated/);
  });
});
