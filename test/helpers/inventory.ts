import { createHash } from 'node:crypto';
import type { NameParts, NewCertificate } from '../../src/core/inventory/repository.js';

const DAY = 86_400_000;

export const name = (cn: string, o = '', extra: Partial<NameParts> = {}): NameParts => ({
  name: cn,
  organization: o,
  organizationUnit: [],
  locality: '',
  state: '',
  country: '',
  ...extra,
});

/**
 * A stored-certificate row for repository and query tests. The repository never parses DER, so
 * these rows carry placeholder bytes; tests of parsing use real certificates (test/unit/inventory).
 */
export function syntheticCertificate(
  label: string,
  now: number,
  over: Partial<NewCertificate> & { validForDays?: number } = {},
): NewCertificate {
  const certhash = createHash('sha256').update(label).digest('hex');
  const subject = over.subject ?? name(label);
  const issuer = over.issuer ?? name('Example Issuing CA', 'Example CA Org');
  const { validForDays, ...rest } = over;
  return {
    certhash,
    der: Buffer.from(label),
    serialNumber: certhash.slice(0, 32),
    keyAlgorithm: 'RSA',
    keySize: 2048,
    signatureAlgorithm: 'SHA256withRSA',
    certType: 'Leaf',
    selfSigned: false,
    isCa: false,
    extendedValidation: false,
    validFrom: now - 30 * DAY,
    validTo: now + (validForDays ?? 365) * DAY,
    subject,
    issuer,
    subjectDn: `CN=${subject.name}${subject.organization ? `, O=${subject.organization}` : ''}`,
    issuerDn: `CN=${issuer.name}${issuer.organization ? `, O=${issuer.organization}` : ''}`,
    sanDns: [],
    sanIp: [],
    sanEmail: [],
    sanUri: [],
    keyUsage: ['Digital signature', 'Key encipherment'],
    enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    subjectKeyId: createHash('sha1').update(`ski ${label}`).digest('hex'),
    authKeyId: null,
    ...rest,
  };
}
