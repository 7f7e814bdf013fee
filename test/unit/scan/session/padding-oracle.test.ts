import { describe, expect, it } from 'vitest';
import { cipherSuite } from '../../../../src/core/scan/ciphers.js';
import {
  PADDING_TESTS,
  classifyPaddingRound,
  paddedRequest,
  paddingCandidate,
  paddingTestCode,
  paddingVectorRecord,
  type PaddingVector,
} from '../../../../src/core/scan/probes/padding-oracle.js';
import {
  cipherSpec,
  deriveConnectionKeys,
  recordLayerFor,
  type BlockProtection,
  type Reaction,
} from '../../../../src/core/scan/session/index.js';
import type { ProtocolSuitesFacts, ProtocolVersion } from '../../../../src/core/scan/types.js';
import { RecordReader } from '../../../../src/core/scan/wire/index.js';
import { reaction } from './helpers.js';

describe('the records each vector sends, as a receiver opens them', () => {
  for (const [suite, version] of [
    [0x002f, 0x0303],
    [0x003d, 0x0302],
    [0x000a, 0x0301],
  ] as const) {
    const spec = cipherSpec(suite)!;
    const protection = spec.protection as BlockProtection;
    const opened = (vector: PaddingVector) => {
      const keys = deriveConnectionKeys(
        spec,
        version,
        new Uint8Array(48).fill(1),
        new Uint8Array(32),
        new Uint8Array(32),
      );
      const client = recordLayerFor('client', spec, version, keys);
      const server = recordLayerFor('server', spec, version, keys);
      const { content, tamper } = paddingVectorRecord(
        vector,
        protection,
        paddedRequest('example.test', protection),
      );
      const [rec] = new RecordReader().push(client.write.sealRecord(23, content, tamper));
      if (rec?.kind !== 'tls') throw new Error('no record');
      return server.read.open(rec.type, rec.fragment).cbc!;
    };
    const bs = protection.blockSize;
    const mac = protection.macLength;

    describe(`${spec.name}, version 0x${version.toString(16)}`, () => {
      it('valid: the request opens, with a full block of padding', () => {
        const o = opened('valid');
        expect(o.content).not.toBeNull();
        expect(o.paddingLength).toBe(bs - 1);
      });
      it('invalid-mac: padding valid, MAC not', () => {
        expect(opened('invalid-mac')).toMatchObject({
          paddingValid: true,
          macPresent: true,
          macValid: false,
        });
      });
      it('missing-mac-incomplete-padding: 0xff everywhere, a padding longer than the record', () => {
        const o = opened('missing-mac-incomplete-padding');
        expect(o).toMatchObject({ paddingValid: false, paddingLength: 255 });
        expect(o.plaintext.every((b) => b === 0xff)).toBe(true);
      });
      it('invalid-padding-valid-mac: the length byte right, the other padding bytes wrong', () => {
        const o = opened('invalid-padding-valid-mac');
        expect(o).toMatchObject({ paddingValid: false, paddingLength: bs - 1 });
        const padding = o.plaintext.subarray(o.plaintext.length - bs, o.plaintext.length - 1);
        expect(padding.every((b) => b !== bs - 1)).toBe(true);
      });
      it('missing-mac-valid-padding: all padding, the fewest blocks longer than the MAC', () => {
        const o = opened('missing-mac-valid-padding');
        expect(o).toMatchObject({ paddingValid: true, macPresent: false });
        expect(o.plaintext).toHaveLength(Math.ceil((mac + 1) / bs) * bs);
      });
      it('empty records: MAC flipped with valid padding; valid MAC with wrong padding', () => {
        expect(opened('empty-invalid-mac')).toMatchObject({ paddingValid: true, macValid: false });
        const o = opened('empty-invalid-padding');
        expect(o.paddingValid).toBe(false);
        expect(o.plaintext.length - o.paddingLength - 1).toBe(mac); // only the MAC before the padding
      });
    });
  }

  it('the request plus MAC is a whole number of blocks', () => {
    for (const id of [0x002f, 0x003d, 0xc028, 0x000a]) {
      const p = cipherSpec(id)!.protection as BlockProtection;
      for (const host of ['a', 'example.test', 'a.much.longer.host.name.example']) {
        expect((paddedRequest(host, p).length + p.macLength) % p.blockSize).toBe(0);
      }
    }
  });
});

