import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificatePolicies, id_ce_certificatePolicies } from '@peculiar/asn1-x509';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../src/core/ca/authority.js';
import type { CaRecord, CaRepository, CrlRecord } from '../../../src/core/ca/authority-repository.js';
import { prepareCertificate } from '../../../src/core/ca/issue.js';
import { CABF_POLICY_OID } from '../../../src/core/ca/tbs.js';
import type { KeyType, TlsServerProfileInput } from '../../../src/core/ca/types.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import { CertgridError } from '../../../src/core/errors.js';
import {
  DAY_MS,
  URLS,
  chainFiles,
  hierarchy,
  issue,
  leafKeyPair,
  openssl,
  request,
  scratch,
  spkiOf,
} from './ca-fixtures.js';

const s = scratch();
afterAll(() => s.cleanup());

const h = hierarchy('p256');
const spki = spkiOf(leafKeyPair('p256').publicKey);

const ORG = { name: 'Example, Inc.', country: 'US', state: 'California', locality: 'San Francisco' };
const EV = {
  jurisdictionCountry: 'US',
  jurisdictionState: 'Delaware',
  jurisdictionLocality: 'Wilmington',
  businessCategory: 'Private Organization',
  registrationNumber: '5157550',
};

const tls = (patch: Partial<TlsServerProfileInput> = {}): TlsServerProfileInput => ({
  profile: 'tls_server',
  commonName: '*.Example.com',
  dnsNames: ['example.com', 'WWW.example.com', '*.example.com'],
  organizationUnits: ['Web', 'Platform'],
  organization: ORG,
  ev: EV,
  ...patch,
});

/** A validity of exactly `days` days. */
const window = (days: number): { notBefore: Date; notAfter: Date } => {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
};

const issueTls = (subject: TlsServerProfileInput, days = 397, spkiDer = spki): Buffer =>
  issue(h, request(spkiDer, { subject, ...window(days) })).der;

const text = (der: Buffer): string => openssl(['x509', '-inform', 'DER', '-noout', '-text'], der).stdout;

/** The subject as openssl prints it with the given -nameopt flags. */
const subjectLine = (der: Buffer, nameopt: string): string =>
  openssl(['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', nameopt], der).stdout.trim();

const policiesOf = (der: Buffer): string[] => {
  const ext = AsnConvert.parse(der, Certificate).tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_certificatePolicies,
  );
  if (!ext) return [];
  expect(ext.critical).toBe(false);
  return AsnConvert.parse(ext.extnValue, CertificatePolicies).map((p) => p.policyIdentifier);
};

function verify(der: Buffer, purpose: 'sslserver' | 'sslclient'): ReturnType<typeof openssl> {
  const f = chainFiles(s, h, der);
  return openssl([
    'verify',
    '-x509_strict',
    '-purpose',
    purpose,
    '-CAfile',
    f.root,
    '-untrusted',
    f.inter,
    f.leaf,
  ]);
}

/** The names of the lints a request fails (it must fail). */
function failedLints(subject: TlsServerProfileInput, days = 397): string[] {
  try {
    prepareCertificate(h.issuing, request(spki, { subject, ...window(days) }), URLS);
  } catch (e) {
    if (!CertgridError.is(e, 'LINT_FAILED')) throw e;
    return (e.data as { lints: { name: string }[] }).lints.map((l) => l.name);
  }
  throw new Error('expected LINT_FAILED');
}

