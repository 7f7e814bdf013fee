import type { KeyUsage } from '../tbs.js';
import type { LintRule } from './types.js';

/**
 * keyUsage bits a leaf may assert per subject key algorithm: RSA signs and transports keys
 * (RFC 4055 §1.2), EC keys sign and agree but never encipher (RFC 5480 §3), Ed25519 only
 * signs (RFC 8410 §5). keyCertSign / cRLSign belong to CAs (RFC 5280 §4.2.1.3).
 */
const ALLOWED: Record<'rsa' | 'ec' | 'ed25519', readonly KeyUsage[]> = {
  rsa: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment'],
  ec: ['digitalSignature', 'nonRepudiation', 'keyAgreement'],
  ed25519: ['digitalSignature', 'nonRepudiation'],
};

export const keyUsageForKeyType: LintRule = {
  name: 'e_key_usage_inconsistent_with_key_type',
  citation: 'RFC 5280 §4.2.1.3; RFC 5480 §3; RFC 8410 §5; CA/B Forum BR §7.1.2.7.11',
  check(cert) {
    if (cert.subjectKeyKind === 'other') return 'The subject key algorithm is not supported.';
    if (!cert.keyUsage.includes('digitalSignature')) return 'keyUsage lacks digitalSignature.';
    const allowed = ALLOWED[cert.subjectKeyKind];
    for (const u of cert.keyUsage) {
      if (!allowed.includes(u)) return `keyUsage ${u} is not allowed for a ${cert.subjectKeyKind} key.`;
    }
    return null;
  },
};
