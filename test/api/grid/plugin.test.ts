import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { APPROVED_ISSUE, APPROVED_REVOKE } from '../../../src/api/grid/actions/grid-approve-request.js';
import { SPEC_ERROR_CODES } from '../../../src/api/grid/errors.js';
import type { PkiPublisher } from '../../../src/core/ca/publisher.js';
import { CertgridError } from '../../../src/core/errors.js';
import type { GridService, Principal } from '../../../src/core/grid/types.js';
import { buildApp } from '../../../src/server/app.js';

/**
 * The adapter alone, over a scripted GridService: wire parsing, dispatch, envelope, statuses.
 * The full stack (real core and store) is exercised in grid-api.test.ts.
 */

const principal: Principal = { accountId: 7, accountName: 'acme', userId: 3, userName: 'API key 1' };
const bundle = {
  serialHex: '0a1b',
  certificatePem: 'LEAF\n',
  intermediatePem: 'INTER\n',
  rootPem: 'ROOT\n',
  pkcs7Pem: 'P7\n',
};

function fakeGrid() {
  return {
    authenticate: vi.fn(async (name: string, key: string) => {
      if (name !== 'acme' || key !== 'k') throw new CertgridError('AUTH_FAILED', 'no such key');
      return principal;
    }),
    requestHostCert: vi.fn(async () => ({ requestId: 12776 })),
    requestHostRevoke: vi.fn(async () => ({ requestId: 12762 })),
    listPendingRequests: vi.fn(async () => []),
    approveRequest: vi.fn(async (): Promise<{ orderId: number; requestType: 'issue' | 'revoke' }> => ({
      orderId: 276176,
      requestType: 'issue',
    })),
    rejectRequest: vi.fn(async () => ({ commonName: 'example.com' })),
    retrieveHostCert: vi.fn(async () => ({ ...bundle, orderId: 276176 })),
    certificateDetails: vi.fn(async () => ({
      status: 'issued' as const,
      orderId: 276176,
      productName: 'Grid Host',
      serverType: 'OTHER',
      validityYears: 1,
      orgUnit: '',
      commonName: 'example.com',
      sans: ['test.example.com'],
      serialHex: '07c2ede4',
      validFrom: new Date('2012-01-19T10:00:00Z'),
      validTill: new Date('2013-01-23T10:00:00Z'),
      certificatePem: 'LEAF\n',
    })),
    requestEmailCert: vi.fn(async () => ({ ...bundle, clientId: 3405 })),
    retrieveEmailCert: vi.fn(async () => ({ ...bundle, clientId: 3405 })),
    revokeEmailCert: vi.fn(async () => ({ clientId: 3405 })),
    retrieveLogs: vi.fn(async () => [
      {
        dateTime: new Date('2012-01-18T17:24:44Z'),
        userId: 12345,
        userName: 'Joe Bloggs',
        ipAddress: '64.78.193.228',
        ipCountry: 'us',
        status: 'successful' as const,
        event: 'make request',
        message: 'Certificate for names: example.com, Years: 1',
      },
    ]),
    recordFailure: vi.fn(async () => {}),
  } satisfies GridService;
}

