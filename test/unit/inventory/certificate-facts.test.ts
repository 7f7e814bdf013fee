import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  CertificatePolicies,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  PolicyInformation,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_certificatePolicies,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
  type Name,
} from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { certificateFacts, type NameFacts } from '../../../src/core/inventory/certificate-facts.js';
import { CertgridError } from '../../../src/core/errors.js';
import { requireTool } from '../../helpers/tools.js';
import {
  OIDS,
  buildCertificate,
  ext,
  key,
  name,
  nameDer,
  openssl,
  toArrayBuffer,
  type Attr,
  type CertificateSpec,
} from './build-certificate.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DIGICERT_EV = '2.16.840.1.114412.2.1';
const CABF_EV = '2.23.140.1.1';

const uri = (u: string): GeneralName => new GeneralName({ uniformResourceIdentifier: u });
const basicConstraints = (cA: boolean, pathLenConstraint?: number) =>
  ext(id_ce_basicConstraints, new BasicConstraints({ cA, pathLenConstraint }), true);
const policies = (...oids: string[]) =>
  ext(
    id_ce_certificatePolicies,
    new CertificatePolicies(oids.map((o) => new PolicyInformation({ policyIdentifier: o }))),
  );
const ski = (hex: string) =>
  ext(id_ce_subjectKeyIdentifier, new SubjectKeyIdentifier(toArrayBuffer(Buffer.from(hex, 'hex'))));
const aki = (hex: string) =>
  ext(
    id_ce_authorityKeyIdentifier,
    new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(Buffer.from(hex, 'hex'))) }),
  );

/** A CA-issued leaf signed by some other key (the issuer name alone does not make a chain here). */
function leafOf(subject: Name, extra: Partial<CertificateSpec> = {}): Buffer {
  return buildCertificate({
    subject,
    issuer: name([[OIDS.CN, 'Some CA']]),
    publicKey: key('p256').publicKey,
    signingKey: key('p256', 1).privateKey,
    signature: 'sha256-ecdsa',
    ...extra,
  });
}

/** The subject/issuer object exactly as the CertView sample shows it (without dn and attributes). */
const sampleObject = (n: NameFacts) => ({
  name: n.name,
  organization: n.organization,
  organizationUnit: n.organizationUnit,
  locality: n.locality,
  state: n.state,
  country: n.country,
});

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CertgridError);
    return (e as CertgridError).code;
  }
  return 'no error';
};

