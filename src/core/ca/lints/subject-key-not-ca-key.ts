import type { LintRule } from './types.js';

/** A CA's own key must never be certified again as a subscriber key. */
export const subjectKeyNotCaKey: LintRule = {
  name: 'e_subject_key_is_ca_key',
  citation: 'CA/B Forum BR §6.1.1.3; RFC 5280 §6.1 (a key certifying itself as a leaf)',
  check(cert) {
    return cert.subjectPublicKeyBits.equals(cert.issuerPublicKeyBits)
      ? "The subject public key is the issuing CA's own key."
      : null;
  },
};
