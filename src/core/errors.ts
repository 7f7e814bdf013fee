/**
 * Every failure the core reports carries a stable code from this closed union.
 * The core knows nothing of HTTP or wire formats: each API surface maps these codes
 * to its own status, error code and envelope in one table (see docs/compatibility.md).
 */
export type ErrorCode =
  // certificate signing requests
  | 'CSR_UNPARSEABLE'
  | 'CSR_BAD_SIGNATURE'
  | 'CSR_KEY_TOO_WEAK'
  | 'CSR_KEY_SIZE_UNSUPPORTED'
  | 'CSR_KEY_TYPE_DSA'
  | 'CSR_KEY_TYPE_UNSUPPORTED'
  | 'CSR_KEY_KNOWN_WEAK'
  // input
  | 'MISSING_ARGUMENT'
  | 'INVALID_ARGUMENT'
  /** Two parameters given where at most one of them may be (CertView 1904). */
  | 'CONFLICTING_ARGUMENTS'
  | 'INVALID_CHARS'
  | 'INVALID_FORMAT'
  | 'SERIAL_OR_ORDER_ID_REQUIRED'
  | 'WEAK_SIGNATURE_HASH'
  // lookups and state
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'REQUEST_NOT_PENDING'
  | 'ACTION_NOT_ALLOWED'
  | 'CERT_REVOKED'
  | 'CERT_NOT_ISSUED'
  // enrollment orders (CertView chapter 5)
  /** The order names a CA that no connector issues from (CertView 140004). */
  | 'CA_NOT_SUPPORTED'
  /** The connector of the named CA has no key / API key configured (CertView 140005). */
  | 'CA_NOT_CONFIGURED'
  /** The certificate to renew is unknown, not a leaf, already in renewal or not expiring soon (140006). */
  | 'INVALID_RENEWAL'
  /** An update would turn an enrollment into a renewal or back (140007). */
  | 'ORDER_TYPE_NOT_EDITABLE'
  /** An update changes a field that is fixed once the order exists (140002). */
  | 'FIELD_NOT_EDITABLE'
  /** The account's order licences are all in use (148101). */
  | 'LICENCES_EXHAUSTED'
  // auth
  | 'AUTH_FAILED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'PERMISSION_DENIED'
  | 'LICENSE_DENIED'
  | 'RATE_LIMITED'
  // issuance
  | 'LINT_FAILED'
  | 'CA_NOT_INITIALISED'
  | 'CA_KEY_UNAVAILABLE'
  | 'INTERNAL';

export interface CertgridErrorDetails {
  /** The request parameter or entity field the error is about, in the caller's vocabulary. */
  readonly field?: string;
  /** Extra machine-readable data (lint names, limits ...). Never secrets. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export class CertgridError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details: CertgridErrorDetails = {}) {
    super(message);
    this.name = 'CertgridError';
    this.code = code;
    this.field = details.field;
    this.data = details.data;
  }

  static is(e: unknown, code?: ErrorCode): e is CertgridError {
    return e instanceof CertgridError && (code === undefined || e.code === code);
  }
}

/** Shorthand for the most common input errors, so call sites stay one line. */
export const missing = (field: string): CertgridError =>
  new CertgridError('MISSING_ARGUMENT', `${field} is a required parameter.`, { field });

export const invalid = (field: string, why: string): CertgridError =>
  new CertgridError('INVALID_ARGUMENT', `${field}: ${why}`, { field });

export const notFound = (field: string): CertgridError =>
  new CertgridError('NOT_FOUND', `The ${field} specified was not found in your account.`, { field });
