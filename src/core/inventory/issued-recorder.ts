import type { InventoryDeps } from './deps.js';
import { recordIssued } from './ingest.js';

/** What the CA side calls after it issues a certificate, so the inventory shows it at once. */
export interface IssuedCertificates {
  recordIssued(accountId: number, leafDer: Uint8Array): Promise<void>;
}

/**
 * Records issued leaves, adding certgrid's own CA chain to an account's inventory with its first
 * leaf in this process (so the leaf links to its issuer and root) instead of rewriting the CA rows
 * on every issuance. Re-adding the chain from another process is harmless: upserts are idempotent.
 */
export function createIssuedRecorder(
  deps: InventoryDeps,
  chain: () => Promise<readonly Uint8Array[]>,
): IssuedCertificates {
  const withChain = new Set<number>();
  return {
    async recordIssued(accountId, leafDer) {
      const first = !withChain.has(accountId);
      await recordIssued(deps, accountId, leafDer, first ? await chain() : []);
      withChain.add(accountId);
    },
  };
}
