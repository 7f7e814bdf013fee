import { CertgridError, type ErrorCode } from '../../core/errors.js';

/**
 * The Grid API's error vocabulary and the ONE table mapping core error codes onto it.
 *
 * Codes and descriptions of the spec's section 5 table are reproduced verbatim, typos included
 * ("Th CSR uses", "The end_start is not …"): clients written against DigiCert may compare them.
 * The spec's example response words two descriptions differently from its table; the table wins.
 *
 * Codes certgrid adds where the spec has none, all in the spec's own `family:parameter` style:
 * - `access_denied` — wrong customer_name / customer_api_key (the spec lists no authentication error);
 * - `required_param:customer_name`, `required_param:customer_api_key`, `required_param:<p>` for any
 *   other missing parameter;
 * - `invalid_chars:<p>` for non-numeric ids (request_id, client_id, event_user_id, server_type,
 *   validity) and malformed serials;
 * - `invalid_value:<p>` for values outside a closed set (hash, reason, …) and `invalid_value:hash`
 *   for SHA-1: "SHA-1 signatures are no longer accepted; use sha256.";
 * - `not_found_in_account:<p>` and `invalid_format:<p>` for parameters the spec does not list.
 */

/** One entry of a failure response's `error_codes`. */
export interface GridError {
  readonly code: string;
  readonly description: string;
}

/** The spec's section 5 table, verbatim. */
export const SPEC_ERROR_CODES = {
  api_cert_unavailable:
    'Unable to perform the requested action for the selected certificate, it may not have been issued yet or has been revoked.',
  api_request_action_unavailable:
    'Unable to process requests for the specified action through the API at this time.',
  api_request_domain_company_conflict:
    'The request may have multiple domains that may not all be owned by the same organization.',
  api_request_not_available:
    'The specified request is unavailable, it may have already been rejected or approved.',
  api_request_org_error: 'Unable to associate an organization with this request.',
  api_request_product_unavailable:
    'Unable to process requests for the specified product through the API at this time.',
  cert_unavailable_processing:
    'The certificate has not yet been issued and will be available as soon as it has been issued',
  cert_unavailable_revoked: 'The certificate has been revoked and is no longer available',
  csr_invalid_cannot_parse: 'The CSR cannot be decoded',
  csr_invalid_key_debian_weak:
    'Th CSR uses a weak key generated on a vulnerable Debian based Linux system. Please patch the system which created this CSR, and regenerate both the private key and CSR. You need to patch OpenSSL as well as OpenSSH-server and OpenSSH-client.',
  csr_invalid_key_size: 'The CSR uses an unsupported key size, please generate a new CSR.',
  csr_invalid_key_size_weak:
    'The CSR you have posted uses an unsupported key size, please generate a new CSR with a key size of at least 2048 bits',
  csr_invalid_key_type_dsa: 'DSA keys are not supported, please generate a new CSR with an RSA key.',
  csr_invalid_signature: 'The CSR has an invalid signature',
  email_not_valid_email_format:
    'The email parameter you have posted does not validate as a proper email address format',
  generic_error: 'An error has occurred processing your request.',
  internal_error:
    'An Internal System Error has occurred. Please contact the DigiCert Development Department.',
  'invalid_chars:common_name': 'The common_name parameter you have posted contains invalid characters',
  'invalid_chars:full_name': 'The full_name parameter you have posted contains invalid characters',
  'invalid_chars:order_id': 'The order_id parameter you have posted contains invalid characters',
  'invalid_chars:sans': 'The sans parameter you have posted contains invalid characters',
  'invalid_format:date_end': 'The end_start is not in a date format that the API can parse',
  'invalid_format:date_start': 'The date_start is not in a date format that the API can parse',
  'invalid_format:ip_address': 'The ip_address parameter was not properly formatted as an ip address',
  'invalid_format:service_name': 'The service_name parameter you have posted contains invalid characters',
  'invalid_value:origin': 'The origin parameter must be either api or ui',
  'invalid_value:status': 'The status parameter must be either successful or failed',
  'not_found_in_account:client_id': 'The client_id specified was not found in your account.',
  'not_found_in_account:order_id': 'The order_id specified was not found in your account.',
  'not_found_in_account:request_id': 'The request_id specified was not found in your account.',
  'not_found_in_account:serial': 'The serial specified was not found in your account.',
  'required_param:common_name': 'The common_name parameter is required for the API request you are making',
  'required_param:csr': 'The csr parameter is required for the API request you are making',
  'required_param:email': 'The email parameter is required for the API request you are making',
  'required_param:full_name': 'The full_name parameter is required for the API request you are making',
  'required_param:note': 'The comments parameter is required for the API request you are making',
  'required_param:order_id': 'The order_id parameter is required for the API request you are making',
  'required_param:request_id': 'The request_id parameter is required for the API request you are making',
  serial_or_order_id_required:
    'The serial parameter or the order_id parameter is required for the requested action.',
} as const satisfies Record<string, string>;

