import { serialContent, type LintRule } from './types.js';

/**
 * The serial is at least 64 bits long. Entropy cannot be measured from one value; size is the
 * checkable proxy for "at least 64 bits of output from a CSPRNG" (certgrid serials carry 126+).
 */
export const serialEntropySize: LintRule = {
  name: 'e_serial_number_low_entropy',
  citation: 'CA/B Forum BR §7.1',
  check(cert) {
    const c = serialContent(cert.serialDer);
    let i = 0;
    while (i < c.length - 1 && c[i] === 0) i++;
    const bits = c.length === 0 ? 0 : (c.length - i - 1) * 8 + (32 - Math.clz32(c[i] as number));
    return bits >= 64 ? null : `The serial number has ${bits} bits, fewer than 64.`;
  },
};
