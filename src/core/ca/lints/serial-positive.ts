import { serialContent, type LintRule } from './types.js';

/** The serial INTEGER is greater than zero. */
export const serialPositive: LintRule = {
  name: 'e_serial_number_not_positive',
  citation: 'RFC 5280 §4.1.2.2; CA/B Forum BR §7.1',
  check(cert) {
    const c = serialContent(cert.serialDer);
    if (c.length === 0) return 'The serial number is empty.';
    if ((c[0] as number) & 0x80) return 'The serial number is negative.';
    for (let i = 0; i < c.length; i++) if (c[i] !== 0) return null;
    return 'The serial number is zero.';
  },
};