describe('tls_server: an EV certificate', () => {
  const der = issueTls(tls());

  it('orders its subject as EV certificates do: registration data, then C, ST, L, O, OU…, CN', () => {
    expect(subjectLine(der, 'oneline')).toBe(
      'subject=businessCategory = Private Organization, jurisdictionC = US, jurisdictionST = Delaware, ' +
        'jurisdictionL = Wilmington, serialNumber = 5157550, C = US, ST = California, L = San Francisco, ' +
        'O = "Example, Inc.", OU = Web, OU = Platform, CN = *.example.com',
    );
  });

  it('writes the EV attribute OIDs, with PrintableString for countries and the registration number', () => {
    const rdns = AsnConvert.parse(der, Certificate).tbsCertificate.subject.map((rdn) => {
      expect(rdn).toHaveLength(1); // single-valued RDNs
      const atv = rdn[0]!;
      const v = atv.value;
      return [
        atv.type,
        v.printableString !== undefined ? 'printable' : v.utf8String !== undefined ? 'utf8' : '?',
      ];
    });
    expect(rdns).toEqual([
      ['2.5.4.15', 'utf8'],
      ['1.3.6.1.4.1.311.60.2.1.3', 'printable'],
      ['1.3.6.1.4.1.311.60.2.1.2', 'utf8'],
      ['1.3.6.1.4.1.311.60.2.1.1', 'utf8'],
      ['2.5.4.5', 'printable'],
      ['2.5.4.6', 'printable'],
      ['2.5.4.8', 'utf8'],
      ['2.5.4.7', 'utf8'],
      ['2.5.4.10', 'utf8'],
      ['2.5.4.11', 'utf8'],
      ['2.5.4.11', 'utf8'],
      ['2.5.4.3', 'utf8'],
    ]);
    expect(subjectLine(der, 'oid,sep_comma_plus_space,show_type')).toContain(
      '2.5.4.15=UTF8STRING:Private Organization, 1.3.6.1.4.1.311.60.2.1.3=PRINTABLESTRING:US, ',
    );
  });

  it('asserts the EV policy, serverAuth and clientAuth, and the wildcard first in the SAN', () => {
    expect(policiesOf(der)).toEqual([CABF_POLICY_OID.extendedValidation]);
    const t = text(der);
    expect(t).toMatch(/X509v3 Certificate Policies: \s*\n\s+Policy: 2\.23\.140\.1\.1\n/);
    expect(t).toMatch(
      /X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/,
    );
    expect(t).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Agreement\n/);
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE\n/);
    // CN first, then the others lower-cased, without repeats.
    expect(t).toMatch(
      /X509v3 Subject Alternative Name: \s*\n\s+DNS:\*\.example\.com, DNS:example\.com, DNS:www\.example\.com\n/,
    );
    expect(t).toContain(`URI:${URLS.baseUrl}/crl/issuing-1.crl`);
    expect(t).toContain(`OCSP - URI:${URLS.baseUrl}/ocsp`);
    expect(t).toContain(`CA Issuers - URI:${URLS.baseUrl}/ca/issuing-1.crt`);
    expect(t).toContain('X509v3 Subject Key Identifier');
    expect(t).toContain('X509v3 Authority Key Identifier');
  });

  it('verifies up to the root for TLS servers and clients', () => {
    for (const purpose of ['sslserver', 'sslclient'] as const) {
      const v = verify(der, purpose);
      expect(v.out).toContain('leaf.pem: OK');
      expect(v.status).toBe(0);
    }
  });

  it('leaves out an empty jurisdiction state and locality, and upper-cases country codes', () => {
    const nl = issueTls(
      tls({
        commonName: 'www.example.nl',
        dnsNames: [],
        organizationUnits: [],
        organization: { name: 'Example B.V.', country: 'nl', state: '', locality: 'Utrecht' },
        ev: {
          ...EV,
          jurisdictionCountry: 'nl',
          jurisdictionState: '',
          jurisdictionLocality: ' ',
          registrationNumber: '32147382',
        },
      }),
    );
    expect(subjectLine(nl, 'oneline')).toBe(
      'subject=businessCategory = Private Organization, jurisdictionC = NL, serialNumber = 32147382, ' +
        'C = NL, L = Utrecht, O = Example B.V., CN = www.example.nl',
    );
  });

  it('takes keyUsage from the subject key, as grid_host does', () => {
    const rsa = issueTls(tls(), 397, spkiOf(leafKeyPair('rsa2048').publicKey));
    expect(text(rsa)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(verify(rsa, 'sslserver').status).toBe(0);
  });
});

