import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE,
  RecordReader,
  buildChangeCipherSpec,
  buildChangeCipherSpecRecord,
  buildHeartbeatRequest,
  buildHeartbeatResponse,
  buildMalformedHeartbeatRequest,
  encodeRecord,
  isChangeCipherSpec,
  parseHeartbeat,
  toHex,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

describe('heartbeat messages (RFC 6520 §4)', () => {
  it('builds a well-formed request: type, u16 payload_length, payload, padding', () => {
    const msg = buildHeartbeatRequest(hex('aabbcc'), filled(16, 0xee));
    expect(toHex(msg)).toBe('01' + '0003' + 'aabbcc' + 'ee'.repeat(16));
    expect(parseHeartbeat(msg)).toEqual({
      type: 1,
      payloadLength: 3,
      payload: hex('aabbcc'),
      padding: filled(16, 0xee),
      wellFormed: true,
    });
  });

  it('pads with 16 random bytes by default and refuses less padding', () => {
    const a = buildHeartbeatResponse(hex('01'));
    const b = buildHeartbeatResponse(hex('01'));
    expect(a.length).toBe(3 + 1 + 16);
    expect(a[0]).toBe(2);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(() => buildHeartbeatRequest(hex('01'), filled(15, 0))).toThrow(RangeError);
    expect(() => buildHeartbeatRequest(filled(0x4000, 0))).toThrow(RangeError);
  });

  it('builds the over-length request a CVE-2014-0160 test sends: no padding, payload_length > payload', () => {
    expect(toHex(buildMalformedHeartbeatRequest(0x4000))).toBe('014000');
    expect(toHex(buildMalformedHeartbeatRequest(0xffff, hex('41')))).toBe('01ffff41');
    expect(() => buildMalformedHeartbeatRequest(1, hex('41'))).toThrow(RangeError);
    expect(() => buildMalformedHeartbeatRequest(0x10000)).toThrow(RangeError);
    const parsed = parseHeartbeat(buildMalformedHeartbeatRequest(0x4000, hex('41')));
    expect(parsed).toMatchObject({ type: 1, payloadLength: 0x4000, payload: hex('41'), wellFormed: false });
  });

  it('reads a leaking response: the echoed length with that many bytes', () => {
    const leak = filled(0x4000, 0x5a);
    const fragment = new Uint8Array([2, 0x40, 0x00, ...leak, ...filled(16, 0)]);
    // A leaking server answers in one record longer than 2^14 (its own record layer never checks).
    const wire = encodeRecord(CONTENT_TYPE.heartbeat, 0x0302, fragment, { maxFragment: 0xffff });
    const rec = new RecordReader().push(wire);
    expect(rec).toHaveLength(1);
    const hb = rec[0]?.kind === 'tls' ? parseHeartbeat(rec[0].fragment) : undefined;
    expect(hb?.payload.length).toBe(0x4000);
    expect(hb?.wellFormed).toBe(true);
  });

  it('flags missing padding, and refuses a message too short for its header', () => {
    expect(parseHeartbeat(hex('02 0001 aa')).wellFormed).toBe(false);
    expectWireError(() => parseHeartbeat(hex('0100')), /payload_length truncated/);
  });
});

describe('ChangeCipherSpec (RFC 5246 §7.1)', () => {
  it('is the single byte 1', () => {
    expect(toHex(buildChangeCipherSpec())).toBe('01');
    expect(toHex(buildChangeCipherSpecRecord())).toBe('140303000101');
    expect(isChangeCipherSpec(hex('01'))).toBe(true);
    expect(isChangeCipherSpec(hex('02'))).toBe(false);
    expect(isChangeCipherSpec(hex('0101'))).toBe(false);
    expect(isChangeCipherSpec(hex(''))).toBe(false);
  });
});
