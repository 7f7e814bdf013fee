/**
 * Inventory records → CertView wire objects, named and typed exactly as the spec's samples
 * (chapter 2): epoch milliseconds for dates in v1, `"DNS Name"`/`"IP Address"` SAN keys that are
 * always present (null when empty), PEM `rawData`. The v2 item has a fixed key set, because strict
 * clients reject unknown keys.
 */
import { toPem } from '../../core/ca/pem.js';
import type {
  AssetRecord,
  CertificateRecord,
  CertificateWithAssets,
  HostInstanceRecord,
  NameParts,
} from '../../core/inventory/index.js';

function nameObject(n: NameParts, certhash?: string | null) {
  return {
    organization: n.organization,
    organizationUnit: [...n.organizationUnit],
    name: n.name,
    country: n.country,
    state: n.state,
    ...(certhash === undefined ? {} : { certhash }),
    locality: n.locality,
  };
}

const orNull = (list: readonly string[]): string[] | null => (list.length === 0 ? null : [...list]);

function hostInstanceV1(i: HostInstanceRecord) {
  return {
    protocol: i.protocol,
    sslProtocols: [...i.sslProtocols],
    port: i.port,
    grade: i.grade,
    service: i.service,
    fqdn: i.fqdn,
    vulnerabilities: i.vulnerabilities.map((v) => ({ title: v.title, severity: v.severity, qid: v.qid })),
    vulnCount: i.vulnerabilities.length,
  };
}

function interfaces(a: AssetRecord) {
  return a.interfaces.map((i) => ({ hostname: i.hostname, address: i.address }));
}

function tags(a: AssetRecord) {
  return a.tags.map((t) => ({ name: t.name, uuid: t.uuid }));
}

/** An asset inside a v1 certificate: everything the sample shows. */
function assetInCertificateV1(a: AssetRecord) {
  return {
    netbiosName: a.netbiosName,
    assetId: a.uuid,
    name: a.name,
    operatingSystem: a.operatingSystem,
    tags: tags(a),
    hostInstances: a.hostInstances.map(hostInstanceV1),
    created: a.created,
    updated: a.updated,
    assetInterfaces: interfaces(a),
    certificateCount: a.certificateCount,
  };
}

/** POST /certview/v1/certificates, certificateDetails basic or extended. */
export function certificateV1(item: CertificateWithAssets, details: 'basic' | 'extended') {
  const c = item.certificate;
  const basic = {
    keySize: c.keySize,
    subject: {
      organization: c.subject.organization,
      locality: c.subject.locality,
      name: c.subject.name,
      state: c.subject.state,
      country: c.subject.country,
      organizationUnit: [...c.subject.organizationUnit],
    },
    validFrom: c.validFrom,
    signatureAlgorithm: c.signatureAlgorithm,
    issuer: nameObject(c.issuer, c.issuerCerthash),
    rootissuer: nameObject(c.root, c.rootCerthash),
    instanceCount: c.instanceCount,
    dn: c.subjectDn,
    certhash: c.certhash,
    assets: item.assets.map(assetInCertificateV1),
    selfSigned: c.selfSigned,
    validTo: c.validTo,
    issuerCategory: c.issuerCategory,
    subjectAlternativeNames: { 'IP Address': orNull(c.sanIp), 'DNS Name': orNull(c.sanDns) },
    lastFound: c.lastFound,
    extendedValidation: c.extendedValidation,
    orderStatus: c.orderStatus,
  };
  if (details === 'basic') return basic;
  return {
    ...basic,
    serialNumber: c.serialNumber,
    keyUsage: [...c.keyUsage],
    rawData: toPem(c.der, 'CERTIFICATE').trimEnd(),
    enhancedKeyUsage: [...c.enhancedKeyUsage],
    subjectKeyIdentifier: c.subjectKeyId,
    authKeyIdentifier: c.authKeyId,
  };
}

/** What the v1 assets endpoint's `attributes` may add to each asset. */
export type AssetAttribute = 'tags' | 'hostInstances';

