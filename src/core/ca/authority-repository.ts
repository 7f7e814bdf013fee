/**
 * What the certificate authority service (authority.ts) needs from storage. Declared here (the
 * consumer), implemented in store/repos/ca-repository.ts.
 */
import type { CertStatus, RevokedEntry } from './types.js';

export interface CaRecord {
  /** URL slug: `root`, `issuing-1`. */
  readonly id: string;
  readonly role: 'root' | 'intermediate';
  readonly parentId: string | null;
  readonly certDer: Buffer;
  /** PKCS#8 ENCRYPTED PRIVATE KEY PEM; never plaintext. */
  readonly keyPem: string;
  readonly keyType: string;
  readonly certhash: string;
  readonly serialHex: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly active: boolean;
  readonly createdAt: Date;
}

export interface CrlRecord {
  readonly caId: string;
  readonly crlNumber: number;
  readonly der: Buffer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** A certificate's status as the CA knows it, with the CA that issued it. */
export type KnownCertStatus = Exclude<CertStatus, { status: 'unknown' }> & { readonly caId: string };

export interface CaRepository {
  listCas(): Promise<CaRecord[]>;
  /**
   * Stores a new hierarchy and its first CRLs atomically. False (and nothing written) when CAs
   * already exist, e.g. another node initialised first.
   */
  insertHierarchy(cas: readonly CaRecord[], crls: readonly CrlRecord[]): Promise<boolean>;
  getCrl(caId: string): Promise<CrlRecord | null>;
  /**
   * Stores a CRL unless one with an equal or higher number is already stored (CRL numbers
   * only grow, RFC 5280 §5.2.3, even with several nodes regenerating). True when stored.
   */
  saveCrl(crl: CrlRecord): Promise<boolean>;
  /** Every revoked certificate a CA issued, for its CRL. */
  listRevoked(caId: string): Promise<RevokedEntry[]>;
  /** Status of the given serials (normalised uppercase hex); serials the CA never issued are absent. */
  findStatuses(serials: readonly string[]): Promise<Map<string, KnownCertStatus>>;
}
