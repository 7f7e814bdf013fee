import { expect } from 'vitest';
import { WireFormatError, fromHex } from '../../../../src/core/scan/wire/index.js';

/** `fn` throws a WireFormatError (code WIRE_FORMAT) whose reason matches `reason`, when given. */
export function expectWireError(fn: () => unknown, reason?: RegExp): WireFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WireFormatError);
  const err = caught as WireFormatError;
  expect(err.code).toBe('WIRE_FORMAT');
  if (reason) expect(err.reason).toMatch(reason);
  return err;
}

/** Hex with spaces and line breaks allowed, for hand-written vectors. */
export const hex = (s: string): Uint8Array => fromHex(s);

export const filled = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