describe('certificateFacts: the spec sample (an EV leaf like www.qualys.com)', () => {
  // The DER order of the sample's subject, read back from its rawData; the dn prints it reversed.
  const subject = name([
    [OIDS.businessCategory, 'Private Organization'],
    [OIDS.jurisdictionC, 'US', 'printable'],
    [OIDS.jurisdictionST, 'Delaware', 'printable'],
    [OIDS.serialNumber, '3152140', 'printable'],
    [OIDS.C, 'US', 'printable'],
    [OIDS.ST, 'California', 'printable'],
    [OIDS.L, 'Foster City', 'printable'],
    [OIDS.O, 'Qualys, Inc.', 'printable'],
    [OIDS.CN, 'www.qualys.com', 'printable'],
  ]);
  const issuer = name([
    [OIDS.C, 'US', 'printable'],
    [OIDS.O, 'DigiCert Inc', 'printable'],
    [OIDS.OU, 'www.digicert.com', 'printable'],
    [OIDS.CN, 'DigiCert SHA2 Extended Validation Server CA', 'printable'],
  ]);
  const der = buildCertificate({
    subject,
    issuer,
    serialHex: '0e66f3475fd186c97dbd7fc274b0ddca',
    publicKey: key('rsa2048').publicKey,
    signingKey: key('rsa2048', 1).privateKey,
    signature: 'sha256-rsa',
    extensions: [
      aki('3dd350a5d6a0adeef34a600a65d321d4f8f8d60f'),
      ski('4a993181cf0dc0be2f904df202d5a4ee86c58edc'),
      ext(
        id_ce_subjectAltName,
        new SubjectAlternativeName([
          new GeneralName({ dNSName: 'qualys.com' }),
          new GeneralName({ dNSName: 'www.qualys.com' }),
        ]),
      ),
      ext(id_ce_keyUsage, new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment), true),
      ext(id_ce_extKeyUsage, new ExtendedKeyUsage([SERVER_AUTH, CLIENT_AUTH])),
      ext(
        id_ce_cRLDistributionPoints,
        new CRLDistributionPoints([
          new DistributionPoint({
            distributionPoint: new DistributionPointName({
              fullName: [uri('http://crl3.digicert.com/sha2-ev-server-g2.crl')],
            }),
          }),
          new DistributionPoint({
            distributionPoint: new DistributionPointName({
              fullName: [uri('http://crl4.digicert.com/sha2-ev-server-g2.crl')],
            }),
          }),
        ]),
      ),
      policies(DIGICERT_EV, CABF_EV),
      ext(
        id_pe_authorityInfoAccess,
        new AuthorityInfoAccessSyntax([
          new AccessDescription({
            accessMethod: id_ad_ocsp,
            accessLocation: uri('http://ocsp.digicert.com'),
          }),
          new AccessDescription({
            accessMethod: id_ad_caIssuers,
            accessLocation: uri('http://cacerts.digicert.com/DigiCertSHA2ExtendedValidationServerCA.crt'),
          }),
        ]),
      ),
      basicConstraints(false),
    ],
  });
  const f = certificateFacts(der);

  it('renders the dn exactly as the sample does', () => {
    expect(f.subject.dn).toBe(
      'CN=www.qualys.com, O="Qualys, Inc.", L=Foster City, ST=California, C=US, serialNumber=3152140, ' +
        'StateOrProvince=Delaware, CountryName=US, businessCategory=Private Organization',
    );
    expect(f.issuer.dn).toBe(
      'CN=DigiCert SHA2 Extended Validation Server CA, OU=www.digicert.com, O=DigiCert Inc, C=US',
    );
  });

  it('gives the subject and issuer objects of the sample', () => {
    expect(sampleObject(f.subject)).toEqual({
      organization: 'Qualys, Inc.',
      locality: 'Foster City',
      name: 'www.qualys.com',
      state: 'California',
      country: 'US',
      organizationUnit: [],
    });
    expect(sampleObject(f.issuer)).toEqual({
      organization: 'DigiCert Inc',
      organizationUnit: ['www.digicert.com'],
      name: 'DigiCert SHA2 Extended Validation Server CA',
      country: 'US',
      state: '',
      locality: '',
    });
  });

  it('lists every subject attribute in DER order with its short name', () => {
    expect(f.subject.attributes).toEqual([
      { type: 'businessCategory', value: 'Private Organization' },
      { type: 'CountryName', value: 'US' },
      { type: 'StateOrProvince', value: 'Delaware' },
      { type: 'serialNumber', value: '3152140' },
      { type: 'C', value: 'US' },
      { type: 'ST', value: 'California' },
      { type: 'L', value: 'Foster City' },
      { type: 'O', value: 'Qualys, Inc.' },
      { type: 'CN', value: 'www.qualys.com' },
    ]);
  });

  it('has the sample basic and extended fields', () => {
    expect(f).toMatchObject({
      keySize: 2048,
      keyAlgorithm: 'RSA',
      curve: undefined,
      notBefore: 1596067200000,
      notAfter: 1628078400000,
      signatureAlgorithm: 'SHA256withRSA',
      selfSigned: false,
      extendedValidation: true,
      serialNumber: '0e66f3475fd186c97dbd7fc274b0ddca',
      keyUsage: ['Digital signature', 'Key encipherment'],
      enhancedKeyUsage: [SERVER_AUTH, CLIENT_AUTH],
      subjectKeyIdentifier: '4a993181cf0dc0be2f904df202d5a4ee86c58edc',
      authKeyIdentifier: '3dd350a5d6a0adeef34a600a65d321d4f8f8d60f',
      subjectAlternativeNames: { dns: ['qualys.com', 'www.qualys.com'], ip: [], email: [], uri: [] },
      version: 3,
      isCa: false,
      pathLen: null,
      type: 'Leaf',
      policies: [DIGICERT_EV, CABF_EV],
      crlDistributionPoints: [
        'http://crl3.digicert.com/sha2-ev-server-g2.crl',
        'http://crl4.digicert.com/sha2-ev-server-g2.crl',
      ],
      ocspUrls: ['http://ocsp.digicert.com'],
      caIssuersUrls: ['http://cacerts.digicert.com/DigiCertSHA2ExtendedValidationServerCA.crt'],
    });
  });

  it('identifies the certificate, its names and its key by their exact bytes', () => {
    expect(f.certhash).toBe(createHash('sha256').update(der).digest('hex'));
    expect(f.der.equals(der)).toBe(true);
    expect(f.subjectDer.equals(nameDer(subject))).toBe(true);
    expect(f.issuerDer.equals(nameDer(issuer))).toBe(true);
    const spki = key('rsa2048').publicKey.export({ type: 'spki', format: 'der' });
    expect(f.publicKeySha256).toBe(createHash('sha256').update(spki).digest('hex'));
  });

  it('carries the PEM as the sample rawData: 64-character lines, no trailing newline', () => {
    const lines = f.pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    const body = lines.slice(1, -1);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(body.join(''), 'base64').equals(der)).toBe(true);
    expect(new X509Certificate(f.pem).raw.equals(der)).toBe(true);
  });

  it('is plain data that survives JSON unchanged (apart from the DER buffers)', () => {
    const rest: Record<string, unknown> = { ...f };
    for (const k of ['der', 'issuerDer', 'subjectDer']) delete rest[k];
    expect(JSON.parse(JSON.stringify(rest))).toEqual(rest);
  });
});

