import { ScanNetworkError, tcpDialer, type Dialer, type ProbeConnection, type Target } from './connection.js';

/**
 * The one owner of scan concurrency: every probe runs through `probe()`, which waits for a global slot
 * and a slot on its target, opens the probe's single connection, bounds it with a timeout, retries
 * transient connect failures, and always closes the connection. Probes never dial on their own, so
 * no scan can open more connections to a server than `perTarget` (sslyze's rule: one job, at most one
 * connection).
 */
export interface SchedulerOptions {
  /** Connections open at once across all targets. */
  readonly concurrency?: number;
  /** Connections open at once to one ip:port. */
  readonly perTarget?: number;
  /** Time for one probe, connect included. */
  readonly probeTimeoutMs?: number;
  /** Extra attempts after a connect timeout or reset before any byte was exchanged. */
  readonly retries?: number;
  readonly dialer?: Dialer;
}

export type ProbeFn<T> = (conn: ProbeConnection, signal: AbortSignal) => Promise<T>;

export interface Scheduler {
  /** Runs `fn` over one fresh connection to `target`. Rejects with ScanNetworkError on network failure. */
  probe<T>(target: Target, fn: ProbeFn<T>, signal?: AbortSignal): Promise<T>;
  /** Connections opened so far (for progress and benchmarks). */
  readonly connections: number;
}

export const SCHEDULER_DEFAULTS = {
  concurrency: 256,
  perTarget: 8,
  probeTimeoutMs: 5_000,
  retries: 1,
} as const;

/** A counting semaphore whose waiters leave the queue when their signal aborts. */
class Slots {
  private free: number;
  private readonly queue: { resolve: () => void; reject: (e: unknown) => void; signal: AbortSignal }[] = [];

  constructor(size: number) {
    this.free = size;
  }

  get idle(): boolean {
    return this.queue.length === 0;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, signal };
      this.queue.push(entry);
      signal.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(abortError(signal));
          }
        },
        { once: true },
      );
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next !== undefined) next.resolve();
    else this.free++;
  }
}

const abortError = (signal: AbortSignal): unknown =>
  signal.reason instanceof ScanNetworkError
    ? signal.reason
    : new ScanNetworkError('aborted', 'the scan was aborted');

/** A dial that failed this way may succeed on a second try; a failure after connecting is the probe's answer. */
class DialFailure {
  constructor(readonly error: unknown) {}
}
const transient = (e: unknown): boolean =>
  e instanceof DialFailure &&
  (ScanNetworkError.is(e.error, 'connect-timeout') || ScanNetworkError.is(e.error, 'connection-reset'));

export function createScheduler(options: SchedulerOptions = {}): Scheduler {
  const concurrency = options.concurrency ?? SCHEDULER_DEFAULTS.concurrency;
  const perTarget = options.perTarget ?? SCHEDULER_DEFAULTS.perTarget;
  const timeoutMs = options.probeTimeoutMs ?? SCHEDULER_DEFAULTS.probeTimeoutMs;
  const retries = options.retries ?? SCHEDULER_DEFAULTS.retries;
  const dialer = options.dialer ?? tcpDialer;
  const global = new Slots(concurrency);
  const targets = new Map<string, { slots: Slots; users: number }>();
  let connections = 0;

  const targetSlots = (key: string) => {
    let t = targets.get(key);
    if (t === undefined) {
      t = { slots: new Slots(perTarget), users: 0 };
      targets.set(key, t);
    }
    t.users++;
    return t;
  };
  const leave = (key: string) => {
    const t = targets.get(key);
    if (t !== undefined && --t.users === 0) targets.delete(key);
  };

  async function once<T>(target: Target, fn: ProbeFn<T>, outer: AbortSignal | undefined): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    // The timeout's reason becomes the probe's failure, so callers see "read-timeout", not "aborted".
    const timed = new AbortController();
    const onTimeout = () =>
      timed.abort(
        new ScanNetworkError('read-timeout', `${target.host}:${target.port}: no answer in ${timeoutMs} ms`),
      );
    timeout.addEventListener('abort', onTimeout, { once: true });
    const signal = outer === undefined ? timed.signal : AbortSignal.any([outer, timed.signal]);
    let conn: ProbeConnection | undefined;
    try {
      conn = await dialer.dial(target, signal).catch((e: unknown) => {
        throw new DialFailure(e);
      });
      connections++;
      return await fn(conn, signal);
    } finally {
      timeout.removeEventListener('abort', onTimeout);
      conn?.close();
    }
  }

  return {
    get connections() {
      return connections;
    },
    async probe(target, fn, signal) {
      const key = `${target.host}|${target.port}`;
      const t = targetSlots(key);
      const waitSignal = signal ?? new AbortController().signal;
      try {
        await t.slots.acquire(waitSignal);
        try {
          await global.acquire(waitSignal);
          try {
            for (let attempt = 0; ; attempt++) {
              try {
                return await once(target, fn, signal);
              } catch (e) {
                if (attempt >= retries || !transient(e) || signal?.aborted) {
                  throw e instanceof DialFailure ? e.error : e;
                }
              }
            }
          } finally {
            global.release();
          }
        } finally {
          t.slots.release();
        }
      } finally {
        leave(key);
      }
    },
  };
}
