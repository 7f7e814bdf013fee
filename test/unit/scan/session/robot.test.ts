import { describe, expect, it } from 'vitest';
import { cipherSuite } from '../../../../src/core/scan/ciphers.js';
import {
  ROBOT_VECTORS,
  bleichenbacherCode,
  classifyRobotRun,
  robotBlock,
  robotCandidate,
  robotVerdict,
  type RobotRun,
  type RobotVector,
} from '../../../../src/core/scan/probes/robot.js';
import type { ProtocolSuitesFacts, ProtocolVersion } from '../../../../src/core/scan/types.js';

const SIZE = 256;

describe('robotBlock: the five blocks of the ROBOT paper', () => {
  const firstZeroAfterPrefix = (b: Uint8Array): number => b.indexOf(0, 2);

  it('correct: 0x00 0x02, non-zero padding, 0x00, version, 46 bytes (RFC 8017 §7.2.1, RFC 5246 §7.4.7.1)', () => {
    const b = robotBlock('correct', SIZE, 0x0303);
    expect(b).toHaveLength(SIZE);
    expect([b[0], b[1]]).toEqual([0x00, 0x02]);
    expect(firstZeroAfterPrefix(b)).toBe(SIZE - 49);
    expect([b[SIZE - 48], b[SIZE - 47]]).toEqual([0x03, 0x03]);
  });

  it('wrong-first-bytes: 0x41 0x17, otherwise correct', () => {
    const b = robotBlock('wrong-first-bytes', SIZE, 0x0303);
    expect([b[0], b[1]]).toEqual([0x41, 0x17]);
    expect(firstZeroAfterPrefix(b)).toBe(SIZE - 49);
  });

  it('wrong-zero-position: the first 0x00 sits 16 bytes early, so the secret would be 64 bytes', () => {
    const b = robotBlock('wrong-zero-position', SIZE, 0x0303);
    expect([b[0], b[1]]).toEqual([0x00, 0x02]);
    expect(SIZE - firstZeroAfterPrefix(b) - 1).toBe(64);
  });

  it('missing-zero: no 0x00 anywhere after the prefix', () => {
    expect(firstZeroAfterPrefix(robotBlock('missing-zero', SIZE, 0x0303))).toBe(-1);
  });

  it('wrong-version: version 0x0202 in an otherwise valid block', () => {
    const b = robotBlock('wrong-version', SIZE, 0x0303);
    expect(firstZeroAfterPrefix(b)).toBe(SIZE - 49);
    expect([b[SIZE - 48], b[SIZE - 47]]).toEqual([0x02, 0x02]);
  });

  it('randomness never adds a zero byte, even when the source returns zeros', () => {
    let n = 0;
    const zeroish = (len: number) => Uint8Array.from({ length: len }, () => (n++ % 3 === 0 ? 0 : 7));
    expect(firstZeroAfterPrefix(robotBlock('missing-zero', SIZE, 0x0301, zeroish))).toBe(-1);
  });
});

const keys = (over: Partial<Record<RobotVector, string>>): Record<RobotVector, string> => ({
  correct: 'alert bad_record_mac, closed',
  'wrong-first-bytes': 'alert bad_record_mac, closed',
  'wrong-zero-position': 'alert bad_record_mac, closed',
  'missing-zero': 'alert bad_record_mac, closed',
  'wrong-version': 'alert bad_record_mac, closed',
  ...over,
});
const run = (flow: RobotRun['flow'], over: Partial<Record<RobotVector, string>>): RobotRun => ({
  flow,
  reactions: keys(over),
  descriptions: keys(over),
});

describe('classification (paper §4)', () => {
  it('all the same: none', () => {
    expect(classifyRobotRun(keys({}))).toBe('none');
  });

  it('wrong first bytes stand apart from blocks starting 0x00 0x02: strong', () => {
    expect(classifyRobotRun(keys({ 'wrong-first-bytes': 'alert handshake_failure, closed' }))).toBe('strong');
    expect(classifyRobotRun(keys({ 'missing-zero': 'reset' }))).toBe('strong');
  });

  it('only fully valid blocks stand apart: weak', () => {
    expect(classifyRobotRun(keys({ correct: 'timeout' }))).toBe('weak');
    expect(classifyRobotRun(keys({ correct: 'timeout', 'wrong-version': 'timeout' }))).toBe('weak');
  });

  it('a finding counts only when its repetition reacted exactly the same', () => {
    const strong = { 'wrong-first-bytes': 'reset' };
    expect(robotVerdict([run('with-finished', strong), run('with-finished', strong)])).toBe('strong-oracle');
    expect(robotVerdict([run('with-finished', strong), run('with-finished', {})])).toBe('inconsistent');
    expect(
      robotVerdict([run('with-finished', strong), run('with-finished', { 'wrong-first-bytes': 'closed' })]),
    ).toBe('inconsistent');
    expect(robotVerdict([run('with-finished', {}), run('key-exchange-only', {})])).toBe('not-vulnerable');
  });

  it('a confirmed oracle in one flow wins over noise in the other; strong wins over weak', () => {
    const weak = { correct: 'timeout' };
    const strong = { 'wrong-first-bytes': 'reset' };
    expect(
      robotVerdict([
        run('with-finished', weak),
        run('with-finished', weak),
        run('key-exchange-only', strong),
        run('key-exchange-only', {}),
      ]),
    ).toBe('weak-oracle');
    expect(
      robotVerdict([
        run('with-finished', weak),
        run('with-finished', weak),
        run('key-exchange-only', strong),
        run('key-exchange-only', strong),
      ]),
    ).toBe('strong-oracle');
  });

  it('SSL Labs codes: -1 failed, 1 not vulnerable (and not applicable), 2 weak, 3 strong, 4 inconsistent', () => {
    expect(bleichenbacherCode('failed')).toBe(-1);
    expect(bleichenbacherCode('not-vulnerable')).toBe(1);
    expect(bleichenbacherCode('not-applicable')).toBe(1);
    expect(bleichenbacherCode('weak-oracle')).toBe(2);
    expect(bleichenbacherCode('strong-oracle')).toBe(3);
    expect(bleichenbacherCode('inconsistent')).toBe(4);
    expect(ROBOT_VECTORS).toHaveLength(5);
  });
});

describe('robotCandidate', () => {
  const facts = (entries: [ProtocolVersion, number[]][]): ProtocolSuitesFacts[] =>
    entries.map(([protocol, ids]) => ({
      protocol,
      suites: ids.map((id) => ({ suite: cipherSuite(id)! })),
      preference: null,
    }));

  it('the newest protocol with an RSA key exchange suite, preferring one the engine runs', () => {
    expect(robotCandidate(facts([[0x0303, [0xc02f, 0x0041, 0x002f]]]))).toEqual({
      protocol: 0x0303,
      suite: 0x002f,
    });
    expect(
      robotCandidate(
        facts([
          [0x0303, [0xc02f]],
          [0x0301, [0x0035]],
        ]),
      ),
    ).toEqual({ protocol: 0x0301, suite: 0x0035 });
    expect(robotCandidate(facts([[0x0303, [0x0041]]]))).toEqual({ protocol: 0x0303, suite: 0x0041 });
  });

  it('no RSA key exchange: none; RSA only on SSL 3.0: cannot test', () => {
    expect(
      robotCandidate(
        facts([
          [0x0303, [0xc02f]],
          [0x0304, [0x1301]],
        ]),
      ),
    ).toEqual({ none: 'no-rsa' });
    expect(robotCandidate(facts([[0x0300, [0x002f]]]))).toEqual({ none: 'ssl3-only' });
  });
});