const alert = (name: string, end: Reaction['end'] = 'closed', encrypted = true): Reaction =>
  reaction({
    alerts: [{ level: 2, levelName: 'fatal', description: 20, name, encrypted }],
    records: [{ type: 21, length: 48 }],
    end,
  });
const data = reaction({
  applicationData: new Uint8Array(5),
  records: [{ type: 23, length: 64 }],
  end: 'closed',
});
const round = (over: Partial<Record<PaddingVector, Reaction>>): Record<PaddingVector, Reaction> => ({
  valid: data,
  'invalid-mac': alert('bad_record_mac'),
  'missing-mac-incomplete-padding': alert('bad_record_mac'),
  'invalid-padding-valid-mac': alert('bad_record_mac'),
  'missing-mac-valid-padding': alert('bad_record_mac'),
  'empty-invalid-mac': alert('bad_record_mac'),
  'empty-invalid-padding': alert('bad_record_mac'),
  ...over,
});

describe('classifyPaddingRound', () => {
  it('uniform rejections: nothing', () => {
    const v = classifyPaddingRound(round({}), true);
    expect(v.baselineOk).toBe(true);
    for (const t of PADDING_TESTS) expect(v[t]).toBe('not-vulnerable');
  });

  it('a refused baseline makes the round meaningless', () => {
    expect(classifyPaddingRound(round({ valid: alert('bad_record_mac') }), true).baselineOk).toBe(false);
  });

  it('POODLE TLS: bad padding bytes accepted (data, as for the valid record)', () => {
    const v = classifyPaddingRound(round({ 'invalid-padding-valid-mac': data }), true);
    expect(v).toMatchObject({
      poodleTls: 'vulnerable',
      zombiePoodle: 'not-vulnerable',
      sleepingPoodle: 'not-vulnerable',
    });
  });

  it('POODLE TLS for a service that answers nothing: accepted means reacting exactly like the valid record', () => {
    const quiet = reaction();
    expect(
      classifyPaddingRound(round({ valid: quiet, 'invalid-padding-valid-mac': quiet }), true).poodleTls,
    ).toBe('vulnerable');
    expect(classifyPaddingRound(round({ valid: quiet }), true).poodleTls).toBe('not-vulnerable');
  });

  it('Zombie POODLE: another encrypted alert (vulnerable) or another ending (exploitable)', () => {
    expect(
      classifyPaddingRound(round({ 'invalid-padding-valid-mac': alert('decryption_failed') }), true)
        .zombiePoodle,
    ).toBe('vulnerable');
    expect(
      classifyPaddingRound(round({ 'invalid-padding-valid-mac': alert('bad_record_mac', 'reset') }), true)
        .zombiePoodle,
    ).toBe('exploitable');
  });

  it('Sleeping POODLE: silence for the POODLE record where a bad MAC is rejected', () => {
    const v = classifyPaddingRound(round({ 'invalid-padding-valid-mac': reaction() }), true);
    expect(v).toMatchObject({
      sleepingPoodle: 'exploitable',
      zombiePoodle: 'not-vulnerable',
      poodleTls: 'not-vulnerable',
    });
    // A server silent for every bad record shows no difference.
    const allSilent = classifyPaddingRound(
      round({
        'invalid-mac': reaction(),
        'invalid-padding-valid-mac': reaction(),
        'missing-mac-incomplete-padding': reaction(),
      }),
      true,
    );
    expect(allSilent.sleepingPoodle).toBe('not-vulnerable');
  });

  it('GOLDENDOODLE and the 0-length oracle compare their own pairs', () => {
    const v = classifyPaddingRound(
      round({
        'missing-mac-incomplete-padding': alert('decode_error'),
        'empty-invalid-padding': alert('bad_record_mac', 'timeout'),
      }),
      true,
    );
    expect(v).toMatchObject({
      goldenDoodle: 'vulnerable',
      zeroLengthPaddingOracle: 'exploitable',
      zombiePoodle: 'not-vulnerable',
    });
  });

  it('LuckyMinus20: record_overflow for the all-padding record, AES suites only', () => {
    const r = round({ 'missing-mac-valid-padding': alert('record_overflow') });
    expect(classifyPaddingRound(r, true).openSSLLuckyMinus20).toBe('vulnerable');
    expect(classifyPaddingRound(r, false).openSSLLuckyMinus20).toBe('not-vulnerable');
    const everywhere = round({
      'missing-mac-valid-padding': alert('record_overflow'),
      'invalid-mac': alert('record_overflow'),
    });
    expect(classifyPaddingRound(everywhere, true).openSSLLuckyMinus20).toBe('not-vulnerable');
  });
});