describe('certificateFacts: a real public certificate (the spec sample rootissuer)', () => {
  const pemText = readFileSync(
    join(import.meta.dirname, '../../fixtures/inventory/digicert-high-assurance-ev-root-ca.pem'),
    'utf8',
  );
  const der = new X509Certificate(pemText).raw;
  const f = certificateFacts(der);

  it('has the certhash the spec sample shows for rootissuer', () => {
    expect(f.certhash).toBe('7431e5f4c3c1ce4690774f0b61e05440883ba9a01ed00ba6abd7806ed3b118cf');
  });

  it('is a self-signed SHA-1 RSA root', () => {
    expect(f).toMatchObject({
      serialNumber: '02ac5c266a0b409b8f0b79f2ae462577',
      signatureAlgorithm: 'SHA1withRSA',
      keyAlgorithm: 'RSA',
      keySize: 2048,
      selfSigned: true,
      isCa: true,
      type: 'Root',
      notBefore: Date.UTC(2006, 10, 10),
      notAfter: Date.UTC(2031, 10, 10),
      keyUsage: ['Digital signature', 'Certificate signing', 'CRL signing'],
      subjectKeyIdentifier: 'b13ec36903f8bf4701d498261a0802ef63642bc3',
      authKeyIdentifier: 'b13ec36903f8bf4701d498261a0802ef63642bc3',
      extendedValidation: false,
    });
    expect(f.subject.dn).toBe(
      'CN=DigiCert High Assurance EV Root CA, OU=www.digicert.com, O=DigiCert Inc, C=US',
    );
    expect(f.issuer).toEqual(f.subject);
    expect(f.pem).toBe(pemText.trim());
  });
});

