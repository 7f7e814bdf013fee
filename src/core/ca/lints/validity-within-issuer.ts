import type { LintRule } from './types.js';

/**
 * A leaf never outlives (or predates) its issuing CA certificate: relying parties would reject
 * it for part of its stated life, and revocation data would stop being published for it.
 */
export const validityWithinIssuer: LintRule = {
  name: 'e_validity_outside_issuer_validity',
  citation: 'RFC 5280 §6.1.3 (a)(2); certgrid certificate policy',
  check(cert) {
    if (cert.notAfter.getTime() > cert.issuerNotAfter.getTime()) {
      return "notAfter is later than the issuing CA certificate's notAfter.";
    }
    if (cert.notBefore.getTime() < cert.issuerNotBefore.getTime()) {
      return "notBefore is earlier than the issuing CA certificate's notBefore.";
    }
    return null;
  },
};
