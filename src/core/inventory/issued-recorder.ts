import type { InventoryDeps } from './deps.js';
import { recordIssued } from './ingest.js';

/**
 * What the CA side calls after it issues a certificate (the Grid's IssuedCertificateSink), so the
 * inventory shows it at once. The first leaf of an account in this process also brings certgrid's
 * own CA chain (so leaves link to their issuer and root), instead of rewriting the CA rows on every
 * issuance. Re-adding the chain from another process is harmless: upserts are idempotent.
 */
export function createIssuedRecorder(
  deps: InventoryDeps,
  chain: () => Promise<readonly Uint8Array[]>,
): { recordIssued(accountId: number, leafDer: Uint8Array): Promise<void> } {
  const withChain = new Set<number>();
  return {
    async recordIssued(accountId, leafDer) {
      const first = !withChain.has(accountId);
      await recordIssued(deps, accountId, leafDer, first ? await chain() : []);
      withChain.add(accountId);
    },
  };
}
