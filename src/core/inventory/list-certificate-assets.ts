import { assetSortColumn, compileAssetFilter, type QqlNode } from '../query/index.js';
import type { InventoryDeps } from './deps.js';
import { checkWindow } from './list-certificates.js';
import type { AssetRecord } from './repository.js';

export interface ListCertificateAssetsInput {
  readonly accountId: number;
  readonly certhash: string;
  readonly filter?: QqlNode | undefined;
  readonly pageNumber: number;
  readonly pageSize: number;
  /** Default: updated desc (spec, "List Assets for a Certificate"). */
  readonly sort?: readonly { readonly token: string; readonly direction: 'asc' | 'desc' }[] | undefined;
}

/**
 * The assets on which one certificate was found, a page at a time: the spec's answer for
 * certificates with more assets than fit in one certificate listing.
 */
export async function listCertificateAssets(
  deps: InventoryDeps,
  input: ListCertificateAssetsInput,
): Promise<AssetRecord[]> {
  checkWindow(input.pageNumber, input.pageSize);
  const certificate = await deps.repo.findCertificate(input.accountId, input.certhash);
  // Like a page past the end: an unknown certhash has no assets (CertView has no code for it).
  if (certificate === null) return [];
  const orderBy = (input.sort ?? [{ token: 'updated', direction: 'desc' as const }]).map((s) => ({
    column: assetSortColumn(s.token),
    direction: s.direction,
  }));
  return deps.repo.listAssetsOfCertificate({
    accountId: input.accountId,
    certificateId: certificate.id,
    where: compileAssetFilter(input.filter, { now: deps.clock.now().getTime() }),
    orderBy,
    offset: input.pageNumber * input.pageSize,
    limit: input.pageSize,
  });
}
