import { describe, expect, it } from 'vitest';
import {
  ACCESS_DENIED,
  SPEC_ERROR_CODES,
  toGridError,
  UNUSED_SPEC_ERROR_CODES,
  type SpecErrorCode,
} from '../../../src/api/grid/errors.js';
import { collectParams, ParamReader } from '../../../src/api/grid/params.js';
import { CertgridError, missing, notFound, type ErrorCode } from '../../../src/core/errors.js';

const core = (code: ErrorCode, field?: string, message = 'core says why') =>
  new CertgridError(code, message, field === undefined ? {} : { field });

/** Where each code of the spec's table comes from: a core error, or the adapter's parameter reading. */
const PRODUCERS: Record<Exclude<SpecErrorCode, keyof typeof UNUSED_SPEC_ERROR_CODES>, () => CertgridError> = {
  api_request_action_unavailable: () => core('ACTION_NOT_ALLOWED'),
  api_request_not_available: () => core('REQUEST_NOT_PENDING'),
  api_request_product_unavailable: () => core('CA_NOT_INITIALISED'),
  cert_unavailable_processing: () => core('CERT_NOT_ISSUED'),
  cert_unavailable_revoked: () => core('CERT_REVOKED'),
  csr_invalid_cannot_parse: () => core('CSR_UNPARSEABLE', 'csr'),
  csr_invalid_key_debian_weak: () => core('CSR_KEY_KNOWN_WEAK', 'csr'),
  csr_invalid_key_size: () => core('CSR_KEY_SIZE_UNSUPPORTED', 'csr'),
  csr_invalid_key_size_weak: () => core('CSR_KEY_TOO_WEAK', 'csr'),
  csr_invalid_key_type_dsa: () => core('CSR_KEY_TYPE_DSA', 'csr'),
  csr_invalid_signature: () => core('CSR_BAD_SIGNATURE', 'csr'),
  email_not_valid_email_format: () => core('INVALID_FORMAT', 'email'),
  // With a message of its own (a lint name), generic_error carries that instead.
  generic_error: () => core('LINT_FAILED', undefined, ''),
  internal_error: () => core('INTERNAL'),
  'invalid_chars:common_name': () => core('INVALID_CHARS', 'common_name'),
  'invalid_chars:full_name': () => core('INVALID_CHARS', 'full_name'),
  'invalid_chars:order_id': () => fromParams({ order_id: '12-34' }, (p) => p.ref('order_id', 'id')),
  'invalid_chars:sans': () => core('INVALID_CHARS', 'sans'),
  'invalid_format:date_end': () => fromParams({ date_end: '2012-13' }, (p) => p.dateEnd()),
  'invalid_format:date_start': () => fromParams({ date_start: '20120101' }, (p) => p.dateStart()),
  'invalid_format:ip_address': () => fromParams({ ip_address: 'localhost' }, (p) => p.ipAddress()),
  'invalid_format:service_name': () => core('INVALID_FORMAT', 'service_name'),
  'invalid_value:origin': () => fromParams({ origin: 'cli' }, (p) => p.oneOf('origin', ['api', 'ui'])),
  'invalid_value:status': () =>
    fromParams({ status: 'ok' }, (p) => p.oneOf('status', ['successful', 'failed'])),
  'not_found_in_account:client_id': () => notFound('client_id'),
  'not_found_in_account:order_id': () => notFound('order_id'),
  'not_found_in_account:request_id': () => notFound('request_id'),
  'not_found_in_account:serial': () => notFound('serial'),
  'required_param:common_name': () => fromParams({}, (p) => p.requiredString('common_name')),
  'required_param:csr': () => fromParams({}, (p) => p.csr()),
  'required_param:email': () => fromParams({}, (p) => p.requiredString('email')),
  'required_param:full_name': () => fromParams({}, (p) => p.requiredString('full_name')),
  'required_param:note': () => fromParams({}, (p) => p.requiredString('comments', 'comment')),
  'required_param:order_id': () => missing('order_id'),
  'required_param:request_id': () => fromParams({}, (p) => p.requiredId('request_id')),
  serial_or_order_id_required: () => fromParams({}, (p) => p.ref('order_id', 'id')),
};

