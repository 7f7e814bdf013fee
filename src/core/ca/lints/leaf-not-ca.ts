import type { LintRule } from './types.js';

/** End-entity certificates assert cA FALSE. */
export const leafNotCa: LintRule = {
  name: 'e_sub_cert_basic_constraints_ca',
  citation: 'RFC 5280 §4.2.1.9; CA/B Forum BR §7.1.2.7.8',
  check(cert) {
    return cert.isCa ? 'A subscriber certificate asserts cA TRUE.' : null;
  },
};
