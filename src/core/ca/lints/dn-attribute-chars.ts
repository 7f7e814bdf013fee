import type { LintRule } from './types.js';

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/** Subject attribute values are non-empty and hold no control characters or U+FFFD. */
export const dnAttributeChars: LintRule = {
  name: 'e_subject_attribute_bad_characters',
  citation: 'RFC 5280 §4.1.2.4; CA/B Forum BR §7.1.4.3 (no metadata-only or control values)',
  check(cert) {
    for (const a of cert.subject) {
      if (a.value.length === 0 || a.value.trim().length === 0) return `The subject ${a.type} is empty.`;
      if (FORBIDDEN.test(a.value)) return `The subject ${a.type} contains control characters.`;
    }
    return null;
  },
};
