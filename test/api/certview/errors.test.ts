import { describe, expect, it } from 'vitest';
import {
  CERTVIEW_ERRORS,
  certviewDatetime,
  certviewError,
  invalidParameter,
  missingParameters,
  onlyOneOf,
  renderCertviewFailure,
  unsupportedCombination,
  type CertviewCode,
} from '../../../src/api/certview/errors.js';
import { CertgridError, invalid, missing, notFound, type ErrorCode } from '../../../src/core/errors.js';

const NOW = new Date('2025-03-01T12:00:00.123Z');
const ctx = { now: NOW, requestId: '00000000-0000-4000-8000-000000000000' };
const render = (e: unknown) => renderCertviewFailure(e, ctx);
const body = (code: number, text: string) => ({ response: { datetime: '2025-03-01T12:00:00Z', code, text } });
const core = (code: ErrorCode, message = 'core says why', details = {}) =>
  new CertgridError(code, message, details);

describe('the CertView error table (spec Appendix A)', () => {
  it.each([
    [1903, 400],
    [1904, 400],
    [1905, 400],
    [1907, 400],
    [140001, 400],
    [140002, 400],
    [140004, 400],
    [140005, 400],
    [140006, 400],
    [140007, 400],
    [2012, 403],
    [148100, 403],
    [148101, 403],
    [148200, 404],
    [1920, 409],
    [1965, 429],
  ] as const)('%i answers HTTP %i', (code, status) => {
    expect(CERTVIEW_ERRORS[code as CertviewCode].status).toBe(status);
  });

  it.each([
    [140001, 'Malformed json'],
    [140002, 'Field is not editable'],
    [140004, 'Enrollment is not supported for CA'],
    [140005, 'API key is not configured'],
    [140006, 'Invalid renewal certificate'],
    [140007, 'Certificate order type is not editable'],
    [2012, 'User license is not authorized to run this API.'],
    [148100, 'User does not have required permissions'],
    [148101, 'User has exhausted the allocated number of licenses'],
    [148200, 'Invalid certificate order'],
    [1920, 'API resource is not editable'],
  ] as const)('%i renders its Appendix text in the coded envelope', (code, text) => {
    const r = render(certviewError(code));
    expect(r.status).toBe(CERTVIEW_ERRORS[code].status);
    expect(r.body).toEqual(body(code, text));
  });

  it('fills in the specifics of 1903, 1904, 1905 and 1907', () => {
    expect(render(missingParameters(['username', 'password'])).body).toEqual(
      body(1903, 'Missing required parameter(s): username, password'),
    );
    expect(render(onlyOneOf(['filter', 'filters'])).body).toEqual(
      body(1904, 'Please specify only one of these parameters: filter, filters'),
    );
    expect(render(invalidParameter('pageSize', 500, 'must be 1-200')).body).toEqual(
      body(1905, 'parameter pageSize has invalid value 500: must be 1-200'),
    );
    expect(render(invalidParameter('sort', undefined, 'unknown token')).body).toEqual(
      body(1905, 'parameter sort has invalid value: unknown token'),
    );
    expect(render(unsupportedCombination({ autoGenerateCSR: true, encodedCSR: 'MIIC' })).body).toEqual(
      body(
        1907,
        'The following combination of key=value pairs is not supported: autoGenerateCSR=true, encodedCSR=MIIC',
      ),
    );
  });

  it('echoed values are cut short and stripped of control characters', () => {
    const r = render(invalidParameter('filter', `a\nb\u0000${'x'.repeat(100)}`));
    const text = (r.body as { response: { text: string } }).response.text;
    expect(text).toBe(`parameter filter has invalid value ab${'x'.repeat(62)}…`);
  });

  it('datetime is UTC to the second', () => {
    expect(certviewDatetime(NOW)).toBe('2025-03-01T12:00:00Z');
  });
});

