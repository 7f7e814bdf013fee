import type { NameAttributeType } from '../names.js';
import type { LintRule } from './types.js';

/**
 * Upper bounds from RFC 5280 Appendix A (ub-common-name, ub-organizational-unit-name ...), X.520
 * (ub-business-category) and the EV Guidelines' ASN.1 module (the jurisdiction attributes take
 * the bounds of localityName and stateOrProvinceName).
 */
const UPPER_BOUNDS: Partial<Record<NameAttributeType, number>> = {
  CN: 64,
  OU: 64,
  O: 64,
  L: 128,
  ST: 128,
  emailAddress: 255,
  serialNumber: 64,
  businessCategory: 128,
  jurisdictionL: 128,
  jurisdictionST: 128,
};

export const dnAttributeBounds: LintRule = {
  name: 'e_subject_attribute_too_long',
  citation: 'RFC 5280 Appendix A.1 (upper bounds); EV Guidelines §9.2',
  check(cert) {
    for (const a of cert.subject) {
      const max = UPPER_BOUNDS[a.type];
      // Bounds count characters (code points); UTF-16 length is an upper bound, so only count when needed.
      if (max !== undefined && a.value.length > max && [...a.value].length > max) {
        return `The subject ${a.type} is longer than ${max} characters.`;
      }
    }
    return null;
  },
};
