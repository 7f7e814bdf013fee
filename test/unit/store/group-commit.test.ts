import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../src/store/repos/group-commit.js';

describe('createGroupCommit', () => {
  it('writes what arrives in one event-loop turn as one batch, in order', async () => {
    const batches: number[][] = [];
    const write = createGroupCommit<number, string>({
      batch: async (items) => {
        batches.push([...items]);
        return items.map((i) => `b${i}`);
      },
      single: async (i) => {
        batches.push([i]);
        return `s${i}`;
      },
    });
    expect(await Promise.all([write(1), write(2), write(3)])).toEqual(['b1', 'b2', 'b3']);
    expect(await write(4)).toBe('s4');
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('replays a failed batch one write at a time, so only the bad write fails', async () => {
    const write = createGroupCommit<number, number>({
      batch: async () => {
        throw new Error('one of us is bad');
      },
      single: async (i) => {
        if (i === 2) throw new Error('bad 2');
        return i * 10;
      },
    });
    const r = await Promise.allSettled([write(1), write(2), write(3)]);
    expect(r).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('bad 2') },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  it('caps a batch and carries the rest to the next turn', async () => {
    const sizes: number[] = [];
    const write = createGroupCommit<number, number>({
      maxBatch: 2,
      batch: async (items) => {
        sizes.push(items.length);
        return [...items];
      },
      single: async (i) => {
        sizes.push(1);
        return i;
      },
    });
    expect(await Promise.all([1, 2, 3, 4, 5].map(write))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });
});
