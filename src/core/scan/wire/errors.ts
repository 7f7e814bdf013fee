/**
 * The one error the wire codec throws for bad input from the network: truncated messages, length
 * fields that point past their container, records over the size limit, bytes that are not TLS.
 * Probes catch it and turn it into a failed observation; it is never a crash.
 *
 * Bad arguments to the builders (a u16 over 65535, a 31-byte random) are programming errors and
 * throw `RangeError`/`TypeError` instead.
 */
export class WireFormatError extends Error {
  readonly code = 'WIRE_FORMAT' as const;
  /** Short, stable description, e.g. `ServerHello: cipher_suite truncated`. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Malformed TLS/SSL data: ${reason}`);
    this.name = 'WireFormatError';
    this.reason = reason;
  }

  static is(e: unknown): e is WireFormatError {
    return e instanceof WireFormatError;
  }
}
