import { ScanNetworkError, type ProbeConnection } from './connection.js';
import type { ScanContext } from './enumerate.js';
import { sendHello, type HelloSpec } from './probes/hello.js';
import type { ProbeFn } from './scheduler.js';
import { SessionError } from './session/errors.js';

/**
 * How the active tests (ROBOT, the CBC padding oracles) open their sessions on one server.
 *
 * Their sessions hold a connection on purpose: a ClientKeyExchange without a Finished, a record the server
 * should refuse, then a wait for silence. Many servers (nginx, node:tls, most production stacks) serve
 * other connections meanwhile, and the sessions may run side by side. Others serve one connection at a
 * time (`openssl s_server`, gnutls-serv, small embedded stacks): a session held open there makes every
 * other one queue, long enough to hit the probe timeout, and some react differently while others queue
 * (gnutls-serv's close after an alert comes late while another of our connections sits in a
 * handshake). A difference that our own parallelism made is not a server's reaction, and must never
 * become a finding.
 *
 * So, once per scan, before the first session:
 * - one connection sends a hello and stays in the middle of its handshake while a second sends the same
 *   hello; a server that answers the second meanwhile serves connections concurrently, one that does not
 *   serves one at a time;
 * - on a one-at-a-time server the sessions of every active test run one after another, and only once the
 *   scan's other probes are done (`idle`), so nothing else of ours reaches the server during a reaction;
 * - on a concurrent server they run in parallel (bounded by the scheduler), but a round whose reactions
 *   differ, or where a session failed, is run again one session at a time, and from then on every session
 *   is: findings are only ever made on sessions that had the server to themselves;
 * - a session that timed out before the server sent a single byte was queued, not answered: it is run
 *   again (one at a time from then on) instead of counting as a reaction or a failure; one that had
 *   the server to itself and still got nothing is retried once, and then the server counts as gone.
 */
export type ServerConcurrency = 'concurrent' | 'one-at-a-time';

export interface ActiveSessions {
  /** Runs one session over one connection of its own, through the scan's scheduler. */
  run<T>(fn: ProbeFn<T>): Promise<T>;
  /**
   * Runs a round of sessions (each task runs its sessions through `run`). When the round ran in
   * parallel and `suspect` holds for its results, or the sessions fell back to one at a time during
   * it, the whole round runs again, one session at a time, and that result is returned.
   */
  round<T>(tasks: readonly (() => Promise<T>)[], suspect?: (results: readonly T[]) => boolean): Promise<T[]>;
  /** What the server was found to do; null before the first session. */
  readonly concurrency: ServerConcurrency | null;
  /** Sessions now run one at a time (the server serves one connection at a time, or something looked off). */
  readonly serial: boolean;
}

export interface ActiveSessionsOptions {
  /**
   * A TLS ≤ 1.2 hello the server answers (serverName comes from the context). Without one the server
   * is taken to serve one connection at a time, the safe assumption.
   */
  readonly hello?: Omit<HelloSpec, 'serverName'> | undefined;
  /** Resolves once the scan's other probes are done; sessions run one at a time wait for it. */
  readonly idle?: Promise<unknown> | undefined;
  /**
   * Upper bound of the wait for the second hello of the concurrency check; the wait is 20 times what
   * the first hello took, at least 40 ms. Default 3 s. A server that answers later counts as serving one
   * connection at a time: the safe side, only slower.
   */
  readonly maxCheckWaitMs?: number | undefined;
  /**
   * Extra runs of a session that timed out before the server sent anything although it had the server to
   * itself (the server may have been busy with another client). Default 1. Once such a session has used
   * them up, the server has stopped answering: every later session fails at once with the same error,
   * so a server that drops us (rate limits, an IPS) costs a few probe timeouts, not one per session.
   */
  readonly retries?: number | undefined;
  /** Skip the check: the caller knows. */
  readonly concurrency?: ServerConcurrency | undefined;
}

const MIN_CHECK_WAIT_MS = 40;

/** A failure that says "nothing came in time", as opposed to an answer (an alert, a close, a reset). */
const timedOut = (e: unknown): boolean =>
  SessionError.is(e, 'SESSION_TIMEOUT') ||
  ScanNetworkError.is(e, 'read-timeout') ||
  ScanNetworkError.is(e, 'connect-timeout');

/** A counting semaphore of one, first come first served. */
class Lane {
  #busy = false;
  readonly #queue: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.#busy) {
      this.#busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  release(): void {
    const next = this.#queue.shift();
    if (next !== undefined) next();
    else this.#busy = false;
  }
}

/** A session timed out before the server sent a single byte. */
class Unanswered {
  constructor(readonly error: unknown) {}
}

/** The connection as the session sees it, noting whether the server sent anything at all. */
function watched(conn: ProbeConnection, answered: () => void): ProbeConnection {
  return {
    socket: conn.socket,
    write: (bytes) => conn.write(bytes),
    read: async () => {
      const chunk = await conn.read();
      if (chunk !== null && chunk.length > 0) answered();
      return chunk;
    },
    close: () => conn.close(),
  };
}

