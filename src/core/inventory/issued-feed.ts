import type { InventoryDeps } from './deps.js';
import { certificateFacts } from './certificate-facts.js';
import { toNewCertificate } from './ingest.js';
import type { IssuedCertificate, NewCertificate, UpsertBatch, UpsertItem } from './repository.js';

/**
 * Orders recorded per transaction: enough to amortise a commit, few enough that the write lock is
 * held ~20 ms. On SQLite a worker waiting for that lock waits with its event loop blocked, so a
 * thousand per transaction had put 200 ms stalls into the other worker's issuance latency.
 */
const FEED_BATCH = 200;

/**
 * How certificates the CA issues reach the inventory: the CA's orders are a transactional outbox.
 * Issuance writes only its order (recording each certificate in the request had cost issuance 40%
 * of its throughput: an inventory row is wide and indexed many ways, and small batches paid a
 * commit each). The inventory follows the orders instead:
 *
 * - `catchUp()` records every order after the feed's cursor, 200 per transaction, with the
 *   certificate's CA chain so leaves link to certgrid's root. Every inventory read calls it first,
 *   so a certificate issued before a read is in that read's answer (in any worker: the cursor is in
 *   the store). A server also calls it on a timer, so reads rarely find work to do.
 * - Concurrent calls in one process share a run; a call made while a run is under way waits for the
 *   next one, which starts after the current one and so sees every order committed before the call.
 */
export function createIssuedFeed(
  deps: InventoryDeps,
  opts: { readonly batch?: number } = {},
): { catchUp(): Promise<number> } {
  const batch = opts.batch ?? FEED_BATCH;
  let running: Promise<number> | undefined;
  let next: Promise<number> | undefined;

  async function run(): Promise<number> {
    let recorded = 0;
    if (!(await deps.repo.hasUnrecordedIssued())) return 0;
    for (;;) {
      const n = await deps.repo.recordIssued(batch, toBatches);
      recorded += n;
      if (n < batch) return recorded;
      // Let waiting requests run between transactions.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  function start(): Promise<number> {
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    catchUp() {
      if (running === undefined) return start();
      next ??= running
        .catch(() => 0)
        .then(() => {
          next = undefined;
          return start();
        });
      return next;
    },
  };
}

/** One upsert per account; each certificate is dated by its issuance, and each batch carries the CA chains. */
function toBatches(issued: readonly IssuedCertificate[]): UpsertBatch[] {
  type Group = { items: UpsertItem[]; seenAt: number; chain: Map<string, Uint8Array> };
  const byAccount = new Map<number, Group>();
  for (const c of issued) {
    const certificate = parsed(c.der);
    // Cannot happen for certgrid's own CA; skipped rather than stop the feed for every later order.
    if (certificate === undefined) continue;
    const group: Group = byAccount.get(c.accountId) ?? { items: [], seenAt: c.issuedAt, chain: new Map() };
    byAccount.set(c.accountId, group);
    group.items.push({ certificate, seenAt: c.issuedAt });
    group.seenAt = Math.max(group.seenAt, c.issuedAt);
    // The same CA certificates come with every order: each once per batch, by content.
    for (const der of c.caChain) group.chain.set(Buffer.from(der).toString('base64'), der);
  }
  return [...byAccount].map(([accountId, g]) => {
    const chain = [...g.chain.values()].flatMap((der) => {
      const certificate = parsed(der);
      return certificate === undefined ? [] : [{ certificate }];
    });
    return { accountId, source: 'CA', seenAt: g.seenAt, items: [...chain, ...g.items] };
  });
}

function parsed(der: Uint8Array): NewCertificate | undefined {
  try {
    return toNewCertificate(certificateFacts(der));
  } catch {
    return undefined;
  }
}
