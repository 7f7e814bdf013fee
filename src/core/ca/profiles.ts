/**
 * The issuance profiles (Grid API: grid_host, grid_client; CertView enrollment: tls_server) and
 * the per-CA constants they share.
 *
 * Everything that does not depend on the request (issuer name, AKI, CDP, AIA, basicConstraints,
 * EKU, keyUsage and certificatePolicies encodings) is encoded once and cached, so issuing a
 * certificate only encodes the serial, validity, subject, SAN and SKI.
 */
import { CertgridError } from '../errors.js';
import { PROFILE_EKUS } from './lints/eku-matches-profile.js';
import type { LintSubject } from './lints/types.js';
import {
  caDetails,
  type NameAttribute,
  type NameAttributeType,
  type SpkiInfo,
  type SpkiKind,
} from './names.js';
import {
  CABF_POLICY_OID,
  authorityInfoAccessExt,
  authorityKeyIdentifierExt,
  basicConstraintsExt,
  certificatePoliciesExt,
  crlDistributionPointsExt,
  extKeyUsageExt,
  keyUsageExt,
  type KeyUsage,
} from './tbs.js';
import type { CaUrls, LoadedCa, ProfileInput, ProfileName, TlsServerProfileInput } from './types.js';

/** Constant extensions and fields of everything one CA issues under one base URL. */
export interface CaIssuanceConstants {
  readonly baseUrl: string;
  readonly issuerDer: Buffer;
  readonly issuerPublicKeyBits: Buffer;
  readonly issuerNotBefore: Date;
  readonly issuerNotAfter: Date;
  readonly akiExt: Buffer;
  readonly cdpExt: Buffer;
  readonly aiaExt: Buffer;
}

const constantsCache = new WeakMap<LoadedCa, CaIssuanceConstants>();

/** The per-CA constants, built on first use and cached per LoadedCa (rebuilt if baseUrl changes). */
export function caConstants(ca: LoadedCa, urls: CaUrls): CaIssuanceConstants {
  const hit = constantsCache.get(ca);
  if (hit && hit.baseUrl === urls.baseUrl) return hit;
  const d = caDetails(ca);
  const base = urls.baseUrl;
  const constants: CaIssuanceConstants = {
    baseUrl: base,
    issuerDer: d.subjectDer,
    issuerPublicKeyBits: d.publicKeyBits,
    issuerNotBefore: d.notBefore,
    issuerNotAfter: d.notAfter,
    akiExt: authorityKeyIdentifierExt(d.keyIdentifier),
    cdpExt: crlDistributionPointsExt(`${base}/crl/${ca.id}.crl`),
    aiaExt: authorityInfoAccessExt(`${base}/ocsp`, `${base}/ca/${ca.id}.crt`),
  };
  constantsCache.set(ca, constants);
  return constants;
}

/** keyUsage per subject key algorithm (RFC 5280 §4.2.1.3; RFC 5480 §3; RFC 8410 §5). */
export const LEAF_KEY_USAGE: Readonly<Record<SpkiKind, readonly KeyUsage[]>> = Object.freeze({
  rsa: Object.freeze(['digitalSignature', 'keyEncipherment'] as const),
  ec: Object.freeze(['digitalSignature', 'keyAgreement'] as const),
  ed25519: Object.freeze(['digitalSignature'] as const),
  other: Object.freeze(['digitalSignature'] as const),
});

const LEAF_BASIC_CONSTRAINTS_EXT = basicConstraintsExt(false);

// Encodings cached by the identity of the (frozen, module-level) arrays the profiles use.
const encodedCache = new WeakMap<readonly string[], Buffer>();

function cachedExt<T extends string>(values: readonly T[], encode: (v: readonly T[]) => Buffer): Buffer {
  let ext = encodedCache.get(values);
  if (!ext) {
    ext = encode(values);
    if (Object.isFrozen(values)) encodedCache.set(values, ext);
  }
  return ext;
}

/**
 * The constant-per-profile extensions exactly as the lint subject describes them, so what the
 * lints judged is what gets encoded: basicConstraints, keyUsage, extKeyUsage.
 */
export function profileExtensions(lint: LintSubject): [Buffer, Buffer, Buffer] {
  return [
    lint.isCa ? basicConstraintsExt(true) : LEAF_BASIC_CONSTRAINTS_EXT,
    cachedExt(lint.keyUsage, keyUsageExt),
    cachedExt(lint.extKeyUsages, extKeyUsageExt),
  ];
}

/** The certificatePolicies extension the lint subject describes; null when it names no policy. */
export function policiesExtension(lint: LintSubject): Buffer | null {
  return lint.policies.length === 0 ? null : cachedExt(lint.policies, certificatePoliciesExt);
}

/**
 * The policy tls_server asserts: EV with registration data, OV with a validated organisation,
 * DV otherwise (BR §7.1.6.1). EV without an organisation still asserts EV, so the EV lint
 * refuses it rather than the certificate silently claiming less than was asked for.
 */
const TLS_SERVER_POLICIES = Object.freeze({
  ev: Object.freeze([CABF_POLICY_OID.extendedValidation]),
  ov: Object.freeze([CABF_POLICY_OID.organizationValidated]),
  dv: Object.freeze([CABF_POLICY_OID.domainValidated]),
});

const NO_POLICIES: readonly string[] = Object.freeze([]);

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What the profile puts in the certificate, before any encoding (lints run on this). */
export interface ProfiledSubject {
  readonly subject: readonly NameAttribute[];
  readonly commonName: string | undefined;
  readonly dnsNames: readonly string[];
  readonly emails: readonly string[];
  /** certificatePolicies OIDs; empty: no extension. */
  readonly policies: readonly string[];
}

