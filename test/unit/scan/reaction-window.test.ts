import { describe, expect, it } from 'vitest';
import {
  SHORT_WAIT_MIN_MS,
  TIMED_REACTIONS_NEEDED,
  provisionalSilence,
  reactionWindow,
} from '../../../src/core/scan/reaction-window.js';
import { reaction } from './session/helpers.js';

const timed = (ms: number) => reaction({ end: 'closed', reactedAfterMs: ms });

describe('reaction window', () => {
  it('waits in full until enough reactions have been timed', () => {
    const w = reactionWindow(250);
    expect(w.next()).toEqual({ ms: 250, short: false });
    for (let i = 0; i < TIMED_REACTIONS_NEEDED - 1; i++) w.note(timed(1));
    expect(w.next()).toEqual({ ms: 250, short: false });
    w.note(timed(1));
    expect(w.next()).toEqual({ ms: SHORT_WAIT_MIN_MS, short: true });
  });

  it('then waits 8 times the slowest reaction, 25 ms at least, the full window at most', () => {
    const w = reactionWindow(250);
    for (const ms of [2, 5, 1]) w.note(timed(ms));
    expect(w.next()).toEqual({ ms: 40, short: true });
    w.note(timed(20));
    expect(w.next()).toEqual({ ms: 160, short: true });
    w.note(timed(40));
    expect(w.next()).toEqual({ ms: 250, short: false });
    // A slow reaction is never forgotten: one slow server path keeps every later wait long.
    w.note(timed(1));
    expect(w.next().ms).toBe(250);
  });

  it('silences teach nothing: a wait that ran out is no reaction time', () => {
    const w = reactionWindow(300);
    for (let i = 0; i < 10; i++) w.note(reaction({ end: 'timeout', reactedAfterMs: null, elapsedMs: 300 }));
    expect(w.next()).toEqual({ ms: 300, short: false });
  });

  it('the full wait is always at hand, for sessions whose silence must count', () => {
    const w = reactionWindow(400);
    for (let i = 0; i < 5; i++) w.note(timed(1));
    expect(w.next().short).toBe(true);
    expect(w.full()).toEqual({ ms: 400, short: false });
  });

  it('only a silence seen with a short wait is provisional', () => {
    const short = { ms: 25, short: true };
    const full = { ms: 250, short: false };
    expect(provisionalSilence(reaction({ end: 'timeout' }), short)).toBe(true);
    expect(provisionalSilence(reaction({ end: 'timeout' }), full)).toBe(false);
    expect(provisionalSilence(timed(3), short)).toBe(false);
  });
});
