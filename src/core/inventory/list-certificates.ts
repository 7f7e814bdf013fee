import { CertgridError } from '../errors.js';
import { certificateSortColumn, compileCertificateFilter, type QqlNode } from '../query/index.js';
import type { InventoryDeps } from './deps.js';
import type { AssetRecord, CertificateRecord } from './repository.js';

/** CertView's paging rules (chapter 2): 0-based pages, 10 per page by default, at most 200. */
export const PAGE_SIZE_DEFAULT = 10;
export const PAGE_SIZE_MAX = 200;
/** Deep paging is refused past this many records, as the real service does (spec, "List Assets"). */
export const WINDOW_MAX = 10_000;

export type AssetType = 'MANAGED' | 'UNMANAGED' | 'ALL';

export interface ListCertificatesInput {
  readonly accountId: number;
  readonly filter?: QqlNode | undefined;
  readonly pageNumber: number;
  readonly pageSize: number;
  /** Sort keys as QQL tokens, first wins; default lastFound desc. */
  readonly sort?: readonly { readonly token: string; readonly direction: 'asc' | 'desc' }[] | undefined;
  readonly assetType?: AssetType | undefined;
  /** Load each certificate's assets (with host instances and vulnerabilities). */
  readonly withAssets: boolean;
}

export interface CertificateWithAssets {
  readonly certificate: CertificateRecord;
  readonly assets: readonly AssetRecord[];
}

/** Checks pageNumber/pageSize against CertView's rules; the error names the parameter. */
export function checkWindow(pageNumber: number, pageSize: number): void {
  if (!Number.isSafeInteger(pageNumber) || pageNumber < 0) {
    throw new CertgridError('INVALID_ARGUMENT', 'must be a whole number from 0', {
      field: 'pageNumber',
      data: { value: pageNumber },
    });
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE_MAX) {
    throw new CertgridError('INVALID_ARGUMENT', `must be 1-${PAGE_SIZE_MAX}`, {
      field: 'pageSize',
      data: { value: pageSize },
    });
  }
  if ((pageNumber + 1) * pageSize > WINDOW_MAX) {
    throw new CertgridError(
      'INVALID_ARGUMENT',
      `pageNumber and pageSize reach past the first ${WINDOW_MAX} records; narrow the filter instead`,
      { field: 'pageNumber', data: { value: pageNumber } },
    );
  }
}

export async function listCertificates(
  deps: InventoryDeps,
  input: ListCertificatesInput,
): Promise<CertificateWithAssets[]> {
  checkWindow(input.pageNumber, input.pageSize);
  const now = deps.clock.now().getTime();
  const orderBy = (input.sort ?? [{ token: 'lastFound', direction: 'desc' as const }]).map((s) => ({
    column: certificateSortColumn(s.token),
    direction: s.direction,
  }));
  const where = compileCertificateFilter(input.filter, {
    now,
    accountId: input.accountId,
    assetType: input.assetType ?? 'ALL',
  });
  const certificates = await deps.repo.listCertificates({
    accountId: input.accountId,
    where,
    orderBy,
    offset: input.pageNumber * input.pageSize,
    limit: input.pageSize,
  });
  if (!input.withAssets || certificates.length === 0) {
    return certificates.map((certificate) => ({ certificate, assets: [] }));
  }
  const assets = await deps.repo.assetsOfCertificates(
    input.accountId,
    certificates.map((c) => c.id),
  );
  return certificates.map((certificate) => ({ certificate, assets: assets.get(certificate.id) ?? [] }));
}
