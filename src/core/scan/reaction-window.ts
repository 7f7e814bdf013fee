import type { Reaction } from './session/index.js';

/**
 * How long an active test waits for a reaction that may never come. Silence is an answer there: a
 * server that keeps waiting after a ClientKeyExchange sent alone, or after a record it accepted.
 *
 * The full wait is 40 round trips, 250 ms at least (`reactionTimeoutFor`). On a server that serves one
 * connection at a time these waits run one after another: ROBOT's key-exchange-only flow alone spent
 * 5 × 250 ms of an s_server scan waiting. Yet a server reacts (an alert, a close) within a few
 * milliseconds of what it reacts to. So once the scan has timed a few reactions, a wait lasts 8 times
 * the slowest of them, 25 ms at least, never more than the full window.
 *
 * A silence seen with such a short wait is provisional. A test whose verdict would rest on one — its
 * reactions differ — runs those sessions again with the full window, and only that run counts. The
 * short wait therefore never makes a finding; it only ends early a round where every reaction agrees.
 * What it could hide is an oracle whose every distinguishing reaction comes later than 8 times the
 * slowest reaction seen, the same way for every vector of the round (docs/active-tests.md).
 */
export interface ReactionWindow {
  /** The full wait, in milliseconds. */
  readonly fullMs: number;
  /** The wait for an observation starting now. */
  next(): ReactionWait;
  /** The full wait, for sessions whose silence must count. */
  full(): ReactionWait;
  /** Times a reaction; one that ran out its wait teaches nothing. */
  note(reaction: Reaction): void;
}

export interface ReactionWait {
  readonly ms: number;
  /** Shorter than the full window: a silence seen with it is provisional. */
  readonly short: boolean;
}

/** Reactions timed before waits are shortened. */
export const TIMED_REACTIONS_NEEDED = 3;
/** The short wait: this many times the slowest reaction timed… */
export const SHORT_WAIT_FACTOR = 8;
/** …and never less than this. */
export const SHORT_WAIT_MIN_MS = 25;

export function reactionWindow(fullMs: number): ReactionWindow {
  let timed = 0;
  let slowestMs = 0;
  const full: ReactionWait = { ms: fullMs, short: false };
  return {
    fullMs,
    next() {
      if (timed < TIMED_REACTIONS_NEEDED) return full;
      const ms = Math.min(fullMs, Math.max(SHORT_WAIT_MIN_MS, Math.ceil(slowestMs * SHORT_WAIT_FACTOR)));
      return ms < fullMs ? { ms, short: true } : full;
    },
    full: () => full,
    note(reaction) {
      if (reaction.reactedAfterMs === null) return;
      timed++;
      slowestMs = Math.max(slowestMs, reaction.reactedAfterMs);
    },
  };
}

/** The observation ended because a short wait ran out: its silence is not yet an answer. */
export const provisionalSilence = (reaction: Reaction, wait: ReactionWait): boolean =>
  wait.short && reaction.end === 'timeout';