describe('tls_server: OV and DV', () => {
  it('OV: the organisation without registration data, policy 2.23.140.1.2.2', () => {
    const der = issueTls(
      tls({ ev: undefined, commonName: 'www.example.com', dnsNames: ['api.example.com'] }),
    );
    expect(subjectLine(der, 'oneline')).toBe(
      'subject=C = US, ST = California, L = San Francisco, O = "Example, Inc.", OU = Web, OU = Platform, ' +
        'CN = www.example.com',
    );
    expect(policiesOf(der)).toEqual([CABF_POLICY_OID.organizationValidated]);
    expect(text(der)).toMatch(/Policy: 2\.23\.140\.1\.2\.2\n/);
    expect(verify(der, 'sslserver').status).toBe(0);
  });

  it('DV: only the names, policy 2.23.140.1.2.1', () => {
    const der = issueTls(
      tls({ ev: undefined, organization: undefined, organizationUnits: [], dnsNames: [] }),
      1096,
    );
    expect(subjectLine(der, 'oneline')).toBe('subject=CN = *.example.com');
    expect(policiesOf(der)).toEqual([CABF_POLICY_OID.domainValidated]);
    expect(text(der)).toMatch(/DNS:\*\.example\.com\n/);
    expect(verify(der, 'sslserver').status).toBe(0);
  });

  it('Grid certificates still carry no certificatePolicies', () => {
    const der = issue(h, request(spki)).der;
    expect(policiesOf(der)).toEqual([]);
  });
});

describe('tls_server: lints', () => {
  it('refuse an EV certificate without businessCategory, jurisdiction country or registration number', () => {
    expect(failedLints(tls({ ev: { ...EV, businessCategory: '' } }))).toContain(
      'e_ev_subject_fields_missing',
    );
    expect(failedLints(tls({ ev: { ...EV, jurisdictionCountry: '' } }))).toContain(
      'e_ev_subject_fields_missing',
    );
    expect(failedLints(tls({ ev: { ...EV, registrationNumber: '  ' } }))).toContain(
      'e_ev_subject_fields_missing',
    );
    // A caller outside TypeScript leaving a value out gets the same answer, not "undefined" in the DN.
    const noNumber = { ...EV, registrationNumber: undefined } as unknown as typeof EV;
    expect(failedLints(tls({ ev: noNumber }))).toContain('e_ev_subject_fields_missing');
  });

  it('refuse EV registration data without an organisation', () => {
    expect(failedLints(tls({ organization: undefined }))).toEqual(['e_ev_subject_fields_missing']);
  });

  it('refuse wildcards over a single label and partial-label wildcards', () => {
    expect(failedLints(tls({ commonName: '*.com', dnsNames: [] }))).toEqual(['e_san_dns_name_bad_syntax']);
    expect(failedLints(tls({ dnsNames: ['f*o.example.com'] }))).toEqual(['e_san_dns_name_bad_syntax']);
    expect(failedLints(tls({ commonName: 'f*o.example.com' }))).toEqual(['e_san_dns_name_bad_syntax']);
  });

  it('allow up to 1096 days', () => {
    expect(issueTls(tls(), 1096).length).toBeGreaterThan(0);
    expect(failedLints(tls(), 1097)).toEqual(['e_validity_period_too_long']);
  });

  it('bound O and OU at 64 characters and serialNumber at 64', () => {
    expect(failedLints(tls({ organization: { ...ORG, name: 'o'.repeat(65) } }))).toEqual([
      'e_subject_attribute_too_long',
    ]);
    expect(failedLints(tls({ organizationUnits: ['u'.repeat(65)] }))).toEqual([
      'e_subject_attribute_too_long',
    ]);
    expect(failedLints(tls({ ev: { ...EV, registrationNumber: '1'.repeat(65) } }))).toEqual([
      'e_subject_attribute_too_long',
    ]);
  });

  it('refuse a CN longer than 64 characters even though it is a valid DNS name', () => {
    expect(failedLints(tls({ commonName: `${'a'.repeat(60)}.example.com` }))).toEqual([
      'e_subject_attribute_too_long',
    ]);
  });

  it('refuse a country that is not two letters', () => {
    const bad = tls({ ev: { ...EV, jurisdictionCountry: 'USA' } });
    let err: unknown;
    try {
      prepareCertificate(h.issuing, request(spki, { subject: bad }), URLS);
    } catch (e) {
      err = e;
    }
    expect(CertgridError.is(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as CertgridError).field).toBe('jurisdictionC');
  });

  it('keep grid_host as it was: a whole-label wildcard is accepted, `*.com` is not', () => {
    const der = issue(
      h,
      request(spki, { subject: { profile: 'grid_host', commonName: '*.wild.example.com', dnsNames: [] } }),
    ).der;
    expect(subjectLine(der, 'oneline')).toBe('subject=CN = *.wild.example.com');
    let err: unknown;
    try {
      prepareCertificate(
        h.issuing,
        request(spki, { subject: { profile: 'grid_host', commonName: '*.com', dnsNames: [] } }),
        URLS,
      );
    } catch (e) {
      err = e;
    }
    expect(CertgridError.is(err, 'LINT_FAILED')).toBe(true);
  });
});

