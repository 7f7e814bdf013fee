import type { Alert } from '../wire/index.js';

/**
 * Why a session could not go on. A closed set, so probes can turn each into an observation:
 * - `SESSION_REFUSED`: the server sent a fatal alert during the handshake (`alert` says which);
 * - `SESSION_CLOSED`: the server closed or reset the connection before the step finished;
 * - `SESSION_TIMEOUT`: nothing decisive arrived in time;
 * - `SESSION_UNSUPPORTED`: the server chose something this engine does not speak (a suite, a
 *   group, a protocol version);
 * - `SESSION_PROTOCOL`: the server broke the protocol (malformed or out-of-order messages, a bad
 *   Finished, a record that does not decrypt).
 */
export type SessionErrorCode =
  'SESSION_REFUSED' | 'SESSION_CLOSED' | 'SESSION_TIMEOUT' | 'SESSION_UNSUPPORTED' | 'SESSION_PROTOCOL';

/** The one error the session engine throws for what the server did. Bad arguments throw `TypeError`/`RangeError`. */
export class SessionError extends Error {
  readonly code: SessionErrorCode;
  /** The fatal alert behind `SESSION_REFUSED`. */
  readonly alert: Alert | null;

  constructor(code: SessionErrorCode, message: string, alert: Alert | null = null) {
    super(message);
    this.name = 'SessionError';
    this.code = code;
    this.alert = alert;
  }

  static is(e: unknown, code?: SessionErrorCode): e is SessionError {
    return e instanceof SessionError && (code === undefined || e.code === code);
  }
}
