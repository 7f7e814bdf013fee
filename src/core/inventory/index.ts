/**
 * The certificate inventory: every certificate certgrid knows of (issued by its CA, imported, or
 * found on endpoints), keyed by certhash per account, with the assets and host instances where it
 * was seen.
 *
 * @example
 *   const inventory = createInventory({ repo: repos.inventory, clock: systemClock });
 *   await inventory.importCertificates({ accountId, content: pemText });
 *   const page = await inventory.listCertificates({ accountId, pageNumber: 0, pageSize: 10, withAssets: true });
 */
import type { InventoryDeps } from './deps.js';
import {
  importCertificates,
  recordScan,
  type ImportInput,
  type ImportResult,
  type ScanSightingInput,
} from './ingest.js';
import { createIssuedFeed } from './issued-feed.js';
import { listCertificateAssets, type ListCertificateAssetsInput } from './list-certificate-assets.js';
import {
  listCertificates,
  type CertificateWithAssets,
  type ListCertificatesInput,
} from './list-certificates.js';
import type { AssetRecord, CertificateRecord } from './repository.js';

export type { InventoryDeps } from './deps.js';
export type * from './repository.js';
export { certificateFacts, type CertificateFacts } from './certificate-facts.js';
export { readCertificates } from './certificate-input.js';
export { assertCerthash, toNewCertificate } from './ingest.js';
export {
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  WINDOW_MAX,
  checkWindow,
  type AssetType,
} from './list-certificates.js';
export type {
  CertificateWithAssets,
  ImportInput,
  ImportResult,
  ListCertificateAssetsInput,
  ListCertificatesInput,
  ScanSightingInput,
};

export interface Inventory {
  importCertificates(input: ImportInput): Promise<ImportResult>;
  listCertificates(input: ListCertificatesInput): Promise<CertificateWithAssets[]>;
  listCertificateAssets(input: ListCertificateAssetsInput): Promise<AssetRecord[]>;
  approveCa(accountId: number, certhash: string): Promise<void>;
  /**
   * Records the certificates the CA issued since the last call (see issued-feed.ts); reads do it
   * themselves, a server also calls it on a timer. Resolves to how many it recorded.
   */
  recordIssued(): Promise<number>;
  /** Records the certificates a TLS scan saw on a host instance (see ingest.ts). */
  recordScan(input: ScanSightingInput): Promise<number>;
  /** One certificate of the account, with what the CA issued recorded first; null when unknown. */
  findCertificate(accountId: number, certhash: string): Promise<CertificateRecord | null>;
  /**
   * Sets a certificate's `orderStatus` (`ISSUED`, `IN_RENEWAL`, `RENEWED`, or '' for none), recording
   * what the CA issued first so a certificate issued a moment ago is found. False when it is not known.
   */
  setOrderStatus(accountId: number, certhash: string, status: string): Promise<boolean>;
}

export function createInventory(deps: InventoryDeps): Inventory {
  const issued = createIssuedFeed(deps);
  // Every read first records what the CA issued, so a certificate issued before a read is in it.
  const current = async <T>(read: () => Promise<T>): Promise<T> => {
    await issued.catchUp();
    return read();
  };
  return {
    importCertificates: (input) => importCertificates(deps, input),
    listCertificates: (input) => current(() => listCertificates(deps, input)),
    listCertificateAssets: (input) => current(() => listCertificateAssets(deps, input)),
    recordIssued: () => issued.catchUp(),
    recordScan: (input) => recordScan(deps, input),
    approveCa: (accountId, certhash) => deps.repo.approveCa(accountId, certhash, deps.clock.now().getTime()),
    findCertificate: (accountId, certhash) => current(() => deps.repo.findCertificate(accountId, certhash)),
    setOrderStatus: (accountId, certhash, status) =>
      current(() => deps.repo.setOrderStatus(accountId, certhash, status, deps.clock.now().getTime())),
  };
}
