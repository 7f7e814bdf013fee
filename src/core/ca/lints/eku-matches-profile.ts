import { EKU_OID } from '../tbs.js';
import type { ProfileName } from '../types.js';
import type { LintRule } from './types.js';

/**
 * The extKeyUsage purposes each profile allows, exactly. tls_server keeps clientAuth beside
 * serverAuth as public TLS certificates long did (docs/decisions.md).
 */
export const PROFILE_EKUS: Readonly<Record<ProfileName, readonly string[]>> = Object.freeze({
  grid_host: Object.freeze([EKU_OID.serverAuth, EKU_OID.clientAuth] as const),
  grid_client: Object.freeze([EKU_OID.clientAuth, EKU_OID.emailProtection] as const),
  tls_server: Object.freeze([EKU_OID.serverAuth, EKU_OID.clientAuth] as const),
});

export const ekuMatchesProfile: LintRule = {
  name: 'e_sub_cert_eku_not_profile',
  citation: 'RFC 5280 §4.2.1.12; CA/B Forum BR §7.1.2.7.10; certgrid profiles',
  check(cert) {
    const want: readonly string[] = PROFILE_EKUS[cert.profile];
    const got = cert.extKeyUsages;
    let same = got.length === want.length;
    for (let i = 0; same && i < want.length; i++) same = got.includes(want[i] as string);
    if (same) return null;
    return `The extKeyUsage (${got.join(', ') || 'none'}) does not match the ${cert.profile} profile.`;
  },
};