/** A CaRepository in memory: enough for the authority service to initialise and issue. */
function memoryRepo(): CaRepository {
  let cas: CaRecord[] = [];
  const crls = new Map<string, CrlRecord>();
  return {
    listCas: () => Promise.resolve([...cas]),
    insertHierarchy(records, first) {
      if (cas.length > 0) return Promise.resolve(false);
      cas = [...records];
      for (const c of first) crls.set(c.caId, c);
      return Promise.resolve(true);
    },
    getCrl: (caId) => Promise.resolve(crls.get(caId) ?? null),
    saveCrl(crl) {
      const current = crls.get(crl.caId);
      if (current && current.crlNumber >= crl.crlNumber) return Promise.resolve(false);
      crls.set(crl.caId, crl);
      return Promise.resolve(true);
    },
    listRevoked: () => Promise.resolve([]),
    findStatuses: () => Promise.resolve(new Map()),
  };
}

describe('tls_server through the certificate authority service', () => {
  it.each(['p384', 'rsa2048'] as const)(
    'issues with a %s CA as enrollment orders ask',
    async (keyType: KeyType) => {
      const now = new Date();
      const ca = createCertificateAuthority({
        repo: memoryRepo(),
        clock: fixedClock(now),
        random: systemRandom,
        urls: URLS,
        passphrase: 'test passphrase',
      });
      expect(await ca.initialise({ keyType, name: 'certgrid' })).toBe(true);
      const notBefore = new Date(now.getTime() - 300_000);
      const cert = await ca.issue(tls({ ev: undefined }), spki, {
        notBefore,
        notAfter: new Date(notBefore.getTime() + 1096 * DAY_MS),
        hash: 'sha384',
      });
      expect(cert.caId).toBe('issuing-1');
      expect(policiesOf(cert.der)).toEqual([CABF_POLICY_OID.organizationValidated]);
      const chain = await ca.chain();
      const f = {
        root: s.file(`root-${keyType}.pem`, chain.rootPem),
        inter: s.file(`inter-${keyType}.pem`, chain.issuingPem),
        leaf: s.file(`leaf-${keyType}.pem`, (await ca.bundleFor(cert.der)).certificatePem),
      };
      const v = openssl([
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-CAfile',
        f.root,
        '-untrusted',
        f.inter,
        f.leaf,
      ]);
      expect(v.status).toBe(0);
      expect(text(cert.der)).toContain(keyType === 'p384' ? 'ecdsa-with-SHA384' : 'sha384WithRSAEncryption');
    },
  );
});