describe('core errors in CertView terms', () => {
  it('input errors: 1903 with every missing name, 1904, 1905 with value and reason', () => {
    expect(render(missing('certhash')).body).toEqual(body(1903, 'Missing required parameter(s): certhash'));
    expect(render(core('MISSING_ARGUMENT', 'x', { field: 'a', data: { names: ['a', 'b'] } })).body).toEqual(
      body(1903, 'Missing required parameter(s): a, b'),
    );
    expect(render(core('CONFLICTING_ARGUMENTS', 'x', { field: 'filter,filters' })).body).toEqual(
      body(1904, 'Please specify only one of these parameters: filter, filters'),
    );
    expect(render(invalid('pageSize', 'must be 1-200')).body).toEqual(
      body(1905, 'parameter pageSize has invalid value: must be 1-200'),
    );
    expect(
      render(core('INVALID_ARGUMENT', 'pageSize: must be 1-200', { field: 'pageSize', data: { value: 500 } }))
        .body,
    ).toEqual(body(1905, 'parameter pageSize has invalid value 500: must be 1-200'));
    expect(render(core('CSR_BAD_SIGNATURE', 'The CSR has an invalid signature')).body).toEqual(
      body(1905, 'parameter csr has invalid value: The CSR has an invalid signature'),
    );
  });

  it('lookups and state: 148200, 1920, 140004', () => {
    expect(render(notFound('orderId')).status).toBe(404);
    expect(render(notFound('orderId')).body).toEqual(body(148200, 'Invalid certificate order'));
    expect(render(core('REQUEST_NOT_PENDING')).status).toBe(409);
    const ca = render(core('CA_NOT_INITIALISED'));
    expect(ca.body).toEqual(body(140004, 'Enrollment is not supported for CA'));
    expect(ca.log).toBe('warn');
  });

  it('authentication: gateway 401s, coded 403s, 429 with Retry-After', () => {
    const unauth = { status: 401, error: 'Unauthorized', message: 'Not authenticated' };
    expect(render(core('AUTH_FAILED'))).toEqual({ status: 401, headers: {}, body: unauth });
    expect(render(core('TOKEN_INVALID', 'x', { data: { presented: false } }))).toEqual({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="certview"' },
      body: unauth,
    });
    expect(render(core('TOKEN_INVALID')).headers['www-authenticate']).toBe(
      'Bearer realm="certview", error="invalid_token"',
    );
    expect(render(core('TOKEN_EXPIRED')).body).toEqual({
      status: 401,
      error: 'Unauthorized',
      message: 'JWT expired',
    });
    expect(render(core('PERMISSION_DENIED'))).toMatchObject({
      status: 403,
      body: body(148100, 'User does not have required permissions'),
    });
    expect(render(core('LICENSE_DENIED'))).toMatchObject({
      status: 403,
      body: body(2012, 'User license is not authorized to run this API.'),
    });
    expect(render(core('RATE_LIMITED', 'x', { data: { retryAfterSeconds: 61 } }))).toEqual({
      status: 429,
      headers: { 'retry-after': '61', 'x-ratelimit-towait-sec': '61' },
      body: body(1965, 'Too many other API requests have run recently (i.e. rate limit)'),
    });
  });

  it('internal failures and anything unknown: a generic 500 with the request id, logged', () => {
    for (const e of [
      core('INTERNAL', 'db password is hunter2'),
      core('CA_KEY_UNAVAILABLE'),
      new Error('boom at /x'),
      'a string',
      null,
    ]) {
      const r = render(e);
      expect(r).toEqual({
        status: 500,
        headers: {},
        body: {
          status: 500,
          error: 'Internal Server Error',
          message: 'Internal error',
          requestId: ctx.requestId,
        },
        log: 'error',
      });
    }
  });
});

describe("Fastify's own errors", () => {
  const fastifyError = (code: string, statusCode: number) =>
    Object.assign(new Error('fastify says'), { code, statusCode });

  it('JSON and media-type errors are 140001; a body too large is a gateway 413', () => {
    for (const code of [
      'FST_ERR_CTP_INVALID_JSON_BODY',
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    ]) {
      expect(render(fastifyError(code, 400)).body).toEqual(body(140001, 'Malformed json'));
    }
    expect(render(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toEqual({
      status: 413,
      headers: {},
      body: { status: 413, error: 'Payload Too Large', message: 'Payload Too Large' },
    });
  });

  it('schema validation: required → 1903, anything else → 1905 naming the field', () => {
    const validation = (v: object[]) =>
      Object.assign(new Error('body/x'), { code: 'FST_ERR_VALIDATION', statusCode: 400, validation: v });
    expect(
      render(
        validation([
          {
            keyword: 'required',
            instancePath: '',
            params: { missingProperty: 'certhash' },
            message: "must have required property 'certhash'",
          },
        ]),
      ).body,
    ).toEqual(body(1903, 'Missing required parameter(s): certhash'));
    expect(
      render(
        validation([
          { keyword: 'maximum', instancePath: '/pageSize', params: {}, message: 'must be <= 200' },
        ]),
      ).body,
    ).toEqual(body(1905, 'parameter pageSize has invalid value: must be <= 200'));
  });
});
