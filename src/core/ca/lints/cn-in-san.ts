import type { LintRule } from './types.js';

/**
 * A server certificate's common name (grid_host: without the Kerberos service prefix) is one of
 * its dNSNames.
 */
export const cnInSan: LintRule = {
  name: 'e_subject_common_name_not_from_san',
  citation: 'CA/B Forum BR §7.1.4.2.2(a)',
  check(cert) {
    if (cert.profile === 'grid_client') return null;
    const cn = cert.commonName?.toLowerCase();
    if (!cn) return 'The host certificate has no common name.';
    for (const d of cert.dnsNames) if (d.toLowerCase() === cn) return null;
    return `The common name "${cert.commonName}" is not among the dNSNames.`;
  },
};
