import type { LintRule } from './types.js';

/** notAfter is later than notBefore. */
export const validityOrder: LintRule = {
  name: 'e_validity_not_after_before_not_before',
  citation: 'RFC 5280 §4.1.2.5',
  check(cert) {
    const nb = cert.notBefore.getTime();
    const na = cert.notAfter.getTime();
    if (Number.isNaN(nb) || Number.isNaN(na)) return 'The validity dates are not valid dates.';
    return na > nb ? null : 'notAfter is not later than notBefore.';
  },
};
