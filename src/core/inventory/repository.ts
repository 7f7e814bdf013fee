/**
 * What the inventory use cases need from storage. Declared here (the consumer), implemented in
 * store/repos/inventory-repository.ts.
 */
import type { Expression, SqlBool } from 'kysely';

/** How a certificate reached the inventory (the v2 `sources` list). */
export type CertificateSource = 'CA' | 'IMPORT' | 'SCAN';

export interface NameParts {
  readonly name: string;
  readonly organization: string;
  readonly organizationUnit: readonly string[];
  readonly locality: string;
  readonly state: string;
  readonly country: string;
}

/** A certificate as ingested: every field computed from its DER by certificateFacts(). */
export interface NewCertificate {
  readonly certhash: string;
  readonly der: Buffer;
  readonly serialNumber: string;
  readonly keyAlgorithm: string;
  readonly keySize: number;
  readonly signatureAlgorithm: string;
  readonly certType: 'Leaf' | 'Intermediate' | 'Root';
  readonly selfSigned: boolean;
  readonly isCa: boolean;
  readonly extendedValidation: boolean;
  readonly validFrom: number;
  readonly validTo: number;
  readonly subject: NameParts;
  readonly issuer: NameParts;
  readonly subjectDn: string;
  readonly issuerDn: string;
  readonly sanDns: readonly string[];
  readonly sanIp: readonly string[];
  readonly sanEmail: readonly string[];
  readonly sanUri: readonly string[];
  readonly keyUsage: readonly string[];
  readonly enhancedKeyUsage: readonly string[];
  readonly subjectKeyId: string | null;
  readonly authKeyId: string | null;
}

/** Where a certificate was seen: an asset (imports may name only that) and, for scans, a host instance on it. */
export interface Sighting {
  readonly assetName: string;
  readonly address?: string | undefined;
  readonly hostname?: string | undefined;
  readonly operatingSystem?: string | undefined;
  readonly netbiosName?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  /** Managed assets are scanned or registered; unmanaged ones are only known from imports. */
  readonly managed?: boolean | undefined;
  readonly instance?: InstanceSighting | undefined;
}

export interface InstanceSighting {
  readonly port: number;
  readonly protocol?: string | undefined;
  readonly fqdn?: string | undefined;
  readonly service?: string | undefined;
  readonly grade?: string | undefined;
  readonly sslProtocols?: readonly string[] | undefined;
  /** When given, replaces the instance's vulnerability list. */
  readonly vulnerabilities?: readonly VulnerabilityRecord[] | undefined;
}

export interface UpsertItem {
  readonly certificate: NewCertificate;
  readonly seenOn?: Sighting | undefined;
  /** When this certificate was seen, if not at the batch's time (an issued one: its issuance). */
  readonly seenAt?: number | undefined;
}

export interface UpsertBatch {
  readonly accountId: number;
  readonly source: CertificateSource;
  readonly seenAt: number;
  readonly items: readonly UpsertItem[];
}

/** A certificate the CA issued (an order), as the issuance feed delivers it to the inventory. */
export interface IssuedCertificate {
  readonly orderId: number;
  readonly accountId: number;
  readonly der: Uint8Array;
  readonly issuedAt: number;
  /** The issuing CA's certificate, then its parents up to the root. */
  readonly caChain: readonly Uint8Array[];
}

export interface UpsertResult {
  readonly certhash: string;
  readonly id: number;
  /** False when the certificate was already known (its lastFound moved). */
  readonly inserted: boolean;
}

/** A stored certificate with everything the CertView views show. */
export interface CertificateRecord extends Omit<NewCertificate, 'sanEmail' | 'sanUri'> {
  readonly id: number;
  readonly accountId: number;
  readonly root: NameParts;
  readonly issuerCerthash: string | null;
  readonly rootCerthash: string | null;
  readonly issuerCategory: 'approved' | 'unapproved' | 'self-signed';
  readonly sources: readonly CertificateSource[];
  readonly imported: boolean;
  readonly orderStatus: string;
  readonly instanceCount: number;
  readonly assetCount: number;
  readonly firstFound: number;
  readonly lastFound: number;
  readonly created: number;
  readonly updated: number;
}

export interface TagRecord {
  readonly name: string;
  readonly uuid: string;
}

export interface VulnerabilityRecord {
  readonly qid: number;
  readonly title: string;
  readonly severity: number;
}

export interface HostInstanceRecord {
  readonly id: number;
  readonly port: number;
  readonly protocol: string;
  readonly fqdn: string;
  readonly service: string;
  readonly grade: string;
  readonly sslProtocols: readonly string[];
  readonly vulnerabilities: readonly VulnerabilityRecord[];
}

export interface AssetRecord {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly netbiosName: string;
  readonly operatingSystem: string;
  readonly primaryIp: string;
  readonly managed: boolean;
  readonly certificateCount: number;
  readonly created: number;
  readonly updated: number;
  readonly interfaces: readonly { readonly hostname: string; readonly address: string }[];
  readonly tags: readonly TagRecord[];
  /** Only the host instances on which the certificate in question was found. */
  readonly hostInstances: readonly HostInstanceRecord[];
}

/** A page request: `where` is a compiled QQL predicate over the `certificates` table (alias `c`). */
export interface CertificatePage {
  readonly accountId: number;
  readonly where?: Expression<SqlBool> | undefined;
  readonly orderBy: readonly { readonly column: string; readonly direction: 'asc' | 'desc' }[];
  readonly offset: number;
  readonly limit: number;
}

export interface AssetPage {
  readonly accountId: number;
  readonly certificateId: number;
  /** A compiled predicate over the `assets` table (alias `a`). */
  readonly where?: Expression<SqlBool> | undefined;
  readonly orderBy: readonly { readonly column: string; readonly direction: 'asc' | 'desc' }[];
  readonly offset: number;
  readonly limit: number;
}

export interface InventoryRepository {
  /**
   * Inserts new certificates and moves lastFound of known ones (idempotent by certhash), links
   * each to its issuer and root when known (in either arrival order), records the sighting on the
   * asset when one is given, and recomputes issuerCategory for every certificate touched.
   */
  upsertCertificates(batch: UpsertBatch): Promise<UpsertResult[]>;
  /** Whether the CA issued certificates the inventory has not recorded yet (one indexed probe). */
  hasUnrecordedIssued(): Promise<boolean>;
  /**
   * Records the next certificates the CA issued, oldest first, up to `limit`, in one transaction
   * with the feed's cursor: one worker at a time, none lost, none recorded twice. `toBatches` turns
   * them into upserts (the core parses certificates, the store does not). Returns how many it read.
   */
  recordIssued(
    limit: number,
    toBatches: (issued: readonly IssuedCertificate[]) => readonly UpsertBatch[],
  ): Promise<number>;
  listCertificates(page: CertificatePage): Promise<CertificateRecord[]>;
  findCertificate(accountId: number, certhash: string): Promise<CertificateRecord | null>;
  /** Assets of the given certificates, each with its host instances where that certificate was seen. */
  assetsOfCertificates(
    accountId: number,
    certificateIds: readonly number[],
  ): Promise<Map<number, AssetRecord[]>>;
  listAssetsOfCertificate(page: AssetPage): Promise<AssetRecord[]>;
  /** The account's approved CA list (certhashes); certgrid's own CAs are always approved. */
  approveCa(accountId: number, certhash: string, at: number): Promise<void>;
  /** Sets a certificate's `orderStatus` (enrollment orders); false when the account has no such certificate. */
  setOrderStatus(accountId: number, certhash: string, status: string, at: number): Promise<boolean>;
}
