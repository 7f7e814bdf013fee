import type { ProfileName } from '../types.js';
import { DAY_MS, type LintRule } from './types.js';

/**
 * certgrid's private-CA ceilings, fixed by policy (not configuration): 825 days for Grid host
 * certificates (the BR §6.3.2 limit of 2018–2020, still honoured by platform TLS clients for
 * private roots), 3 years for clients, and 3 years for tls_server, the longest a CertView
 * enrollment product offers (each product's own, shorter ceiling is checked when the order is
 * placed).
 */
export const MAX_VALIDITY_DAYS = {
  grid_host: 825,
  grid_client: 3 * 365 + 1,
  tls_server: 3 * 365 + 1,
} as const satisfies Record<ProfileName, number>;

export const validityMaxPeriod: LintRule = {
  name: 'e_validity_period_too_long',
  citation: 'CA/B Forum BR §6.3.2 (825-day ceiling); certgrid certificate policy',
  check(cert) {
    const max = MAX_VALIDITY_DAYS[cert.profile];
    const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY_MS;
    return days <= max ? null : `The validity period is ${Math.ceil(days)} days, over ${max}.`;
  },
};