/** `cn` first, then `more`, lower-cased, without repeats. */
function dnsNamesWith(cn: string, more: readonly string[]): string[] {
  const seen = new Set<string>([cn]);
  const dnsNames = [cn];
  for (const raw of more) {
    const d = String(raw).toLowerCase();
    if (!seen.has(d)) {
      seen.add(d);
      dnsNames.push(d);
    }
  }
  return dnsNames;
}

/** A subject value from the order; anything but a string (a caller outside TypeScript) counts as blank. */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Optional values (a jurisdiction's state, an organisation's locality) are left out when blank. */
function pushIfSet(subject: NameAttribute[], type: NameAttributeType, value: unknown): void {
  const v = text(value);
  if (v.trim() !== '') subject.push({ type, value: v });
}

/**
 * tls_server subject, in the order publicly trusted EV certificates use: the EV registration
 * attributes first (businessCategory, jurisdiction country → state → locality, serialNumber =
 * registration number; EV Guidelines §9.2.3–§9.2.5), then C, ST, L, O (BR §7.1.4.2 relative
 * order), each OU, and CN last. Required values stay in even when blank, so the lints name them.
 */
function tlsServerSubject(input: TlsServerProfileInput): ProfiledSubject {
  const cn = String(input.commonName).toLowerCase();
  const { organization: org, ev } = input;
  const subject: NameAttribute[] = [];
  if (ev) {
    subject.push({ type: 'businessCategory', value: text(ev.businessCategory) });
    subject.push({ type: 'jurisdictionC', value: text(ev.jurisdictionCountry).toUpperCase() });
    pushIfSet(subject, 'jurisdictionST', ev.jurisdictionState);
    pushIfSet(subject, 'jurisdictionL', ev.jurisdictionLocality);
    subject.push({ type: 'serialNumber', value: text(ev.registrationNumber) });
  }
  if (org) {
    subject.push({ type: 'C', value: text(org.country).toUpperCase() });
    pushIfSet(subject, 'ST', org.state);
    pushIfSet(subject, 'L', org.locality);
    subject.push({ type: 'O', value: text(org.name) });
  }
  for (const ou of input.organizationUnits ?? []) if (ou) subject.push({ type: 'OU', value: text(ou) });
  subject.push({ type: 'CN', value: cn });
  const policies = ev ? TLS_SERVER_POLICIES.ev : org ? TLS_SERVER_POLICIES.ov : TLS_SERVER_POLICIES.dv;
  return { subject, commonName: cn, dnsNames: dnsNamesWith(cn, input.dnsNames), emails: [], policies };
}

/**
 * grid_host: subject [OU,] CN = "service/cn" (Kerberos style) or "cn"; SAN dNSNames = the
 * plain CN first, then dnsNames, lower-cased and deduplicated.
 * grid_client: subject [OU,] CN = full name; SAN rfc822Name = email (not in the subject:
 * RFC 5280 §4.1.2.6 prefers the SAN).
 * tls_server: subject [EV attributes,] [C, ST, L, O,] OU…, CN; SAN dNSNames as grid_host;
 * certificatePolicies EV, OV or DV (see tlsServerSubject).
 * @throws CertgridError('INVALID_CHARS') for a service name that is not a plain token.
 */
export function profileSubject(input: ProfileInput): ProfiledSubject {
  if (input.profile === 'grid_host') {
    const cn = String(input.commonName).toLowerCase();
    const service = input.serviceName;
    if (service !== undefined && service !== '' && !SERVICE_NAME.test(service)) {
      throw new CertgridError(
        'INVALID_CHARS',
        'The service name may only contain letters, digits, ".", "_", "-".',
        {
          field: 'serviceName',
        },
      );
    }
    const subject: NameAttribute[] = [];
    if (input.orgUnit) subject.push({ type: 'OU', value: input.orgUnit });
    subject.push({ type: 'CN', value: service ? `${service}/${cn}` : cn });
    return {
      subject,
      commonName: cn,
      dnsNames: dnsNamesWith(cn, input.dnsNames),
      emails: [],
      policies: NO_POLICIES,
    };
  }
  if (input.profile === 'grid_client') {
    const subject: NameAttribute[] = [];
    if (input.orgUnit) subject.push({ type: 'OU', value: input.orgUnit });
    subject.push({ type: 'CN', value: input.fullName });
    return { subject, commonName: undefined, dnsNames: [], emails: [input.email], policies: NO_POLICIES };
  }
  if (input.profile === 'tls_server') return tlsServerSubject(input);
  throw new TypeError(`profileSubject: unknown profile ${String((input as { profile: unknown }).profile)}`);
}

/** The structured certificate the lints judge. */
export function lintSubjectFor(
  constants: CaIssuanceConstants,
  profile: ProfileName,
  profiled: ProfiledSubject,
  spki: SpkiInfo,
  serialDer: Buffer,
  notBefore: Date,
  notAfter: Date,
): LintSubject {
  return {
    profile,
    serialDer,
    notBefore,
    notAfter,
    subject: profiled.subject,
    commonName: profiled.commonName,
    dnsNames: profiled.dnsNames,
    emails: profiled.emails,
    isCa: false,
    extKeyUsages: PROFILE_EKUS[profile],
    policies: profiled.policies,
    keyUsage: LEAF_KEY_USAGE[spki.kind],
    subjectKeyKind: spki.kind,
    subjectPublicKeyBits: spki.publicKeyBits,
    issuerPublicKeyBits: constants.issuerPublicKeyBits,
    issuerNotBefore: constants.issuerNotBefore,
    issuerNotAfter: constants.issuerNotAfter,
  };
}
