import { describe, expect, it } from 'vitest';
import {
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  RecordReader,
  encodeHandshake,
  encodeRecord,
  toHex,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, hex } from './helpers.js';

describe('encodeHandshake', () => {
  it('frames msg_type and a u24 length (RFC 5246 §7.4)', () => {
    expect(toHex(encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)))).toBe('0e000000');
    expect(toHex(encodeHandshake(11, hex('aabb')))).toBe('0b000002aabb');
  });
});

describe('HandshakeReassembler', () => {
  it('reassembles one message sent over three records', () => {
    const body = new Uint8Array(40).map((_, i) => i);
    const message = encodeHandshake(HANDSHAKE_TYPE.certificate, body);
    // 44 bytes in records of at most 15: 15 + 15 + 14.
    const wire = encodeRecord(22, 0x0303, message, { maxFragment: 15 });
    const records = new RecordReader().push(wire);
    expect(records).toHaveLength(3);
    const hs = new HandshakeReassembler();
    const got = records.map((r) => (r.kind === 'tls' ? hs.push(r.fragment) : []));
    expect(got[0]).toEqual([]);
    expect(got[1]).toEqual([]);
    expect(got[2]).toEqual([{ type: 11, body }]);
    expect(hs.buffered).toBe(0);
  });

  it('splits two messages carried in one record', () => {
    const fragment = hex('02 000002 abcd' + '0e 000000');
    const msgs = new HandshakeReassembler().push(fragment);
    expect(msgs).toEqual([
      { type: 2, body: hex('abcd') },
      { type: 14, body: new Uint8Array(0) },
    ]);
  });

  it('waits when the 4-byte header itself is split', () => {
    const hs = new HandshakeReassembler();
    expect(hs.push(hex('0b00'))).toEqual([]);
    expect(hs.push(hex('0001'))).toEqual([]);
    expect(hs.buffered).toBe(4);
    expect(hs.push(hex('ff 0e00'))).toEqual([{ type: 11, body: hex('ff') }]);
    expect(hs.buffered).toBe(2);
  });

  it('refuses a u24 length over the limit instead of waiting for 16 MB', () => {
    expectWireError(() => new HandshakeReassembler().push(hex('0b ffffff')), /announces 16777215 bytes/);
    expectWireError(
      () => new HandshakeReassembler({ maxMessageLength: 3 }).push(hex('0b 000004')),
      /over the limit/,
    );
    expect(new HandshakeReassembler({ maxMessageLength: 3 }).push(hex('0b 000003 010203'))).toHaveLength(1);
  });
});
