import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { integerFromHex } from '../../../src/core/ca/der.js';
import { LINT_RULES, runLints, type LintSubject } from '../../../src/core/ca/lints/index.js';
import { dnsNameProblem } from '../../../src/core/ca/lints/dns-name-syntax.js';
import { rfc822NameProblem } from '../../../src/core/ca/lints/rfc822-name-syntax.js';
import { parseSpki } from '../../../src/core/ca/names.js';
import { CABF_POLICY_OID, EKU_OID } from '../../../src/core/ca/tbs.js';

const DAY = 86_400_000;
const bits = (kp: { publicKey: KeyObject }): Buffer =>
  parseSpki(kp.publicKey.export({ type: 'spki', format: 'der' })).publicKeyBits;
const subjectBits = bits(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const issuerBits = bits(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const t0 = new Date(Date.UTC(2030, 0, 1));

/** A compliant grid_host certificate: every rule passes. */
const host: LintSubject = {
  profile: 'grid_host',
  serialDer: integerFromHex('3A1F00C0FFEE0123456789ABCDEF0001'),
  notBefore: t0,
  notAfter: new Date(t0.getTime() + 397 * DAY),
  subject: [
    { type: 'OU', value: 'Web' },
    { type: 'CN', value: 'sams/example.com' },
  ],
  commonName: 'example.com',
  dnsNames: ['example.com', 'www.example.com', '*.api.example.com'],
  emails: [],
  isCa: false,
  extKeyUsages: [EKU_OID.serverAuth, EKU_OID.clientAuth],
  policies: [],
  keyUsage: ['digitalSignature', 'keyAgreement'],
  subjectKeyKind: 'ec',
  subjectPublicKeyBits: subjectBits,
  issuerPublicKeyBits: issuerBits,
  issuerNotBefore: new Date(t0.getTime() - 365 * DAY),
  issuerNotAfter: new Date(t0.getTime() + 3650 * DAY),
};

/** A compliant grid_client certificate. */
const client: LintSubject = {
  ...host,
  profile: 'grid_client',
  subject: [{ type: 'CN', value: 'Alice Example' }],
  commonName: undefined,
  dnsNames: [],
  emails: ['alice.o+tag@example.com'],
  extKeyUsages: [EKU_OID.clientAuth, EKU_OID.emailProtection],
  notAfter: new Date(t0.getTime() + 1096 * DAY),
};

/** A compliant EV tls_server certificate with a wildcard, at the profile's longest validity. */
const evServer: LintSubject = {
  ...host,
  profile: 'tls_server',
  notAfter: new Date(t0.getTime() + 1096 * DAY),
  subject: [
    { type: 'businessCategory', value: 'Private Organization' },
    { type: 'jurisdictionC', value: 'US' },
    { type: 'jurisdictionST', value: 'Delaware' },
    { type: 'serialNumber', value: '5157550' },
    { type: 'C', value: 'US' },
    { type: 'ST', value: 'California' },
    { type: 'L', value: 'San Francisco' },
    { type: 'O', value: 'Example, Inc.' },
    { type: 'OU', value: 'Web' },
    { type: 'CN', value: '*.example.com' },
  ],
  commonName: '*.example.com',
  dnsNames: ['*.example.com', 'example.com'],
  policies: [CABF_POLICY_OID.extendedValidation],
};

const without = (type: string): LintSubject['subject'] => evServer.subject.filter((a) => a.type !== type);

/** For each rule: certificates that break exactly it. */
const FIXTURES: Record<string, readonly Partial<LintSubject>[]> = {
  e_serial_number_not_positive: [
    { serialDer: integerFromHex('00') },
    { serialDer: Buffer.from('0201ff', 'hex') },
  ],
  e_serial_number_low_entropy: [{ serialDer: integerFromHex('0123456789ABCD') }],
  e_serial_number_longer_than_20_octets: [
    { serialDer: integerFromHex('7F'.repeat(21)) },
    { serialDer: integerFromHex('FF'.repeat(20)) }, // 21 octets once the 0x00 pad is added
  ],
  e_validity_not_after_before_not_before: [{ notAfter: t0 }, { notAfter: new Date(t0.getTime() - 1000) }],
  e_validity_period_too_long: [
    { notAfter: new Date(t0.getTime() + 826 * DAY) },
    { ...evServer, notAfter: new Date(t0.getTime() + 1097 * DAY) },
  ],
  e_validity_outside_issuer_validity: [
    { issuerNotAfter: new Date(t0.getTime() + 30 * DAY) },
    { issuerNotBefore: new Date(t0.getTime() + 1000) },
  ],
  e_ext_san_missing: [
    { dnsNames: [], emails: [], profile: 'grid_client', extKeyUsages: client.extKeyUsages },
  ],
  e_san_dns_name_bad_syntax: [
    { dnsNames: ['example.com', 'under_score.example.com'] },
    { dnsNames: ['example.com', 'trailing.example.com.'] },
    { dnsNames: ['example.com', 'a.*.example.com'] },
    { dnsNames: ['example.com', '-lead.example.com'] },
    { dnsNames: ['example.com', `${'a'.repeat(64)}.example.com`] },
    { dnsNames: ['example.com', `${'abcdefghi.'.repeat(26)}com`] },
    { dnsNames: ['example.com', '192.168.1.1'] },
    { dnsNames: ['example.com', '*.com'] },
    { dnsNames: ['example.com', 'bücher.example'] },
    { ...evServer, dnsNames: ['*.example.com', 'f*o.example.com'] },
    { ...evServer, commonName: '*.com', dnsNames: ['*.com'] },
    { ...evServer, dnsNames: ['*.example.com', '*.*.example.com'] },
  ],
  e_san_rfc822_name_bad_syntax: [
    { ...client, emails: ['no-at-sign'] },
    { ...client, emails: ['a..b@example.com'] },
    { ...client, emails: ['a@b@example.com'] },
    { ...client, emails: ['ü@example.com'] },
    { ...client, emails: ['a@-x.example.com'] },
    { ...client, emails: [`${'a'.repeat(65)}@example.com`] },
  ],
  e_subject_common_name_not_from_san: [
    { commonName: 'other.example.com' },
    { commonName: undefined },
    { ...evServer, dnsNames: ['example.com', 'www.example.com'] },
  ],
  e_sub_cert_basic_constraints_ca: [{ isCa: true }],
  e_sub_cert_eku_not_profile: [
    { extKeyUsages: [EKU_OID.serverAuth] },
    { extKeyUsages: [EKU_OID.serverAuth, EKU_OID.clientAuth, EKU_OID.ocspSigning] },
    { extKeyUsages: [EKU_OID.clientAuth, EKU_OID.emailProtection] },
    { ...evServer, extKeyUsages: [EKU_OID.serverAuth] },
  ],
  e_key_usage_inconsistent_with_key_type: [
    { keyUsage: ['digitalSignature', 'keyEncipherment'] }, // EC key
    { subjectKeyKind: 'ed25519', keyUsage: ['digitalSignature', 'keyAgreement'] },
    { subjectKeyKind: 'rsa', keyUsage: ['digitalSignature', 'keyAgreement'] },
    { keyUsage: ['digitalSignature', 'keyCertSign'] },
    { keyUsage: ['keyAgreement'] },
    { subjectKeyKind: 'other' },
  ],
  e_subject_key_is_ca_key: [{ issuerPublicKeyBits: Buffer.from(subjectBits) }],
  e_subject_attribute_too_long: [
    { subject: [{ type: 'CN', value: `sams/${'a'.repeat(60)}` }] },
    { subject: [{ type: 'OU', value: 'o'.repeat(65) }, ...host.subject] },
    { ...evServer, subject: [{ type: 'O', value: 'o'.repeat(65) }, ...without('O')] },
    { ...evServer, subject: [{ type: 'L', value: 'l'.repeat(129) }, ...without('L')] },
    { ...evServer, subject: [{ type: 'serialNumber', value: '1'.repeat(65) }, ...without('serialNumber')] },
    {
      ...evServer,
      subject: [{ type: 'jurisdictionST', value: 's'.repeat(129) }, ...without('jurisdictionST')],
    },
  ],
  e_subject_attribute_bad_characters: [
    { subject: [{ type: 'CN', value: 'sams/example.com\u0000evil' }] },
    { subject: [{ type: 'OU', value: '   ' }, ...host.subject] },
    { subject: [{ type: 'OU', value: 'bad\u0085' }, ...host.subject] },
  ],
  e_ev_subject_fields_missing: [
    { ...evServer, subject: without('businessCategory') },
    { ...evServer, subject: without('jurisdictionC') },
    { ...evServer, subject: without('serialNumber') },
    { ...evServer, subject: [{ type: 'businessCategory', value: ' ' }, ...without('businessCategory')] },
    // EV registration data without an organisation.
    { ...evServer, subject: without('O').filter((a) => !['C', 'ST', 'L'].includes(a.type)) },
  ],
};

describe('lint rules', () => {
  it('the compliant fixtures pass every rule', () => {
    expect(runLints(host)).toEqual([]);
    expect(runLints(client)).toEqual([]);
    expect(
      runLints({ ...host, subjectKeyKind: 'rsa', keyUsage: ['digitalSignature', 'keyEncipherment'] }),
    ).toEqual([]);
    expect(runLints({ ...host, subjectKeyKind: 'ed25519', keyUsage: ['digitalSignature'] })).toEqual([]);
    expect(runLints(evServer)).toEqual([]);
  });

  it('apply to tls_server by its validation level', () => {
    const ov: LintSubject = {
      ...evServer,
      subject: evServer.subject.slice(4),
      policies: [CABF_POLICY_OID.organizationValidated],
    };
    const dv: LintSubject = {
      ...evServer,
      subject: [{ type: 'CN', value: '*.example.com' }],
      policies: [CABF_POLICY_OID.domainValidated],
    };
    expect(runLints(ov)).toEqual([]);
    expect(runLints(dv)).toEqual([]);
    // Jurisdiction state and locality are optional; the EV requirements only apply under the EV policy.
    expect(runLints({ ...evServer, subject: without('jurisdictionST') })).toEqual([]);
    expect(runLints({ ...ov, subject: without('businessCategory') })).toEqual([]);
    // grid_host keeps accepting whole-label wildcards, as it did before tls_server existed.
    expect(runLints({ ...host, dnsNames: ['example.com', '*.example.com'] })).toEqual([]);
  });

  it('every rule has a zlint-style name, a citation and a failing fixture', () => {
    const names = LINT_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of LINT_RULES) {
      expect(rule.name).toMatch(/^e_[a-z0-9_]+$/);
      expect(rule.citation).toMatch(/RFC \d+|BR §/);
      expect(FIXTURES[rule.name], `fixture for ${rule.name}`).toBeDefined();
    }
    expect(Object.keys(FIXTURES).sort()).toEqual([...names].sort());
  });

  for (const [name, cases] of Object.entries(FIXTURES)) {
    it(`${name} fails when its rule is broken`, () => {
      const rule = LINT_RULES.find((r) => r.name === name)!;
      expect(rule.check(host.profile === 'grid_host' ? host : client)).toBeNull();
      for (const broken of cases) {
        const cert: LintSubject = { ...host, ...broken };
        const message = rule.check(cert);
        expect(message, JSON.stringify(broken)).toEqual(expect.any(String));
        const failures = runLints(cert);
        expect(failures.map((f) => f.name)).toContain(name);
        const f = failures.find((x) => x.name === name)!;
        expect(f.citation).toBe(rule.citation);
        expect(f.message).toBe(message);
      }
    });
  }
});

describe('name syntax helpers', () => {
  it('accept the names certgrid issues for', () => {
    for (const ok of [
      'localhost',
      'example.com',
      'xn--bcher-kva.example',
      '*.example.com',
      'a-b.c-d.example',
      '1.example.com',
    ]) {
      expect(dnsNameProblem(ok, true), ok).toBeNull();
    }
    expect(dnsNameProblem('*.example.com', false)).toMatch(/wildcard/);
    for (const bad of ['*.com', 'f*o.example.com', '*', '*.', '*.*.example.com', 'a.*.example.com']) {
      expect(dnsNameProblem(bad, true), bad).toEqual(expect.any(String));
    }
    for (const ok of ['alice@example.com', "o'brien+x@mail.example.org", 'a.b.c@x.example']) {
      expect(rfc822NameProblem(ok), ok).toBeNull();
    }
  });
});
