/**
 * Group commit: writes that arrive in the same turn of the event loop share one transaction.
 *
 * Why: on SQLite every transaction costs a BEGIN, a COMMIT (a WAL append) and Kysely's per-query
 * overhead, which is a third of a client certificate's issuance time. The HTTP server handles
 * every socket that became readable in one poll phase before `setImmediate` callbacks run, so
 * under load the certificates of many concurrent requests commit together; at low load a batch is
 * one write and only an event-loop turn is added.
 *
 * A batch is all-or-nothing; when it fails (one row's serial collides, say) each write is replayed
 * in its own transaction so it gets its own result and its neighbours are not failed with it.
 */
interface Pending<I, R> {
  readonly item: I;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

export interface GroupCommitOptions<I, R> {
  /** Writes every item in one transaction, returning results in order; throws to reject the batch. */
  readonly batch: (items: readonly I[]) => Promise<R[]>;
  /** Writes one item in its own transaction. */
  readonly single: (item: I) => Promise<R>;
  /** Upper bound on one transaction's size, so one commit never holds the writer for long. */
  readonly maxBatch?: number;
}

export function createGroupCommit<I, R>(opts: GroupCommitOptions<I, R>): (item: I) => Promise<R> {
  const maxBatch = opts.maxBatch ?? 256;
  let queue: Pending<I, R>[] = [];
  let scheduled = false;

  const one = (p: Pending<I, R>): Promise<void> => opts.single(p.item).then(p.resolve, p.reject);

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
    if (queue.length > 0) schedule();
    if (batch.length === 1) return one(batch[0] as Pending<I, R>);
    let results: R[] | undefined;
    try {
      results = await opts.batch(batch.map((p) => p.item));
    } catch {
      results = undefined;
    }
    if (results !== undefined && results.length === batch.length) {
      batch.forEach((p, i) => p.resolve(results[i] as R));
      return;
    }
    for (const p of batch) await one(p);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
