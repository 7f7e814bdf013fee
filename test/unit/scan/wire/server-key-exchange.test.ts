import { describe, expect, it } from 'vitest';
import {
  buildDheServerKeyExchange,
  buildEcdheServerKeyExchange,
  parseServerKeyExchange,
  toHex,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

describe('DHE ServerKeyExchange (RFC 5246 §7.4.3)', () => {
  it('reads p, g, Ys as hex and the bit length of p, from a hand-written vector', () => {
    const body = hex(
      '0003 00c001' + // dh_p with a leading zero byte: 0xc001, 16 bits
        '0001 02' + // dh_g = 2
        '0002 1234' + // dh_Ys
        '0401 0002 abcd', // TLS 1.2: rsa_pkcs1_sha256, signature
    );
    const ske = parseServerKeyExchange(body, 'dhe');
    expect(ske).toEqual({
      kind: 'dhe',
      p: 'c001',
      g: '02',
      ys: '1234',
      pBits: 16,
      signed: { algorithm: 0x0401, signature: hex('abcd') },
    });
  });

  it('round-trips a 2048-bit prime; the signature layout follows the version', () => {
    const p = Uint8Array.from([0xff, ...filled(254, 0x5a), 0xfb]);
    const msg = buildDheServerKeyExchange({
      p,
      g: hex('02'),
      ys: filled(256, 3),
      signed: { signature: hex('0102') },
    });
    expect(msg[0]).toBe(12);
    const ske = parseServerKeyExchange(msg.subarray(4), 'dhe', { version: 0x0301 });
    expect(ske.kind === 'dhe' && [ske.pBits, ske.p]).toEqual([2048, toHex(p)]);
    expect(ske.signed).toEqual({ algorithm: null, signature: hex('0102') });
  });

  it('has no signature for anonymous DH', () => {
    const msg = buildDheServerKeyExchange({ p: hex('17'), g: hex('05'), ys: hex('08') });
    expect(parseServerKeyExchange(msg.subarray(4), 'dhe').signed).toBeNull();
  });

  it('refuses truncated or empty parameters', () => {
    expectWireError(() => parseServerKeyExchange(hex('012c 0102'), 'dhe'), /dh_p length 300 exceeds/);
    expectWireError(() => parseServerKeyExchange(hex('0000 0001 02 0001 03'), 'dhe'), /dh_p shorter than 1/);
    expectWireError(() => parseServerKeyExchange(hex('0001 17 0001 02'), 'dhe'), /dh_Ys truncated/);
    const lying = hex('0001 17 0001 02 0001 03 0401 0005 00');
    expectWireError(
      () => parseServerKeyExchange(lying, 'dhe', { version: 0x0303 }),
      /signature length 5 exceeds the 1 bytes/,
    );
    expectWireError(() => parseServerKeyExchange(lying, 'dhe'), /signature length 1025/);
  });
});

describe('ECDHE ServerKeyExchange (RFC 8422 §5.4)', () => {
  const point = filled(32, 0x99);

  it('reads named curve and point; infers the TLS 1.2 signature layout', () => {
    const body = hex('03 001d 20' + toHex(point) + '0403 0002 abcd');
    expect(parseServerKeyExchange(body, 'ecdhe')).toEqual({
      kind: 'ecdhe',
      namedCurve: 0x001d,
      point,
      signed: { algorithm: 0x0403, signature: hex('abcd') },
    });
  });

  it('infers the pre-1.2 layout when only it fits', () => {
    const body = hex('03 0017 01 04' + '0003 aabbcc');
    expect(parseServerKeyExchange(body, 'ecdhe').signed).toEqual({
      algorithm: null,
      signature: hex('aabbcc'),
    });
  });

  it('round-trips through the builder', () => {
    const msg = buildEcdheServerKeyExchange({
      namedCurve: 0x0018,
      point,
      signed: { algorithm: 0x0503, signature: filled(70, 1) },
    });
    expect(parseServerKeyExchange(msg.subarray(4), 'ecdhe', { version: 0x0303 })).toEqual({
      kind: 'ecdhe',
      namedCurve: 0x0018,
      point,
      signed: { algorithm: 0x0503, signature: filled(70, 1) },
    });
  });

  it('refuses explicit curves, empty points and lying lengths', () => {
    expectWireError(() => parseServerKeyExchange(hex('01 0017'), 'ecdhe'), /curve_type 1 is not named_curve/);
    expectWireError(() => parseServerKeyExchange(hex('03 0017 00'), 'ecdhe'), /point shorter than 1/);
    expectWireError(() => parseServerKeyExchange(hex('03 0017 41 04'), 'ecdhe'), /point length 65 exceeds/);
    expectWireError(() => parseServerKeyExchange(hex('03 00'), 'ecdhe'), /namedcurve truncated/);
  });
});
