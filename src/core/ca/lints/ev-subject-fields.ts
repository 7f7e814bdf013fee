import type { NameAttributeType } from '../names.js';
import { CABF_POLICY_OID } from '../tbs.js';
import type { LintRule, LintSubject } from './types.js';

/**
 * What an EV subject must name besides its domain: the organisation and its country (§9.2.1,
 * §9.2.6), and the registration data (§9.2.3 businessCategory, §9.2.4 jurisdictionCountryName,
 * §9.2.5 serialNumber). Jurisdiction state and locality are only required for some registries,
 * so they are not checked here.
 */
const EV_REQUIRED: readonly NameAttributeType[] = ['businessCategory', 'jurisdictionC', 'serialNumber', 'C'];

const has = (cert: LintSubject, type: NameAttributeType): boolean =>
  cert.subject.some((a) => a.type === type && a.value.trim().length > 0);

/** A certificate asserting the EV policy names its organisation and EV registration data. */
export const evSubjectFields: LintRule = {
  name: 'e_ev_subject_fields_missing',
  citation: 'EV Guidelines §9.2.1, §9.2.3–§9.2.6; CA/B Forum BR §7.1.6.1',
  check(cert) {
    if (!cert.policies.includes(CABF_POLICY_OID.extendedValidation)) return null;
    // EV registration data describes an organisation: without one it would vouch for nobody.
    if (!has(cert, 'O')) return 'EV registration data is given without a validated organisation.';
    const missing = EV_REQUIRED.filter((t) => !has(cert, t));
    return missing.length === 0 ? null : `The EV subject lacks ${missing.join(', ')}.`;
  },
};
