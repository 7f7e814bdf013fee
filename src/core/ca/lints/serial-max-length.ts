import { serialContent, type LintRule } from './types.js';

/** Conforming CAs MUST NOT use serialNumber values longer than 20 octets (the encoded contents). */
export const serialMaxLength: LintRule = {
  name: 'e_serial_number_longer_than_20_octets',
  citation: 'RFC 5280 §4.1.2.2',
  check(cert) {
    const octets = serialContent(cert.serialDer).length;
    return octets <= 20 ? null : `The serial number is ${octets} octets long.`;
  },
};