describe('certificateFacts: names', () => {
  it('quotes values with specials, escapes quotes and backslashes, keeps OUs in order, takes the last CN', () => {
    const f = certificateFacts(
      leafOf(
        name([
          [OIDS.C, 'US', 'printable'],
          [OIDS.O, 'Acme, Inc.'],
          [OIDS.OU, 'Ops'],
          [OIDS.OU, 'Eng + Research'],
          [OIDS.L, ' Springfield'],
          [OIDS.ST, 'Say "hi"\\now'],
          [OIDS.CN, 'first.example.com'],
          [OIDS.CN, 'a=b;c<d>#e'],
        ]),
      ),
    );
    expect(f.subject.dn).toBe(
      'CN="a=b;c<d>#e", CN=first.example.com, ST="Say \\"hi\\"\\\\now", L=" Springfield", ' +
        'OU="Eng + Research", OU=Ops, O="Acme, Inc.", C=US',
    );
    expect(f.subject).toMatchObject({
      name: 'a=b;c<d>#e',
      organization: 'Acme, Inc.',
      organizationUnit: ['Ops', 'Eng + Research'],
      locality: ' Springfield',
      state: 'Say "hi"\\now',
      country: 'US',
    });
  });

  it('joins a multi-valued RDN with " + " and names other attributes OID.<dotted>', () => {
    const f = certificateFacts(
      leafOf(
        name([
          [OIDS.O, 'Example'],
          [
            [OIDS.CN, 'John Smith'],
            [OIDS.UID, 'jsmith'],
          ],
          ['1.3.6.1.4.1.99999.1', 'custom value'],
          ['2.5.4.97', 'VATDE-123456789'],
          [OIDS.emailAddress, 'john@example.com', 'ia5'],
        ]),
      ),
    );
    expect(f.subject.dn).toBe(
      'EMAILADDRESS=john@example.com, organizationIdentifier=VATDE-123456789, OID.1.3.6.1.4.1.99999.1=custom value, ' +
        'CN=John Smith + UID=jsmith, O=Example',
    );
    expect(f.subject.attributes).toEqual([
      { type: 'O', value: 'Example' },
      { type: 'CN', value: 'John Smith' },
      { type: 'UID', value: 'jsmith' },
      { type: '1.3.6.1.4.1.99999.1', value: 'custom value' },
      { type: 'organizationIdentifier', value: 'VATDE-123456789' },
      { type: 'EMAILADDRESS', value: 'john@example.com' },
    ]);
  });

  it('decodes TeletexString as Latin-1, BMPString as UTF-16BE and UniversalString as UTF-32BE', () => {
    const subject = name([
      [OIDS.C, 'DE', 'printable'],
      [OIDS.O, 'Müller Grüße GmbH', 'teletex'],
      [OIDS.OU, '日本語 Ünït', 'bmp'],
      [OIDS.L, 'Zürich ☃', 'universal'],
      // UCS-4 U+1D11E, and the same character as asn1js writes it (two surrogates, 4 octets each)
      [OIDS.ST, Buffer.from('1c040001d11e', 'hex')],
      [OIDS.ST, Buffer.from('1c080000d8340000dd1e', 'hex')],
      [OIDS.CN, 'ünicode.example', 'utf8'],
    ]);
    const encoded = nameDer(subject);
    // The encoder really wrote the string types under test (tags 0x14, 0x1e, 0x1c) with those byte layouts.
    const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
    const utf32be = (s: string) =>
      Buffer.from(
        [...s].flatMap((ch) => {
          const cp = ch.codePointAt(0)!;
          return [cp >>> 24, (cp >>> 16) & 255, (cp >>> 8) & 255, cp & 255];
        }),
      );
    expect(encoded.includes(tlv(0x14, Buffer.from('Müller Grüße GmbH', 'latin1')))).toBe(true);
    expect(encoded.includes(tlv(0x1e, Buffer.from('日本語 Ünït', 'utf16le').swap16()))).toBe(true);
    expect(encoded.includes(tlv(0x1c, utf32be('Zürich ☃')))).toBe(true);
    const f = certificateFacts(leafOf(subject));
    expect(f.subject).toMatchObject({
      organization: 'Müller Grüße GmbH',
      organizationUnit: ['日本語 Ünït'],
      locality: 'Zürich ☃',
      state: '𝄞',
      name: 'ünicode.example',
      country: 'DE',
    });
    expect(f.subject.attributes.filter((a) => a.type === 'ST')).toEqual([
      { type: 'ST', value: '𝄞' },
      { type: 'ST', value: '𝄞' },
    ]);
    expect(f.subject.dn).toBe(
      'CN=ünicode.example, ST=𝄞, ST=𝄞, L=Zürich ☃, OU=日本語 Ünït, O=Müller Grüße GmbH, C=DE',
    );
  });

  it('shows a value that is not a string as # and the hex of its DER (RFC 4514 §2.4)', () => {
    const f = certificateFacts(
      leafOf(
        name([
          ['1.2.3.4', Buffer.from('020105', 'hex')],
          [OIDS.CN, 'x'],
        ] as Attr[]),
      ),
    );
    expect(f.subject.dn).toBe('CN=x, OID.1.2.3.4=#020105');
    expect(f.subject.attributes[0]).toEqual({ type: '1.2.3.4', value: '#020105' });
  });

  it('gives "" and [] for missing fields and an empty dn for an empty name', () => {
    const f = certificateFacts(
      leafOf(name([]), {
        extensions: [
          ext(
            id_ce_subjectAltName,
            new SubjectAlternativeName([new GeneralName({ dNSName: 'a.example' })]),
            true,
          ),
        ],
      }),
    );
    expect(f.subject).toEqual({
      name: '',
      organization: '',
      organizationUnit: [],
      locality: '',
      state: '',
      country: '',
      dn: '',
      attributes: [],
    });
  });
});

describe('certificateFacts: subject alternative names', () => {
  it('lists DNS, IP (IPv4 dotted, IPv6 per RFC 5952), e-mail and URI names in certificate order', () => {
    const ip = (s: string) => new GeneralName({ iPAddress: s });
    const f = certificateFacts(
      leafOf(name([[OIDS.CN, 'multi']]), {
        extensions: [
          ext(
            id_ce_subjectAltName,
            new SubjectAlternativeName([
              new GeneralName({ dNSName: 'b.example.com' }),
              ip('192.0.2.1'),
              new GeneralName({ rfc822Name: 'ops@example.com' }),
              ip('2001:0DB8:0000:0000:0000:0000:0000:0001'),
              new GeneralName({ dNSName: 'a.example.com' }),
              ip('2001:db8:0:0:1:0:0:1'),
              ip('0:0:0:0:0:ffff:c000:0280'),
              ip('fe80:0:0:0:0:0:0:0'),
              uri('https://example.com/x'),
              new GeneralName({ rfc822Name: 'security@example.com' }),
              ip('10.0.0.255'),
            ]),
          ),
        ],
      }),
    );
    expect(f.subjectAlternativeNames).toEqual({
      dns: ['b.example.com', 'a.example.com'],
      ip: ['192.0.2.1', '2001:db8::1', '2001:db8::1:0:0:1', '::ffff:192.0.2.128', 'fe80::', '10.0.0.255'],
      email: ['ops@example.com', 'security@example.com'],
      uri: ['https://example.com/x'],
    });
  });
});