/**
 * Does the server answer a second connection while a first one is in the middle of its handshake? A
 * server that does not (or anything unclear) counts as one-at-a-time.
 */
export async function checkConcurrency(
  ctx: ScanContext,
  hello: Omit<HelloSpec, 'serverName'>,
  maxWaitMs = 3_000,
): Promise<ServerConcurrency> {
  const spec: HelloSpec = { ...hello, serverName: ctx.serverName };
  try {
    return await ctx.scheduler.probe(
      ctx.target,
      async (first) => {
        const started = performance.now();
        const held = await sendHello(first, spec);
        if (held.kind !== 'tls' || !held.flight.complete) return 'one-at-a-time';
        // The server now waits for our ClientKeyExchange on the first connection.
        const waitMs = Math.min(maxWaitMs, Math.max(MIN_CHECK_WAIT_MS, (performance.now() - started) * 20));
        const giveUp = new AbortController();
        const timer = setTimeout(() => giveUp.abort(), waitMs);
        const signal = ctx.signal ? AbortSignal.any([ctx.signal, giveUp.signal]) : giveUp.signal;
        try {
          const second = await ctx.scheduler.probe(ctx.target, (conn) => sendHello(conn, spec), signal);
          return second.kind === 'tls' ? 'concurrent' : 'one-at-a-time';
        } catch (e) {
          if (ctx.signal?.aborted) throw e;
          return 'one-at-a-time';
        } finally {
          clearTimeout(timer);
        }
      },
      ctx.signal,
    );
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    return 'one-at-a-time';
  }
}

/** The session runner for one scan of one server; share it between the active tests of the scan. */
export function activeSessions(ctx: ScanContext, options: ActiveSessionsOptions = {}): ActiveSessions {
  const retries = options.retries ?? 1;
  /** Set once a session alone with the server got no answer even when retried: the server is gone. */
  let gone: unknown = null;
  const lane = new Lane();
  let concurrency: ServerConcurrency | null = options.concurrency ?? null;
  let checking: Promise<ServerConcurrency> | null = null;
  let fellBack = false;
  /** Bumped whenever sessions switch to one at a time; a parallel round that saw it change is run again. */
  let switches = 0;
  /** Sessions still running side by side; one run alone waits until none is left. */
  let parallel = 0;
  let drained: (() => void)[] = [];
  const drainedOfParallel = (): Promise<void> =>
    parallel === 0 ? Promise.resolve() : new Promise((resolve) => drained.push(resolve));

  const decided = (): Promise<ServerConcurrency> => {
    if (concurrency !== null) return Promise.resolve(concurrency);
    checking ??= (
      options.hello === undefined
        ? Promise.resolve<ServerConcurrency>('one-at-a-time')
        : checkConcurrency(ctx, options.hello, options.maxCheckWaitMs)
    ).then((c) => (concurrency = c));
    return checking;
  };
  const serialNow = () => concurrency === 'one-at-a-time' || fellBack;
  const fallBack = () => {
    if (!serialNow()) switches++;
    fellBack = true;
  };

  /** One connection for `fn`; a timeout before the server sent anything comes out as `Unanswered`. */
  async function connect<T>(fn: ProbeFn<T>): Promise<T> {
    let answered = false;
    try {
      return await ctx.scheduler.probe(
        ctx.target,
        (conn, signal) =>
          fn(
            watched(conn, () => (answered = true)),
            signal,
          ),
        ctx.signal,
      );
    } catch (e) {
      if (!answered && timedOut(e) && !ctx.signal?.aborted) throw new Unanswered(e);
      throw e;
    }
  }

  async function run<T>(fn: ProbeFn<T>): Promise<T> {
    await decided();
    if (!serialNow()) {
      parallel++;
      try {
        return await connect(fn);
      } catch (e) {
        if (!(e instanceof Unanswered)) throw e;
        // Queued behind another of our connections until the time ran out: not an answer.
        fallBack();
      } finally {
        if (--parallel === 0) {
          const waiting = drained;
          drained = [];
          for (const resolve of waiting) resolve();
        }
      }
    }
    await options.idle?.catch(() => undefined);
    await lane.acquire();
    try {
      await drainedOfParallel();
      for (let retried = 0; ; retried++) {
        if (gone !== null) throw gone;
        try {
          return await connect(fn);
        } catch (e) {
          if (!(e instanceof Unanswered)) throw e;
          // Alone with the server and nothing came: retried (it may have been busy with another
          // client), then the server counts as gone for every later session.
          if (retried >= retries) {
            gone = e.error;
            throw e.error;
          }
        }
      }
    } finally {
      lane.release();
    }
  }

  return {
    run,
    async round(tasks, suspect) {
      await decided();
      const serial = serialNow();
      const before = switches;
      const results = await Promise.all(tasks.map((t) => t()));
      if (serial || (switches === before && !(suspect?.(results) ?? false))) return results;
      fallBack();
      return Promise.all(tasks.map((t) => t()));
    },
    get concurrency() {
      return concurrency;
    },
    get serial() {
      return serialNow();
    },
  };
}
