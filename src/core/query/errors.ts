import { CertgridError } from '../errors.js';

/** Offending text longer than this is cut in messages, so a 4 KB filter is never echoed back whole. */
const MAX_SHOWN = 40;

/** Quote what the user wrote (or `end of filter`) the same way in every message. */
export function shown(token: string): string {
  return token.length > MAX_SHOWN ? `${token.slice(0, MAX_SHOWN)}…` : token;
}

/**
 * A QQL text the parser cannot read. The message names the 1-based character position and the
 * offending text, because the CertView API hands it to the end user as the explanation of
 * error 1905 ("parameter filter has invalid value ...").
 *
 * `token` is `''` when the problem is the end of the filter.
 */
export class QqlSyntaxError extends CertgridError {
  readonly position: number;
  readonly token: string;

  constructor(message: string, position: number, token: string) {
    super('INVALID_ARGUMENT', message, { field: 'filter', data: { position, token: shown(token) } });
    this.name = 'QqlSyntaxError';
    this.position = position;
    this.token = shown(token);
  }

  /** `unexpected 'AND' at position 14: expected a value` (or `unexpected end of filter ...`). */
  static unexpected(token: string, position: number, expected: string): QqlSyntaxError {
    const what = token === '' ? 'end of filter' : `'${shown(token)}'`;
    return new QqlSyntaxError(`unexpected ${what} at position ${position}: ${expected}`, position, token);
  }
}

/** A structured (JSON) filter that is malformed; `path` names the item, e.g. `filter.filters[2].operator`. */
export function structuredFilterError(path: string, why: string): CertgridError {
  return new CertgridError('INVALID_ARGUMENT', `${path}: ${why}`, { field: 'filter', data: { path } });
}