describe('certificateFacts: keys and signature algorithms', () => {
  const cases = [
    {
      spec: 'rsa2048',
      signature: 'sha384-rsa',
      keyAlgorithm: 'RSA',
      keySize: 2048,
      curve: undefined,
      name: 'SHA384withRSA',
    },
    {
      spec: 'p256',
      signature: 'sha256-ecdsa',
      keyAlgorithm: 'EC',
      keySize: 256,
      curve: 'P-256',
      name: 'SHA256withECDSA',
    },
    {
      spec: 'p384',
      signature: 'sha384-ecdsa',
      keyAlgorithm: 'EC',
      keySize: 384,
      curve: 'P-384',
      name: 'SHA384withECDSA',
    },
    {
      spec: 'p521',
      signature: 'sha512-ecdsa',
      keyAlgorithm: 'EC',
      keySize: 521,
      curve: 'P-521',
      name: 'SHA512withECDSA',
    },
    {
      spec: 'ed25519',
      signature: 'ed25519',
      keyAlgorithm: 'Ed25519',
      keySize: 256,
      curve: undefined,
      name: 'Ed25519',
    },
    {
      spec: 'rsa2048',
      signature: 'rsa-pss-sha256',
      keyAlgorithm: 'RSA',
      keySize: 2048,
      curve: undefined,
      name: 'RSASSA-PSS',
    },
    {
      spec: 'dsa2048',
      signature: 'sha256-dsa',
      keyAlgorithm: 'DSA',
      keySize: 2048,
      curve: undefined,
      name: 'SHA256withDSA',
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name} over a ${c.spec} key: self-signed root, facts from the key`, () => {
      const k = key(c.spec);
      const der = buildCertificate({
        subject: name([[OIDS.CN, `${c.name} root`]]),
        publicKey: k.publicKey,
        signingKey: k.privateKey,
        signature: c.signature,
        extensions: [basicConstraints(true)],
      });
      expect(new X509Certificate(der).verify(k.publicKey)).toBe(true); // the fixture itself is sound
      const f = certificateFacts(der);
      expect(f).toMatchObject({
        keyAlgorithm: c.keyAlgorithm,
        keySize: c.keySize,
        signatureAlgorithm: c.name,
        selfSigned: true,
        type: 'Root',
      });
      expect(f.curve).toBe(c.curve);
    });
  }

  it('names an unknown signature algorithm by its OID; an unverifiable self-issued certificate is not self-signed', () => {
    const k = key('p256');
    const f = certificateFacts(
      buildCertificate({
        subject: name([[OIDS.CN, 'odd']]),
        publicKey: k.publicKey,
        signingKey: k.privateKey,
        signature: { oid: '1.2.3.4.5.6' },
        extensions: [basicConstraints(true)],
      }),
    );
    expect(f.signatureAlgorithm).toBe('1.2.3.4.5.6');
    expect(f.selfSigned).toBe(false);
    expect(f.type).toBe('Intermediate');
  });
});

describe('certificateFacts: roots, intermediates and leaves', () => {
  const rootKey = key('p384');
  const intKey = key('p256');
  const rootName = name([
    [OIDS.O, 'certgrid test'],
    [OIDS.CN, 'Test Root'],
  ]);
  const intName = name([
    [OIDS.O, 'certgrid test'],
    [OIDS.CN, 'Test Issuing CA'],
  ]);
  const root = certificateFacts(
    buildCertificate({
      subject: rootName,
      publicKey: rootKey.publicKey,
      signingKey: rootKey.privateKey,
      signature: 'sha384-ecdsa',
      extensions: [
        basicConstraints(true, 1),
        ski('aa01'),
        ext(id_ce_keyUsage, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign), true),
      ],
    }),
  );
  const intermediate = certificateFacts(
    buildCertificate({
      subject: intName,
      issuer: rootName,
      publicKey: intKey.publicKey,
      signingKey: rootKey.privateKey,
      signature: 'sha384-ecdsa',
      extensions: [basicConstraints(true, 0), ski('bb02'), aki('aa01')],
    }),
  );
  const leaf = certificateFacts(
    buildCertificate({
      subject: name([[OIDS.CN, 'leaf.example.com']]),
      issuer: intName,
      publicKey: key('ed25519').publicKey,
      signingKey: intKey.privateKey,
      signature: 'sha256-ecdsa',
      extensions: [basicConstraints(false), aki('bb02')],
    }),
  );

  it('classifies each by self-signature and basicConstraints', () => {
    expect([root.type, intermediate.type, leaf.type]).toEqual(['Root', 'Intermediate', 'Leaf']);
    expect([root.selfSigned, intermediate.selfSigned, leaf.selfSigned]).toEqual([true, false, false]);
    expect([root.isCa, intermediate.isCa, leaf.isCa]).toEqual([true, true, false]);
    expect([root.pathLen, intermediate.pathLen, leaf.pathLen]).toEqual([1, 0, null]);
    expect(root.keyUsage).toEqual(['Certificate signing', 'CRL signing']);
  });

  it('links by name DER and key identifiers', () => {
    expect(leaf.issuerDer.equals(intermediate.subjectDer)).toBe(true);
    expect(intermediate.issuerDer.equals(root.subjectDer)).toBe(true);
    expect(leaf.authKeyIdentifier).toBe(intermediate.subjectKeyIdentifier);
    expect(intermediate.authKeyIdentifier).toBe(root.subjectKeyIdentifier);
    expect(root.authKeyIdentifier).toBeNull();
  });

  it('treats a v1 self-signed certificate without extensions as a root', () => {
    const k = key('rsa2048');
    const f = certificateFacts(
      buildCertificate({
        version: 1,
        subject: name([
          [OIDS.C, 'US', 'printable'],
          [OIDS.CN, 'Legacy v1 Root'],
        ]),
        publicKey: k.publicKey,
        signingKey: k.privateKey,
        signature: 'sha1-rsa',
      }),
    );
    expect(f).toMatchObject({
      version: 1,
      selfSigned: true,
      isCa: false,
      pathLen: null,
      type: 'Root',
      signatureAlgorithm: 'SHA1withRSA',
      keyUsage: [],
      enhancedKeyUsage: [],
      policies: [],
      extendedValidation: false,
      subjectKeyIdentifier: null,
      authKeyIdentifier: null,
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: [],
      subjectAlternativeNames: { dns: [], ip: [], email: [], uri: [] },
    });
  });

  it('calls a self-signed certificate with cA false a leaf', () => {
    const k = key('p256');
    const f = certificateFacts(
      buildCertificate({
        subject: name([[OIDS.CN, 'device']]),
        publicKey: k.publicKey,
        signingKey: k.privateKey,
        signature: 'sha256-ecdsa',
        extensions: [basicConstraints(false)],
      }),
    );
    expect([f.selfSigned, f.type]).toEqual([true, 'Leaf']);
  });

  it('matches subject and issuer after RFC 5280 §7.1 normalisation (string type, case, white space)', () => {
    const k = key('p256');
    const der = buildCertificate({
      subject: name([
        [OIDS.O, 'Example  Corp', 'utf8'],
        [OIDS.CN, ' ROOT ca ', 'utf8'],
      ]),
      issuer: name([
        [OIDS.O, 'example corp', 'printable'],
        [OIDS.CN, 'Root CA', 'printable'],
      ]),
      publicKey: k.publicKey,
      signingKey: k.privateKey,
      signature: 'sha256-ecdsa',
      extensions: [basicConstraints(true)],
    });
    const f = certificateFacts(der);
    expect(f.subjectDer.equals(f.issuerDer)).toBe(false);
    expect([f.selfSigned, f.type]).toEqual([true, 'Root']);
  });

  it('does not call a certificate self-signed when the names match but another key signed it', () => {
    const f = certificateFacts(
      buildCertificate({
        subject: rootName,
        publicKey: key('p256', 2).publicKey,
        signingKey: rootKey.privateKey,
        signature: 'sha384-ecdsa',
        extensions: [basicConstraints(true)],
      }),
    );
    expect([f.selfSigned, f.type]).toEqual([false, 'Intermediate']);
  });

  it('does not call a certificate self-signed when the names differ, even if its own key signed it', () => {
    const k = key('p256');
    const f = certificateFacts(
      buildCertificate({
        subject: name([[OIDS.CN, 'a']]),
        issuer: name([[OIDS.CN, 'b']]),
        publicKey: k.publicKey,
        signingKey: k.privateKey,
        signature: 'sha256-ecdsa',
        extensions: [basicConstraints(true)],
      }),
    );
    expect([f.selfSigned, f.type]).toEqual([false, 'Intermediate']);
  });
});

describe('certificateFacts: policies and EV', () => {
  const withPolicies = (...oids: string[]) =>
    certificateFacts(leafOf(name([[OIDS.CN, 'p']]), { extensions: oids.length ? [policies(...oids)] : [] }));

  it('is EV for the CA/Browser Forum OID or a CA-specific EV OID, not for OV/DV', () => {
    expect(withPolicies(CABF_EV).extendedValidation).toBe(true);
    expect(withPolicies('2.16.840.1.113733.1.7.23.6').extendedValidation).toBe(true); // VeriSign
    expect(withPolicies('1.3.6.1.4.1.6449.1.2.1.5.1').extendedValidation).toBe(true); // Sectigo
    expect(withPolicies('2.23.140.1.2.2', '1.3.6.1.4.1.44947.1.1.1').extendedValidation).toBe(false);
    expect(withPolicies().extendedValidation).toBe(false);
  });

  it('lists the policy OIDs in order', () => {
    expect(withPolicies('2.23.140.1.2.1', '1.2.3.4').policies).toEqual(['2.23.140.1.2.1', '1.2.3.4']);
  });
});

describe('certificateFacts: serial numbers, key usage and validity', () => {
  it('drops the 00 sign octet and keeps other leading zeros', () => {
    expect(certificateFacts(leafOf(name([[OIDS.CN, 's']]), { serialHex: '008fa0b1' })).serialNumber).toBe(
      '8fa0b1',
    );
    expect(certificateFacts(leafOf(name([[OIDS.CN, 's']]), { serialHex: '0e66f3' })).serialNumber).toBe(
      '0e66f3',
    );
    expect(certificateFacts(leafOf(name([[OIDS.CN, 's']]), { serialHex: '00' })).serialNumber).toBe('00');
  });

  it('names all nine key usage bits in bit order', () => {
    const all = Object.values(KeyUsageFlags)
      .filter((v): v is number => typeof v === 'number')
      .reduce((a, b) => a | b, 0);
    const f = certificateFacts(
      leafOf(name([[OIDS.CN, 'k']]), { extensions: [ext(id_ce_keyUsage, new KeyUsage(all))] }),
    );
    expect(f.keyUsage).toEqual([
      'Digital signature',
      'Non repudiation',
      'Key encipherment',
      'Data encipherment',
      'Key agreement',
      'Certificate signing',
      'CRL signing',
      'Encipher only',
      'Decipher only',
    ]);
  });

  it('reads UTCTime (19xx and 20xx) and GeneralizedTime (2050 on) as epoch milliseconds', () => {
    const f = certificateFacts(
      leafOf(name([[OIDS.CN, 't']]), {
        notBefore: new Date('1999-12-31T23:59:59Z'),
        notAfter: new Date('2050-01-01T00:00:00Z'),
      }),
    );
    expect(f.notBefore).toBe(Date.UTC(1999, 11, 31, 23, 59, 59));
    expect(f.notAfter).toBe(Date.UTC(2050, 0, 1));
    expect(f.der.includes(Buffer.from('\x18\x0f20500101000000Z', 'latin1'))).toBe(true); // really GeneralizedTime
  });
});

describe('certificateFacts: an EV leaf made by openssl', () => {
  it.skipIf(!requireTool('openssl', ['version']))(
    'agrees with openssl on dn, serial, validity and key identifiers',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'certgrid-inventory-'));
      try {
        const file = (n: string, content: string | Buffer): string => {
          writeFileSync(join(dir, n), content);
          return join(dir, n);
        };
        const ca = key('rsa2048', 1);
        const caPem = new X509Certificate(
          buildCertificate({
            subject: name([[OIDS.CN, 'openssl test CA']]),
            publicKey: ca.publicKey,
            signingKey: ca.privateKey,
            signature: 'sha256-rsa',
            extensions: [basicConstraints(true), ski('c0ffee')],
          }),
        ).toString();
        const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
        const subj =
          '/businessCategory=Private Organization/jurisdictionC=US/jurisdictionST=Delaware/serialNumber=3152140' +
          '/C=US/ST=California/L=Foster City/O=Qualys, Inc./CN=www.qualys.com';
        const csr = file('leaf.csr', '');
        expect(
          openssl([
            'req',
            '-new',
            '-key',
            file('leaf.key', pkcs8(key('rsa2048').privateKey)),
            '-subj',
            subj,
            '-out',
            csr,
          ]).status,
        ).toBe(0);
        const extfile = file(
          'leaf.ext',
          'subjectAltName=DNS:qualys.com,DNS:www.qualys.com,IP:2001:db8:0:0:0:0:0:1\n' +
            'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' +
            'certificatePolicies=2.16.840.1.114412.2.1,2.23.140.1.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
        );
        const out = join(dir, 'leaf.der');
        const signed = openssl([
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          file('ca.pem', caPem),
          '-CAkey',
          file('ca.key', pkcs8(ca.privateKey)),
          '-set_serial',
          '0x0e66f3475fd186c97dbd7fc274b0ddca',
          '-days',
          '30',
          '-extfile',
          extfile,
          '-outform',
          'DER',
          '-out',
          out,
        ]);
        expect(signed.status, signed.stderr).toBe(0);
        const der = readFileSync(out);
        const f = certificateFacts(der);
        expect(f.subject.dn).toBe(
          'CN=www.qualys.com, O="Qualys, Inc.", L=Foster City, ST=California, C=US, serialNumber=3152140, ' +
            'StateOrProvince=Delaware, CountryName=US, businessCategory=Private Organization',
        );
        expect(f).toMatchObject({
          serialNumber: '0e66f3475fd186c97dbd7fc274b0ddca',
          extendedValidation: true,
          keyUsage: ['Digital signature', 'Key encipherment'],
          authKeyIdentifier: 'c0ffee',
          subjectAlternativeNames: {
            dns: ['qualys.com', 'www.qualys.com'],
            ip: ['2001:db8::1'],
            email: [],
            uri: [],
          },
        });
        const text = (args: string[]) =>
          openssl(['x509', '-inform', 'DER', '-noout', ...args], der).stdout.toString('utf8');
        const dates = text(['-startdate', '-enddate']);
        expect(f.notBefore).toBe(Date.parse(/notBefore=(.*)/.exec(dates)![1]!));
        expect(f.notAfter).toBe(Date.parse(/notAfter=(.*)/.exec(dates)![1]!));
        const skid = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(
          text(['-ext', 'subjectKeyIdentifier']),
        )![1]!;
        expect(f.subjectKeyIdentifier).toBe(skid.replaceAll(':', '').toLowerCase());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('certificateFacts: bad input', () => {
  const good = leafOf(name([[OIDS.CN, 'good']]), {
    extensions: [
      ext(id_ce_subjectAltName, new SubjectAlternativeName([new GeneralName({ dNSName: 'good.example' })])),
      policies(CABF_EV),
    ],
  });

  it('rejects what is not a certificate with INVALID_FORMAT', () => {
    expect(code(() => certificateFacts(new Uint8Array(0)))).toBe('INVALID_FORMAT');
    expect(code(() => certificateFacts(Buffer.from('hello world')))).toBe('INVALID_FORMAT');
    expect(code(() => certificateFacts(Buffer.from('3003020101', 'hex')))).toBe('INVALID_FORMAT');
    expect(code(() => certificateFacts(Buffer.concat([good, Buffer.from([0])])))).toBe('INVALID_FORMAT');
  });

  it('never lets anything but a CertgridError out, whatever the bytes (every truncation, seeded bit flips)', () => {
    for (let len = 0; len < good.length; len++) {
      expect(code(() => certificateFacts(good.subarray(0, len)))).toBe('INVALID_FORMAT');
    }
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const bad = Buffer.from(good);
      for (let j = 0; j < 1 + rand(3); j++) bad[rand(bad.length)] ^= 1 << rand(8);
      try {
        certificateFacts(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(CertgridError);
        expect((e as CertgridError).code).toBe('INVALID_FORMAT');
      }
    }
  });

  it('rejects a repeated extension and a malformed value of an extension it reads, skips others', () => {
    const dup = leafOf(name([[OIDS.CN, 'd']]), { extensions: [policies(CABF_EV), policies(CABF_EV)] });
    expect(code(() => certificateFacts(dup))).toBe('INVALID_FORMAT');
    const badSan = leafOf(name([[OIDS.CN, 'd']]), {
      extensions: [ext(id_ce_subjectAltName, Buffer.from('0403616263', 'hex'))],
    });
    expect(code(() => certificateFacts(badSan))).toBe('INVALID_FORMAT');
    const unknown = leafOf(name([[OIDS.CN, 'd']]), {
      extensions: [ext('1.3.6.1.4.1.99999.7', Buffer.from('ffff', 'hex'), true)],
    });
    expect(certificateFacts(unknown).subject.name).toBe('d');
  });

  it('throws TypeError for an argument that is not bytes', () => {
    expect(() => certificateFacts('30' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('keeps its own copy of the DER', () => {
    const input = Buffer.from(good);
    const f = certificateFacts(input);
    input.fill(0);
    expect(f.der.equals(good)).toBe(true);
    expect(f.subjectDer.equals(nameDer(name([[OIDS.CN, 'good']])))).toBe(true);
  });
});