const pki: PkiPublisher = {
  crl: async () => null,
  ocsp: async () => Buffer.alloc(0),
  caCertificate: async () => null,
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const AUTH = { customer_name: 'acme', customer_api_key: 'k' };

describe('Grid API adapter over a scripted core', () => {
  let app: FastifyInstance;
  let grid: ReturnType<typeof fakeGrid>;
  const logged: unknown[] = [];

  beforeAll(async () => {
    grid = fakeGrid();
    app = await buildApp({
      grid,
      pki,
      logger: { level: 'error', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
    });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    vi.clearAllMocks();
    logged.length = 0;
  });

  const post = async (
    action: string | null,
    fields: Record<string, string>,
    opts: { xml?: boolean } = {},
  ) => {
    const res = await app.inject({
      method: 'POST',
      url: `/enterprise/api/${action === null ? '' : `?action=${action}`}`,
      headers: FORM,
      payload: new URLSearchParams({
        ...AUTH,
        ...(opts.xml ? { response_type: 'xml' } : {}),
        ...fields,
      }).toString(),
    });
    return {
      res,
      json: opts.xml ? undefined : (JSON.parse(res.body) as { response: Record<string, unknown> }),
    };
  };
  const codesOf = (json: { response: Record<string, unknown> } | undefined) =>
    (json?.response.error_codes as { code: string }[]).map((e) => e.code);

  it('grid_request_host_cert passes typed input to the core and returns request_id', async () => {
    const { res, json } = await post('grid_request_host_cert', {
      common_name: ' example.com ',
      csr: 'CSR',
      sans: 'a.example.com, b.example.com',
      service_name: 'sams',
      server_type: '2',
      comment: 'please',
      validity: '2',
      hash: 'sha384',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json).toEqual({ response: { result: 'success', return: { request_id: 12776 } } });
    expect(grid.authenticate).toHaveBeenCalledWith('acme', 'k', { ip: '127.0.0.1', origin: 'api' });
    expect(grid.requestHostCert).toHaveBeenCalledWith(
      { ip: '127.0.0.1', origin: 'api', principal },
      {
        commonName: 'example.com',
        csr: 'CSR',
        serviceName: 'sams',
        sans: ['a.example.com', 'b.example.com'],
        serverType: 2,
        comments: 'please',
        orgUnit: undefined,
        validityYears: 2,
        hash: 'sha384',
      },
    );
  });

  it('answers XML with text/xml when response_type=xml', async () => {
    const { res } = await post(
      'grid_request_host_cert',
      { common_name: 'example.com', csr: 'CSR' },
      { xml: true },
    );
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toBe(
      '<?xml version="1.0"?>\n<response>\n  <result>success</result>\n  <return>\n    <request_id>12776</request_id>\n  </return>\n</response>\n',
    );
  });

  it('takes the action from the body, accepts no trailing slash, no Content-Type, text/plain and JSON', async () => {
    const body = new URLSearchParams({ ...AUTH, action: 'grid_list_pending_requests' }).toString();
    for (const req of [
      { url: '/enterprise/api/', headers: FORM, payload: body },
      { url: '/enterprise/api', headers: FORM, payload: body },
      { url: '/enterprise/api/', headers: {}, payload: body },
      { url: '/enterprise/api/', headers: { 'content-type': 'text/plain' }, payload: body },
      { url: '/enterprise/api/', headers: { 'content-type': 'application/octet-stream' }, payload: body },
      {
        url: '/enterprise/api/',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ ...AUTH, action: 'grid_list_pending_requests' }),
      },
      { url: `/enterprise/api/?${body}`, headers: {}, payload: '' },
    ]) {
      const res = await app.inject({ method: 'POST', ...req });
      expect(res.statusCode, JSON.stringify(req)).toBe(200);
      expect(JSON.parse(res.body), JSON.stringify(req)).toEqual({
        response: { result: 'success', return: { requests: [] } },
      });
    }
    expect(grid.listPendingRequests).toHaveBeenCalledTimes(7);
  });

  it('the query string action wins over the body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/enterprise/api/?action=grid_list_pending_requests',
      headers: FORM,
      payload: new URLSearchParams({ ...AUTH, action: 'grid_retrieve_logs' }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(grid.listPendingRequests).toHaveBeenCalledTimes(1);
    expect(grid.retrieveLogs).not.toHaveBeenCalled();
  });

  it('missing credentials → required_param:customer_name / customer_api_key, audited without a principal', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/enterprise/api/?action=grid_list_pending_requests',
      headers: FORM,
      payload: '',
    });
    expect(JSON.parse(res.body).response.error_codes).toEqual([
      {
        code: 'required_param:customer_name',
        description: 'The customer_name parameter is required for the API request you are making',
      },
      {
        code: 'required_param:customer_api_key',
        description: 'The customer_api_key parameter is required for the API request you are making',
      },
    ]);
    expect(grid.authenticate).not.toHaveBeenCalled();
    expect(grid.recordFailure).toHaveBeenCalledWith(
      { ip: '127.0.0.1', origin: 'api' },
      null,
      'login',
      expect.stringContaining('customer_name'),
    );
  });

  it('a wrong key → access_denied (HTTP 200, result failure)', async () => {
    const { res, json } = await post('grid_list_pending_requests', { customer_api_key: 'nope' });
    expect(res.statusCode).toBe(200);
    expect(json).toEqual({
      response: {
        result: 'failure',
        error_codes: [{ code: 'access_denied', description: 'Invalid customer_name or customer_api_key.' }],
        errors: ['Invalid customer_name or customer_api_key.'],
      },
    });
    expect(grid.listPendingRequests).not.toHaveBeenCalled();
  });

  it('an unknown or missing action → api_request_action_unavailable, after authentication', async () => {
    for (const action of ['grid_make_coffee', null]) {
      const { json } = await post(action, {});
      expect(codesOf(json)).toEqual(['api_request_action_unavailable']);
    }
    expect(grid.recordFailure).toHaveBeenCalledWith(
      expect.anything(),
      principal,
      'api request',
      'The API was called with unknown action "grid_make_coffee".',
    );
    expect((await post('grid_make_coffee', { customer_api_key: 'bad' })).json?.response.error_codes).toEqual([
      { code: 'access_denied', description: 'Invalid customer_name or customer_api_key.' },
    ]);
  });

  it('collects every parameter error, audits them under the action event, and never calls the core', async () => {
    const { json } = await post('grid_request_host_cert', { hash: 'sha1', server_type: 'x' });
    expect(codesOf(json)).toEqual([
      'required_param:common_name',
      'required_param:csr',
      'invalid_chars:server_type',
      'invalid_value:hash',
    ]);
    expect(json?.response.errors).toHaveLength(4);
    expect(grid.requestHostCert).not.toHaveBeenCalled();
    expect(grid.recordFailure).toHaveBeenCalledWith(
      { ip: '127.0.0.1', origin: 'api' },
      principal,
      'make request',
      expect.stringContaining('SHA-1 signatures are no longer accepted; use sha256.'),
    );
  });

  it('revoke / retrieve / details: order_id (or its alias id) or serial; neither → serial_or_order_id_required', async () => {
    expect((await post('grid_request_host_revoke', { id: '00276176', comment: 'gone' })).json).toEqual({
      response: { result: 'success', return: { request_id: 12762 } },
    });
    expect(grid.requestHostRevoke).toHaveBeenCalledWith(expect.anything(), {
      orderId: 276176,
      serial: undefined,
      comments: 'gone',
      reason: undefined,
    });
    for (const action of [
      'grid_request_host_revoke',
      'grid_retrieve_host_cert',
      'grid_certificate_details',
    ]) {
      expect(codesOf((await post(action, {})).json), action).toEqual(['serial_or_order_id_required']);
      expect(codesOf((await post(action, { order_id: '12x' })).json), action).toEqual([
        'invalid_chars:order_id',
      ]);
    }
    for (const action of ['grid_retrieve_email_cert', 'grid_email_revoke']) {
      expect(codesOf((await post(action, {})).json), action).toEqual(['serial_or_order_id_required']);
      expect(codesOf((await post(action, { client_id: 'abc' })).json), action).toEqual([
        'invalid_chars:client_id',
      ]);
    }
  });

  it('approve and reject return the spec messages; reject requires comments (required_param:note)', async () => {
    expect((await post('grid_approve_request', { request_id: '12776' })).json?.response.return).toEqual({
      order_id: '00276176',
      success_message: APPROVED_ISSUE,
    });
    grid.approveRequest.mockResolvedValueOnce({ orderId: 5, requestType: 'revoke' });
    expect((await post('grid_approve_request', { request_id: '12762' })).json?.response.return).toEqual({
      order_id: '00000005',
      success_message: APPROVED_REVOKE,
    });
    expect(
      (await post('grid_reject_request', { request_id: '1', comments: 'no' })).json?.response.return,
    ).toEqual({
      success_message: 'Rejected certificate request for example.com',
    });
    expect(codesOf((await post('grid_reject_request', {})).json)).toEqual([
      'required_param:request_id',
      'required_param:note',
    ]);
    expect(codesOf((await post('grid_approve_request', { request_id: 'one' })).json)).toEqual([
      'invalid_chars:request_id',
    ]);
  });

  it('certificate retrieval and details map to the spec fields', async () => {
    expect((await post('grid_retrieve_host_cert', { serial: '0a:1b' })).json?.response.return).toEqual({
      order_id: '00276176',
      serial: '0A1B',
      certs: { certificate: 'LEAF\n', intermediate: 'INTER\n', root: 'ROOT\n', pkcs7: 'P7\n' },
    });
    expect(grid.retrieveHostCert).toHaveBeenCalledWith(expect.anything(), {
      orderId: undefined,
      serial: '0a:1b',
    });
    expect((await post('grid_certificate_details', { order_id: '276176' })).json?.response.return).toEqual({
      order_details: { status: 'issued', order_id: '00276176' },
      certificate_details: {
        product_name: 'Grid Host',
        server_type: 'OTHER',
        validity: '1 Year(s)',
        org_unit: '',
        common_name: 'example.com',
        sans: ['test.example.com'],
        serial_number: '07C2EDE4',
        valid_from: '19-JAN-2012',
        valid_till: '23-JAN-2013',
        certificate: 'LEAF\n',
      },
    });
    expect(
      (await post('grid_request_email_cert', { full_name: 'Jo', email: 'jo@example.com', csr: 'C' })).json,
    ).toMatchObject({ response: { result: 'success', return: { client_id: 3405, serial: '0A1B' } } });
    expect(codesOf((await post('grid_request_email_cert', {})).json)).toEqual([
      'required_param:full_name',
      'required_param:email',
      'required_param:csr',
    ]);
    expect((await post('grid_email_revoke', { serial: '0A1B', reason: 'keyCompromise' })).json).toEqual({
      response: { result: 'success', return: { client_id: 3405 } },
    });
    expect(grid.revokeEmailCert).toHaveBeenCalledWith(expect.anything(), {
      clientId: undefined,
      serial: '0A1B',
      comments: undefined,
      reason: 'keyCompromise',
    });
  });

  it('grid_retrieve_logs passes typed filters with an exclusive date_end and renders the spec fields', async () => {
    const { res } = await post(
      'grid_retrieve_logs',
      {
        date_start: '2012-01',
        date_end: '2012-01',
        event_user_id: '12345',
        event: 'make request',
        status: 'successful',
        ip_address: '64.78.193.228',
        origin: 'api',
      },
      { xml: true },
    );
    expect(grid.retrieveLogs).toHaveBeenCalledWith(expect.anything(), {
      dateStart: new Date('2012-01-01T00:00:00Z'),
      dateEnd: new Date('2012-02-01T00:00:00Z'),
      eventUserId: 12345,
      event: 'make request',
      status: 'successful',
      ipAddress: '64.78.193.228',
      origin: 'api',
    });
    expect(res.body).toContain(
      [
        '    <logs>',
        '      <log>',
        '        <date_time>2012-01-18 17:24:44</date_time>',
        '        <user_id>12345</user_id>',
        '        <user_name>Joe Bloggs</user_name>',
        '        <ip_address>64.78.193.228</ip_address>',
        '        <ip_country>us</ip_country>',
        '        <status>successful</status>',
        '        <event>make request</event>',
        '        <message>Certificate for names: example.com, Years: 1</message>',
        '      </log>',
        '    </logs>',
      ].join('\n'),
    );
    const bad = await post('grid_retrieve_logs', {
      date_start: '2012-1-1x',
      date_end: 'soon',
      event_user_id: 'joe',
      status: 'ok',
      ip_address: '1.2.3',
      origin: 'web',
    });
    expect(codesOf(bad.json)).toEqual([
      'invalid_format:date_start',
      'invalid_format:date_end',
      'invalid_chars:event_user_id',
      'invalid_value:status',
      'invalid_format:ip_address',
      'invalid_value:origin',
    ]);
  });

  it('an unexpected core failure → internal_error, logged with the request id, nothing leaked', async () => {
    grid.listPendingRequests.mockRejectedValueOnce(new Error('SQLITE_CORRUPT: secret detail'));
    const { res, json } = await post('grid_list_pending_requests', {});
    expect(res.statusCode).toBe(200);
    expect(json?.response.error_codes).toEqual([
      { code: 'internal_error', description: SPEC_ERROR_CODES.internal_error },
    ]);
    expect(res.body).not.toContain('SQLITE');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ reqId: expect.any(String), action: 'grid_list_pending_requests' });
  });

  it('a failing audit write does not change the answer', async () => {
    grid.recordFailure.mockRejectedValueOnce(new Error('db down'));
    const { json } = await post('grid_reject_request', { request_id: '1' });
    expect(codesOf(json)).toEqual(['required_param:note']);
    expect(logged).toHaveLength(1);
  });

  it('a body that cannot be read still gets an envelope (400 / 413), in the asked format', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/enterprise/api/?action=grid_list_pending_requests&response_type=xml',
      headers: { 'content-type': 'application/json' },
      payload: '{"customer_name":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(bad.body).toContain('<code>generic_error</code>');
    expect(bad.body).toContain('<description>The request body could not be read.</description>');

    const big = await app.inject({
      method: 'POST',
      url: '/enterprise/api/',
      headers: FORM,
      payload: `csr=${'A'.repeat(1024 * 1024 + 1)}`,
    });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).response.error_codes[0].code).toBe('generic_error');
  });

  it('POST only: other methods are not routed', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/enterprise/api/?action=grid_retrieve_logs' })).statusCode,
    ).toBe(404);
  });
});