function fromParams(fields: Record<string, string>, read: (p: ParamReader) => unknown): CertgridError {
  const p = new ParamReader(collectParams(fields));
  read(p);
  expect(p.errors).toHaveLength(1);
  return p.errors[0] as CertgridError;
}

describe('the Grid error table', () => {
  it('every code of the spec table is produced (or documented as never arising)', () => {
    const all = Object.keys(SPEC_ERROR_CODES) as SpecErrorCode[];
    for (const code of all) {
      const produce = (PRODUCERS as Partial<Record<SpecErrorCode, () => CertgridError>>)[code];
      if (produce === undefined) {
        expect(UNUSED_SPEC_ERROR_CODES[code], `${code} is neither produced nor documented`).toBeTypeOf(
          'string',
        );
        continue;
      }
      expect(toGridError(produce()).error, code).toEqual({ code, description: SPEC_ERROR_CODES[code] });
    }
    expect(Object.keys(PRODUCERS).length + Object.keys(UNUSED_SPEC_ERROR_CODES).length).toBe(all.length);
  });

  it('CSR key types the spec has no code for get csr_invalid_key_size', () => {
    expect(toGridError(core('CSR_KEY_TYPE_UNSUPPORTED', 'csr')).error.code).toBe('csr_invalid_key_size');
  });

  it('authentication failure is access_denied; missing credentials are required_param:*', () => {
    expect(toGridError(core('AUTH_FAILED')).error).toEqual(ACCESS_DENIED);
    expect(toGridError(missing('customer_name')).error).toEqual({
      code: 'required_param:customer_name',
      description: 'The customer_name parameter is required for the API request you are making',
    });
    expect(toGridError(missing('customer_api_key')).error.code).toBe('required_param:customer_api_key');
  });

  it('field families extend to parameters the spec does not list', () => {
    expect(toGridError(core('INVALID_CHARS', 'request_id')).error).toEqual({
      code: 'invalid_chars:request_id',
      description: 'The request_id parameter you have posted contains invalid characters',
    });
    expect(toGridError(core('NOT_FOUND', 'certificate')).error).toEqual({
      code: 'not_found_in_account:certificate',
      description: 'The certificate specified was not found in your account.',
    });
    expect(toGridError(core('INVALID_ARGUMENT', 'validity', 'validity: at most 3 years')).error).toEqual({
      code: 'invalid_value:validity',
      description: 'validity: at most 3 years',
    });
    expect(toGridError(core('INVALID_ARGUMENT', 'validityYears', 'x')).error.code).toBe(
      'invalid_value:validity_years',
    );
    expect(toGridError(core('INVALID_FORMAT', 'org_unit')).error.code).toBe('invalid_format:org_unit');
    expect(toGridError(core('MISSING_ARGUMENT', 'note')).error.code).toBe('required_param:note');
    expect(toGridError(core('WEAK_SIGNATURE_HASH', 'hash')).error).toEqual({
      code: 'invalid_value:hash',
      description: 'SHA-1 signatures are no longer accepted; use sha256.',
    });
  });

  it('errors without a field fall back to generic_error with their message', () => {
    expect(toGridError(core('INVALID_FORMAT', undefined, 'No PEM block found.')).error).toEqual({
      code: 'generic_error',
      description: 'No PEM block found.',
    });
    expect(toGridError(core('LINT_FAILED', undefined, 'e_dnsname_bad_character_in_label')).error).toEqual({
      code: 'generic_error',
      description: 'e_dnsname_bad_character_in_label',
    });
    expect(toGridError(core('ALREADY_EXISTS')).error.code).toBe('generic_error');
  });

  it('internal failures expose nothing and ask to be logged', () => {
    const secret = new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    const mapped = toGridError(secret);
    expect(mapped).toEqual({
      error: { code: 'internal_error', description: SPEC_ERROR_CODES.internal_error },
      log: 'error',
    });
    expect(
      toGridError(core('CA_KEY_UNAVAILABLE', undefined, 'bad passphrase')).error.description,
    ).not.toContain('passphrase');
    expect(toGridError(core('CA_KEY_UNAVAILABLE')).log).toBe('error');
    expect(toGridError(core('CA_NOT_INITIALISED')).log).toBe('warn');
    expect(toGridError('a string').error.code).toBe('internal_error');
  });
});
