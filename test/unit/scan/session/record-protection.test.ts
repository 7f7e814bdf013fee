import { describe, expect, it } from 'vitest';
import {
  RecordProtection,
  cipherSpec,
  deriveConnectionKeys,
  recordLayerFor,
} from '../../../../src/core/scan/session/index.js';
import { CONTENT_TYPE, RecordReader, type TlsRecord } from '../../../../src/core/scan/wire/index.js';

const master = new Uint8Array(48).fill(0x33);
const cr = new Uint8Array(32).fill(1);
const sr = new Uint8Array(32).fill(2);
const utf8 = (s: string) => new TextEncoder().encode(s);

const pair = (suite: number, version: number) => {
  const spec = cipherSpec(suite)!;
  const keys = deriveConnectionKeys(spec, version, master, cr, sr);
  return {
    client: recordLayerFor('client', spec, version, keys),
    server: recordLayerFor('server', spec, version, keys),
  };
};

const parse = (bytes: Uint8Array): TlsRecord => {
  const [rec] = new RecordReader().push(bytes);
  if (rec?.kind !== 'tls') throw new Error('not a record');
  return rec;
};

describe('RecordProtection: the client seals, the server opens, and back', () => {
  const cases: [number, number][] = [
    [0x002f, 0x0301],
    [0x002f, 0x0302],
    [0x003d, 0x0303],
    [0xc028, 0x0303],
    [0x000a, 0x0303],
    [0xc02f, 0x0303],
    [0x009f, 0x0303],
    [0xcca8, 0x0303],
  ];
  for (const [suite, version] of cases) {
    it(`suite 0x${suite.toString(16)}, version 0x${version.toString(16)}: several records each way`, () => {
      const { client, server } = pair(suite, version);
      for (let i = 0; i < 3; i++) {
        const rec = parse(client.write.sealRecord(CONTENT_TYPE.application_data, utf8(`request ${i}`)));
        expect(rec.version).toBe(version);
        const opened = server.read.open(rec.type, rec.fragment);
        expect(opened.ok && new TextDecoder().decode(opened.content)).toBe(`request ${i}`);
        const back = parse(server.write.sealRecord(CONTENT_TYPE.application_data, utf8(`answer ${i}`)));
        const answer = client.read.open(back.type, back.fragment);
        expect(answer.ok && new TextDecoder().decode(answer.content)).toBe(`answer ${i}`);
      }
      expect(client.write.sequence).toBe(3n);
      expect(server.read.sequence).toBe(3n);
    });
  }

  it('records out of order do not open (sequence numbers are in the MAC)', () => {
    const { client, server } = pair(0x002f, 0x0303);
    const a = parse(client.write.sealRecord(23, utf8('a')));
    const b = parse(client.write.sealRecord(23, utf8('b')));
    expect(server.read.open(b.type, b.fragment).ok).toBe(false);
    expect(server.read.open(a.type, a.fragment).ok).toBe(false);
  });

  it('a tampered CBC record is reported with what was wrong', () => {
    const { client, server } = pair(0x002f, 0x0303);
    const rec = parse(
      client.write.sealRecord(23, utf8('x'), { padding: (p) => p.map((b, i) => (i === 0 ? b ^ 0x80 : b)) }),
    );
    const opened = server.read.open(rec.type, rec.fragment);
    expect(opened).toMatchObject({ ok: false, alert: 'bad_record_mac', cbc: { paddingValid: false } });
  });

  it('explicit IVs come from the injected randomness; TLS 1.0 writes none', () => {
    const spec = cipherSpec(0x002f)!;
    const keys = deriveConnectionKeys(spec, 0x0303, master, cr, sr);
    const fixed = new RecordProtection(spec, 0x0303, keys.client, (n) => new Uint8Array(n).fill(0x77));
    expect(fixed.seal(23, utf8('x')).subarray(0, 16)).toEqual(new Uint8Array(16).fill(0x77));
    const old = pair(0x002f, 0x0301);
    expect(old.client.write.seal(23, new Uint8Array(11))).toHaveLength(32); // 11 + 20 + 1 = 32, no IV
  });
});
