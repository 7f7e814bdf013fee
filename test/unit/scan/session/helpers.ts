import type { Reaction } from '../../../../src/core/scan/session/index.js';

/** A reaction with nothing in it (silence until the wait ran out), overridden field by field. */
export const reaction = (over: Partial<Reaction> = {}): Reaction => ({
  alerts: [],
  applicationData: new Uint8Array(0),
  handshakeTypes: [],
  changeCipherSpec: false,
  undecryptable: 0,
  records: [],
  end: 'timeout',
  writeFailed: false,
  elapsedMs: 100,
  reactedAfterMs: null,
  ...over,
});
