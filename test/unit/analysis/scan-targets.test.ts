import { describe, expect, it } from 'vitest';
import { CertgridError } from '../../../src/core/errors.js';
import { expandTargets, MAX_SCAN_ENDPOINTS, parsePortList } from '../../../src/core/analysis/scan-targets.js';

const invalidTarget = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (CertgridError.is(e, 'INVALID_ARGUMENT')) return e.message;
    throw e;
  }
  throw new Error('expected INVALID_ARGUMENT');
};

describe('scan targets', () => {
  it('reads port lists with ranges, dropping repeats', () => {
    expect(parsePortList('443')).toEqual([443]);
    expect(parsePortList('443, 8443,8000-8002,443')).toEqual([443, 8443, 8000, 8001, 8002]);
    expect(invalidTarget(() => parsePortList('0'))).toMatch(/"0" is not a port/);
    expect(invalidTarget(() => parsePortList('70000'))).toMatch(/not a port/);
    expect(invalidTarget(() => parsePortList('9-3'))).toMatch(/"9-3"/);
    expect(invalidTarget(() => parsePortList('https'))).toMatch(/"https"/);
  });

  it('gives names and addresses the default ports unless they carry their own', () => {
    expect(
      expandTargets(['Example.COM.', '192.0.2.7:8443,993', '[2001:db8::1]:443', '2001:db8::2'], [443]),
    ).toEqual([
      { host: 'example.com', ports: [443] },
      { host: '192.0.2.7', ports: [8443, 993] },
      { host: '2001:db8::1', ports: [443] },
      { host: '2001:db8::2', ports: [443] },
    ]);
  });

  it('expands IPv4 CIDR blocks to every address, aligned to the block', () => {
    const hosts = expandTargets(['10.1.2.9/30:443'], [8443]).map((t) => t.host);
    expect(hosts).toEqual(['10.1.2.8', '10.1.2.9', '10.1.2.10', '10.1.2.11']);
    expect(expandTargets(['192.0.2.200/32'], [443])).toEqual([{ host: '192.0.2.200', ports: [443] }]);
    expect(expandTargets(['10.0.0.0/24'], [443])).toHaveLength(256);
  });

  it('expands small IPv6 blocks', () => {
    const hosts = expandTargets(['2001:db8::10/126'], [443]).map((t) => t.host);
    expect(hosts).toEqual([
      '2001:db8:0:0:0:0:0:10',
      '2001:db8:0:0:0:0:0:11',
      '2001:db8:0:0:0:0:0:12',
      '2001:db8:0:0:0:0:0:13',
    ]);
  });

  it('refuses malformed targets and expansions too large to be meant', () => {
    expect(invalidTarget(() => expandTargets(['10.0.0.0/8'], [443]))).toMatch(/16777216 addresses/);
    expect(invalidTarget(() => expandTargets(['10.0.0.0/33'], [443]))).toMatch(/CIDR/);
    expect(invalidTarget(() => expandTargets(['2001:db8::/64'], [443]))).toMatch(/\/112/);
    expect(invalidTarget(() => expandTargets(['bad_host!'], [443]))).toMatch(/host name/);
    // 256 addresses × 300 ports crosses the limit.
    expect(invalidTarget(() => expandTargets(['10.0.0.0/24:1-300'], [443]))).toMatch(
      new RegExp(`more than ${MAX_SCAN_ENDPOINTS}`),
    );
  });
});
