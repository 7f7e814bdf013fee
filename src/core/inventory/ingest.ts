import { CertgridError } from '../errors.js';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';
import { readCertificates } from './certificate-input.js';
import type { InventoryDeps } from './deps.js';
import type { CertificateSource, NewCertificate, Sighting, UpsertResult } from './repository.js';

/** The stored form of a certificate: every column derived from its facts, none typed in. */
export function toNewCertificate(f: CertificateFacts): NewCertificate {
  const parts = (n: CertificateFacts['subject']) => ({
    name: n.name,
    organization: n.organization,
    organizationUnit: n.organizationUnit,
    locality: n.locality,
    state: n.state,
    country: n.country,
  });
  return {
    certhash: f.certhash,
    der: f.der,
    serialNumber: f.serialNumber,
    keyAlgorithm: f.keyAlgorithm,
    keySize: f.keySize,
    signatureAlgorithm: f.signatureAlgorithm,
    certType: f.type,
    selfSigned: f.selfSigned,
    isCa: f.isCa,
    extendedValidation: f.extendedValidation,
    validFrom: f.notBefore,
    validTo: f.notAfter,
    subject: parts(f.subject),
    issuer: parts(f.issuer),
    subjectDn: f.subject.dn,
    issuerDn: f.issuer.dn,
    sanDns: f.subjectAlternativeNames.dns,
    sanIp: f.subjectAlternativeNames.ip,
    sanEmail: f.subjectAlternativeNames.email,
    sanUri: f.subjectAlternativeNames.uri,
    keyUsage: f.keyUsage,
    enhancedKeyUsage: f.enhancedKeyUsage,
    subjectKeyId: f.subjectKeyIdentifier,
    authKeyId: f.authKeyIdentifier,
  };
}

export interface ImportInput {
  readonly accountId: number;
  /** One file's content: PEM (one or many blocks), DER, base64 DER or a PKCS#7 bundle. */
  readonly content: Uint8Array | string;
  /** Attach every certificate of the file to this asset. */
  readonly asset?: Sighting | undefined;
  readonly source?: CertificateSource | undefined;
}

export interface ImportResult {
  readonly certificates: readonly UpsertResult[];
  /** How many were new to the inventory (the rest only had lastFound moved). */
  readonly added: number;
}

/**
 * Imports one file's certificates (a bundle's chain included). Re-importing is idempotent: the
 * same certhash is the same row, and only lastFound moves.
 * @throws CertgridError INVALID_FORMAT when the content holds no certificate or a broken one.
 */
export async function importCertificates(deps: InventoryDeps, input: ImportInput): Promise<ImportResult> {
  const ders = readCertificates(input.content);
  const items = ders.map((der) => ({
    certificate: toNewCertificate(certificateFacts(der)),
    seenOn: input.asset,
  }));
  const results = await deps.repo.upsertCertificates({
    accountId: input.accountId,
    source: input.source ?? 'IMPORT',
    seenAt: deps.clock.now().getTime(),
    items,
  });
  return { certificates: results, added: results.filter((r) => r.inserted).length };
}

export interface ScanSightingInput {
  readonly accountId: number;
  /** Every certificate the endpoint served, in every chain (DER). */
  readonly certificates: readonly Uint8Array[];
  /** The asset (by address, with the scanned hostname) and the host instance it was seen on. */
  readonly seenOn: Sighting;
}

/**
 * Records what a TLS scan saw: every served certificate on the endpoint's asset and host instance,
 * with the instance's grade, protocols and vulnerabilities. A certificate the inventory cannot parse
 * is left out (a server may send anything); the others are still recorded. Resolves to the number
 * of certificates recorded.
 */
export async function recordScan(deps: InventoryDeps, input: ScanSightingInput): Promise<number> {
  const items = [];
  const seen = new Set<string>();
  for (const der of input.certificates) {
    let certificate;
    try {
      certificate = toNewCertificate(certificateFacts(der));
    } catch {
      continue;
    }
    if (seen.has(certificate.certhash)) continue;
    seen.add(certificate.certhash);
    items.push({ certificate, seenOn: input.seenOn });
  }
  if (items.length === 0) return 0;
  await deps.repo.upsertCertificates({
    accountId: input.accountId,
    source: 'SCAN',
    seenAt: deps.clock.now().getTime(),
    items,
  });
  return items.length;
}

export function assertCerthash(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new CertgridError('INVALID_ARGUMENT', 'certhash: must be 64 hexadecimal characters', {
      field: 'certhash',
      data: { value: String(value).slice(0, 80) },
    });
  }
  return value.toLowerCase();
}