describe('SSL Labs codes (API v3 EndpointDetails)', () => {
  it('poodleTls: -3 timeout, -2 TLS not supported, -1 failed, 0 unknown, 1 not vulnerable, 2 vulnerable', () => {
    expect(paddingTestCode('poodleTls', 'timeout')).toBe(-3);
    expect(paddingTestCode('poodleTls', 'tls-not-supported')).toBe(-2);
    expect(paddingTestCode('poodleTls', 'failed')).toBe(-1);
    expect(paddingTestCode('poodleTls', 'inconsistent')).toBe(0);
    expect(paddingTestCode('poodleTls', 'not-vulnerable')).toBe(1);
    expect(paddingTestCode('poodleTls', 'vulnerable')).toBe(2);
  });

  it('the 2019 oracles: vulnerable / exploitable are 2/3, 4/5, 6/7, 10/11', () => {
    const pairs = {
      zombiePoodle: [2, 3],
      goldenDoodle: [4, 5],
      zeroLengthPaddingOracle: [6, 7],
      sleepingPoodle: [10, 11],
    } as const;
    for (const [test, [v, x]] of Object.entries(pairs)) {
      const t = test as keyof typeof pairs;
      expect([paddingTestCode(t, 'vulnerable'), paddingTestCode(t, 'exploitable')]).toEqual([v, x]);
      expect(paddingTestCode(t, 'timeout')).toBe(-1);
      expect(paddingTestCode(t, 'not-applicable')).toBe(1);
    }
    expect(paddingTestCode('openSSLLuckyMinus20', 'vulnerable')).toBe(2);
  });
});

describe('paddingCandidate', () => {
  const facts = (entries: [ProtocolVersion, number[]][]): ProtocolSuitesFacts[] =>
    entries.map(([protocol, ids]) => ({
      protocol,
      suites: ids.map((id) => ({ suite: cipherSuite(id)! })),
      preference: null,
    }));

  it('TLS 1.2 first; AES-128 with HMAC-SHA1 over other CBC suites', () => {
    expect(paddingCandidate(facts([[0x0303, [0xc02f, 0x003d, 0x000a, 0x002f]]]))).toEqual({
      protocol: 0x0303,
      suite: 0x002f,
    });
    expect(
      paddingCandidate(
        facts([
          [0x0303, [0xc02f]],
          [0x0301, [0x000a]],
        ]),
      ),
    ).toEqual({ protocol: 0x0301, suite: 0x000a });
  });

  it('why there is none: no CBC, CBC the engine does not run, or no TLS at all', () => {
    expect(
      paddingCandidate(
        facts([
          [0x0303, [0xc02f]],
          [0x0304, [0x1301]],
        ]),
      ),
    ).toEqual({ none: 'no-cbc' });
    expect(paddingCandidate(facts([[0x0303, [0x0041]]]))).toEqual({ none: 'no-runnable-cbc' });
    expect(paddingCandidate(facts([[0x0300, [0x002f]]]))).toEqual({ none: 'tls-not-supported' });
  });
});
