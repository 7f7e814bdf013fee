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
  const byAccount = new Map<number, { items: UpsertItem[]; seenAt: number; chains: Set<Uint8Array> }>();
  for (const c of issued) {
    const group = byAccount.get(c.accountId) ?? { items: [], seenAt: 0, chains: new Set() };
    byAccount.set(c.accountId, group);
    const certificate = parsed(c.der);
    // Cannot happen for certgrid's own CA; skipped rather than stop the feed for every later order.
    if (certificate === undefined) continue;
    group.items.push({ certificate, seenAt: c.issuedAt });
    group.seenAt = Math.max(group.seenAt, c.issuedAt);
    for (const der of c.caChain) group.chains.add(der);
  }
  return [...byAccount].map(([accountId, g]) => {
    const chain = uniqueByContent([...g.chains]).flatMap((der) => {
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

function uniqueByContent(ders: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const der of ders) seen.set(Buffer.from(der).toString('base64'), der);
  return [...seen.values()];
}