export type SpecErrorCode = keyof typeof SPEC_ERROR_CODES;

/** Codes of the spec's table that certgrid never produces, with why (docs/compatibility.md). */
export const UNUSED_SPEC_ERROR_CODES: Readonly<Partial<Record<SpecErrorCode, string>>> = {
  api_cert_unavailable:
    'certgrid answers the precise cert_unavailable_processing or cert_unavailable_revoked',
  api_request_domain_company_conflict: 'certgrid has no organisations to validate domains against',
  api_request_org_error: 'certgrid has no organisations to associate',
};

export const ACCESS_DENIED: GridError = {
  code: 'access_denied',
  description: 'Invalid customer_name or customer_api_key.',
};

export const SHA1_REFUSED = 'SHA-1 signatures are no longer accepted; use sha256.';

/** A code of the spec's table with its verbatim description. */
export function specError(code: SpecErrorCode): GridError {
  return { code, description: SPEC_ERROR_CODES[code] };
}

/** The spec's description when it has one for `code`, else `fallback`. */
function specOr(code: string, fallback: string): GridError {
  const known = (SPEC_ERROR_CODES as Readonly<Record<string, string>>)[code];
  return { code, description: known ?? fallback };
}

/** Core fields are meant to be in the caller's vocabulary already; camelCase is folded just in case. */
function wireField(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface MappedError {
  readonly error: GridError;
  /** Set when the failure is the operator's problem and must reach the log (with the request id). */
  readonly log?: 'error' | 'warn';
}

type Rule = (field: string | undefined, err: CertgridError) => GridError;

const generic = (err: CertgridError): GridError => ({
  code: 'generic_error',
  description: err.message || SPEC_ERROR_CODES.generic_error,
});

const byField =
  (family: string, template: (f: string) => string): Rule =>
  (field, err) =>
    field === undefined ? generic(err) : specOr(`${family}:${field}`, template(field));

/**
 * Core code (+ field) → Grid error. Keyed by the closed ErrorCode union, so a new core code
 * does not compile until it is mapped here.
 */
const TABLE: Readonly<Record<ErrorCode, { readonly rule: Rule; readonly log?: 'error' | 'warn' }>> = {
  CSR_UNPARSEABLE: { rule: () => specError('csr_invalid_cannot_parse') },
  CSR_BAD_SIGNATURE: { rule: () => specError('csr_invalid_signature') },
  CSR_KEY_TOO_WEAK: { rule: () => specError('csr_invalid_key_size_weak') },
  CSR_KEY_SIZE_UNSUPPORTED: { rule: () => specError('csr_invalid_key_size') },
  CSR_KEY_TYPE_DSA: { rule: () => specError('csr_invalid_key_type_dsa') },
  // The spec has no "unsupported key type" code; its closest answer is "generate a new CSR".
  CSR_KEY_TYPE_UNSUPPORTED: { rule: () => specError('csr_invalid_key_size') },
  CSR_KEY_KNOWN_WEAK: { rule: () => specError('csr_invalid_key_debian_weak') },

  MISSING_ARGUMENT: {
    rule: (field, err) => {
      if (field === undefined) return generic(err);
      // The spec calls the reject comment `note` in its code and `comments` in its description.
      const name = field === 'comments' || field === 'comment' ? 'note' : field;
      return specOr(
        `required_param:${name}`,
        `The ${field} parameter is required for the API request you are making`,
      );
    },
  },
  INVALID_ARGUMENT: {
    rule: (field, err) =>
      field === undefined ? generic(err) : specOr(`invalid_value:${field}`, err.message),
  },
  // Not raised by any Grid action; a generic failure if it ever is.
  CONFLICTING_ARGUMENTS: { rule: (_field, err) => generic(err) },
  INVALID_CHARS: {
    rule: byField('invalid_chars', (f) => `The ${f} parameter you have posted contains invalid characters`),
  },
  INVALID_FORMAT: {
    rule: (field, err) =>
      field === 'email'
        ? specError('email_not_valid_email_format')
        : byField('invalid_format', (f) => `The ${f} parameter you have posted is not properly formatted`)(
            field,
            err,
          ),
  },
  SERIAL_OR_ORDER_ID_REQUIRED: { rule: () => specError('serial_or_order_id_required') },
  WEAK_SIGNATURE_HASH: { rule: () => ({ code: 'invalid_value:hash', description: SHA1_REFUSED }) },

  NOT_FOUND: {
    rule: byField('not_found_in_account', (f) => `The ${f} specified was not found in your account.`),
  },
  ALREADY_EXISTS: { rule: (_f, err) => generic(err) },
  REQUEST_NOT_PENDING: { rule: () => specError('api_request_not_available') },
  ACTION_NOT_ALLOWED: { rule: () => specError('api_request_action_unavailable') },
  CERT_REVOKED: { rule: () => specError('cert_unavailable_revoked') },
  CERT_NOT_ISSUED: { rule: () => specError('cert_unavailable_processing') },
  // Enrollment orders are CertView's; no Grid action raises these.
  CA_NOT_SUPPORTED: { rule: (_f, err) => generic(err) },
  CA_NOT_CONFIGURED: { rule: (_f, err) => generic(err) },
  INVALID_RENEWAL: { rule: (_f, err) => generic(err) },
  ORDER_TYPE_NOT_EDITABLE: { rule: (_f, err) => generic(err) },
  FIELD_NOT_EDITABLE: { rule: (_f, err) => generic(err) },
  LICENCES_EXHAUSTED: { rule: (_f, err) => generic(err) },

  AUTH_FAILED: { rule: () => ACCESS_DENIED },
  // CertView's bearer tokens, permissions and login throttle never reach the Grid API (it uses API
  // keys); mapped for completeness to the nearest Grid answers.
  TOKEN_INVALID: { rule: () => ACCESS_DENIED },
  TOKEN_EXPIRED: { rule: () => ACCESS_DENIED },
  PERMISSION_DENIED: { rule: () => specError('api_request_action_unavailable') },
  LICENSE_DENIED: { rule: () => specError('api_request_action_unavailable') },
  RATE_LIMITED: { rule: (_f, err) => generic(err) },

  LINT_FAILED: { rule: (_f, err) => generic(err) },
  // No CA yet (`certgrid init` not run): the product cannot be issued "at this time".
  CA_NOT_INITIALISED: { rule: () => specError('api_request_product_unavailable'), log: 'warn' },
  CA_KEY_UNAVAILABLE: { rule: () => specError('internal_error'), log: 'error' },
  INTERNAL: { rule: () => specError('internal_error'), log: 'error' },
};

/**
 * Maps anything thrown below the adapter to a Grid error. Unknown exceptions become
 * `internal_error` with the spec's description: their message never reaches the client.
 */
export function toGridError(e: unknown): MappedError {
  if (!(e instanceof CertgridError)) return { error: specError('internal_error'), log: 'error' };
  const entry = TABLE[e.code];
  if (entry === undefined) return { error: specError('internal_error'), log: 'error' };
  const field = e.field === undefined || e.field === '' ? undefined : wireField(e.field);
  const error = entry.rule(field, e);
  return entry.log === undefined ? { error } : { error, log: entry.log };
}
