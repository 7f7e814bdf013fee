import { describe, expect, it } from 'vitest';
import {
  ALERT_DESCRIPTION,
  alertName,
  buildAlertRecord,
  encodeAlert,
  parseAlerts,
  toHex,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, hex } from './helpers.js';

describe('alerts (RFC 5246 §7.2, RFC 8446 §6)', () => {
  it('encodes level and description, by number or RFC name', () => {
    expect(toHex(encodeAlert(2, 'handshake_failure'))).toBe('0228');
    expect(toHex(encodeAlert(1, 112))).toBe('0170');
    expect(toHex(buildAlertRecord('protocol_version', 0x0301))).toBe('1503010002' + '0246');
    expect(() => encodeAlert(2, 256)).toThrow(RangeError);
  });

  it('parses with RFC names', () => {
    expect(parseAlerts(hex('0228'))).toEqual([
      { level: 2, levelName: 'fatal', description: 40, name: 'handshake_failure' },
    ]);
    expect(parseAlerts(hex('0156'))[0]?.name).toBe('inappropriate_fallback');
    expect(parseAlerts(hex('0170'))[0]).toMatchObject({ levelName: 'warning', name: 'unrecognized_name' });
    expect(parseAlerts(hex('0278'))[0]?.name).toBe('no_application_protocol');
    expect(parseAlerts(hex('0529'))[0]).toMatchObject({ levelName: 'unknown', name: 'no_certificate' });
    expect(alertName(200)).toBe('unknown(200)');
  });

  it('names every code in the table back to itself', () => {
    for (const [name, code] of Object.entries(ALERT_DESCRIPTION)) expect(alertName(code)).toBe(name);
  });

  it('reads coalesced alerts and refuses partial ones', () => {
    expect(parseAlerts(hex('0170 0228')).map((a) => a.name)).toEqual([
      'unrecognized_name',
      'handshake_failure',
    ]);
    expectWireError(() => parseAlerts(hex('02')), /length 1/);
    expectWireError(() => parseAlerts(hex('')), /length 0/);
    expectWireError(() => parseAlerts(hex('022801')), /length 3/);
  });
});