/** POST /certview/v1/certificates/{certhash}/assets: the sample's fields, plus what `attributes` asks. */
export function assetV1(a: AssetRecord, attributes: readonly AssetAttribute[]) {
  return {
    netbiosName: a.netbiosName,
    assetId: a.uuid,
    name: a.name,
    operatingSystem: a.operatingSystem,
    created: a.created,
    updated: a.updated,
    assetInterfaces: interfaces(a),
    certificateCount: a.certificateCount,
    ...(attributes.includes('tags') ? { tags: tags(a) } : {}),
    ...(attributes.includes('hostInstances') ? { hostInstances: a.hostInstances.map(hostInstanceV1) } : {}),
  };
}

/** ISO-8601 with an explicit offset, as v2 clients parse it: 2030-01-01T01:00:00.000+00:00. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

/** The v2 item's keys, in order; nothing else is ever sent. */
export const V2_KEYS = [
  'id',
  'certhash',
  'keySize',
  'serialNumber',
  'validToDate',
  'validTo',
  'validFromDate',
  'validFrom',
  'signatureAlgorithm',
  'extendedValidation',
  'createdDate',
  'dn',
  'subject',
  'updateDate',
  'lastFound',
  'imported',
  'selfSigned',
  'issuer',
  'issuerCategory',
  'instanceCount',
  'assetCount',
  'sources',
  'assets',
  'type',
  'rootissuer',
] as const;
export type V2Key = (typeof V2_KEYS)[number];

export const V2_INCLUDES = [
  'ASSET_INTERFACES',
  'ASSET_TAGS',
  'VULNERABILITIES',
  'SSL_PROTOCOLS',
  'CIPHER_SUITES',
  'EXTENSIVE_CERTIFICATE_INFO',
] as const;
export type V2Include = (typeof V2_INCLUDES)[number];

function assetV2(a: AssetRecord, includes: ReadonlySet<V2Include>) {
  return {
    id: a.id,
    uuid: a.uuid,
    netbiosName: a.netbiosName,
    name: a.name,
    operatingSystem: a.operatingSystem,
    hostInstances: a.hostInstances.map((i) => ({
      id: i.id,
      port: i.port,
      fqdn: i.fqdn,
      protocol: i.protocol,
      service: i.service,
      grade: i.grade,
    })),
    assetInterfaces: includes.has('ASSET_INTERFACES') ? interfaces(a) : [],
    tags: includes.has('ASSET_TAGS') ? tags(a) : [],
    primaryIp: a.primaryIp,
  };
}

/** POST /certview/v2/certificates (and v1 with a structured filter asking for v2 items). */
export function certificateV2(
  item: CertificateWithAssets,
  includes: ReadonlySet<V2Include>,
  exclude: ReadonlySet<V2Key>,
): Partial<Record<V2Key, unknown>> {
  const c: CertificateRecord = item.certificate;
  const full: Record<V2Key, unknown> = {
    id: c.id,
    certhash: c.certhash,
    keySize: c.keySize,
    serialNumber: c.serialNumber,
    validToDate: isoDate(c.validTo),
    validTo: c.validTo,
    validFromDate: isoDate(c.validFrom),
    validFrom: c.validFrom,
    signatureAlgorithm: c.signatureAlgorithm,
    extendedValidation: c.extendedValidation,
    createdDate: isoDate(c.created),
    dn: c.subjectDn,
    subject: nameObject(c.subject),
    updateDate: isoDate(c.updated),
    lastFound: c.lastFound,
    imported: c.imported,
    selfSigned: c.selfSigned,
    issuer: nameObject(c.issuer, c.issuerCerthash),
    issuerCategory: c.issuerCategory,
    instanceCount: c.instanceCount,
    assetCount: c.assetCount,
    sources: [...c.sources],
    assets: item.assets.map((a) => assetV2(a, includes)),
    type: c.certType,
    rootissuer: nameObject(c.root, c.rootCerthash),
  };
  if (exclude.size === 0) return full;
  const out: Partial<Record<V2Key, unknown>> = {};
  for (const k of V2_KEYS) if (!exclude.has(k)) out[k] = full[k];
  return out;
}
