import type { LintRule } from './types.js';

/** Every certgrid leaf carries a subjectAltName with at least one entry. */
export const sanPresent: LintRule = {
  name: 'e_ext_san_missing',
  citation: 'RFC 5280 §4.2.1.6; CA/B Forum BR §7.1.2.7.12',
  check(cert) {
    return cert.dnsNames.length + cert.emails.length > 0 ? null : 'The subjectAltName would be empty.';
  },
};
