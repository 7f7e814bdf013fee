import type { InventoryDeps } from './deps.js';
import { certificateFacts } from './certificate-facts.js';
import { toNewCertificate } from './ingest.js';
import type { UpsertItem } from './repository.js';

interface Waiting {
  readonly item: UpsertItem;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * What the CA side calls after it issues a certificate (the Grid's IssuedCertificateSink), so the
 * inventory shows it at once.
 *
 * - Leaves issued in the same event-loop turn are stored in one upsert per account, as the Grid's
 *   orders are (group commit): one transaction per certificate cost issuance three quarters of its
 *   throughput.
 * - The first leaf of an account in this process also brings certgrid's own CA chain, so leaves
 *   link to their issuer and root, instead of rewriting the CA rows on every issuance. Re-adding the
 *   chain from another process is harmless: upserts are idempotent.
 */
export function createIssuedRecorder(
  deps: InventoryDeps,
  chain: () => Promise<readonly Uint8Array[]>,
): { recordIssued(accountId: number, leafDer: Uint8Array): Promise<void> } {
  const withChain = new Set<number>();
  const queues = new Map<number, Waiting[]>();

  async function flush(accountId: number): Promise<void> {
    const batch = queues.get(accountId) ?? [];
    queues.delete(accountId);
    try {
      const items = batch.map((w) => w.item);
      if (!withChain.has(accountId)) {
        for (const der of await chain()) items.push({ certificate: toNewCertificate(certificateFacts(der)) });
      }
      await deps.repo.upsertCertificates({
        accountId,
        source: 'CA',
        seenAt: deps.clock.now().getTime(),
        items,
      });
      withChain.add(accountId);
      for (const w of batch) w.resolve();
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }

  return {
    recordIssued(accountId, leafDer) {
      // Parsed here, so a malformed certificate fails its own request, not its neighbours'.
      const item = { certificate: toNewCertificate(certificateFacts(leafDer)) };
      return new Promise<void>((resolve, reject) => {
        const queue = queues.get(accountId);
        if (queue !== undefined) {
          queue.push({ item, resolve, reject });
          return;
        }
        queues.set(accountId, [{ item, resolve, reject }]);
        setImmediate(() => void flush(accountId));
      });
    },
  };
}
