import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_ERROR_CODES } from '../../../src/api/grid/errors.js';
import { errorCodes, startGridStack, type GridStack } from '../../helpers/app.js';
import {
  clientCsr,
  runOpenssl,
  tamperSignature,
  weakKeyBlocklist,
  writeFile,
} from '../../helpers/client-csr.js';
import { makeCsr, opensslCsr } from '../../helpers/csr.js';
import { storeFactories } from '../../helpers/stores.js';
import { requireTool } from '../../helpers/tools.js';

/**
 * The Grid API through the whole stack (real core, CA and store, Fastify inject), on every store:
 * each action's happy path in JSON and XML, every error code it can produce, the aliases real
 * clients send, and the certificates checked by openssl.
 */

const hasOpenssl = requireTool('openssl', ['version']);

const REQUEST_DATE =
  /^\d{2}-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-\d{4} ([1-9]|1[0-2]):[0-5]\d (AM|PM)$/;
const DAY = /^\d{2}-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-\d{4}$/;

describe.skipIf(!hasOpenssl).each(storeFactories)('Grid API end to end ($name)', (factory) => {
  let s: GridStack;
  let other: { customerName: string; apiKey: string };
  let noApprovals: { customerName: string; apiKey: string };
  let work: string;
  let weakRsa: { pem: string };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'certgrid-api-csr-'));
    // A Debian-blocklisted key: the blocklist is configuration, read when the core is built.
    const weak = clientCsr(work, { key: 'rsa:2048', subject: '/CN=weak.example.com' });
    weakRsa = weak;
    s = await startGridStack(factory, {
      env: { CERTGRID_WEAK_KEY_BLOCKLISTS: weakKeyBlocklist(work, weak.keyPath, 2048) },
    });
    other = await s.certgrid.accounts.createCustomer('globex');
    noApprovals = await s.certgrid.accounts.createCustomer('initech', { apiApprovals: false });
  });

  afterAll(async () => {
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** request → approve; returns the ids and the approved order. */
  async function issueHost(cn = 'example.com', fields: Record<string, string> = {}) {
    const req = await s.grid('grid_request_host_cert', {
      common_name: cn,
      csr: makeCsr({ cn }).pem,
      ...fields,
    });
    expect(req.body.response, JSON.stringify(req.body)).toMatchObject({ result: 'success' });
    const requestId = req.body.response.return.request_id as number;
    const ok = await s.grid('grid_approve_request', { request_id: String(requestId) });
    expect(ok.body.response, JSON.stringify(ok.body)).toMatchObject({ result: 'success' });
    return { requestId, orderId: ok.body.response.return.order_id as string };
  }

  describe('host certificates', () => {
    it('request → list → approve → retrieve → details, in JSON, as the spec shapes them', async () => {
      const csr = opensslCsr('www.example.com', ['www.example.com', 'api.example.com']);
      const req = await s.grid('grid_request_host_cert', {
        common_name: 'www.example.com',
        csr: csr.pem,
        sans: 'www.example.com, alt.example.com',
        server_type: '2',
        comments: 'This is a comment.',
        org_unit: 'Accounting',
      });
      expect(req.res.statusCode).toBe(200);
      expect(req.res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(req.body).toEqual({
        response: { result: 'success', return: { request_id: expect.any(Number) } },
      });
      const requestId = req.body.response.return.request_id as number;

      const list = await s.grid('grid_list_pending_requests');
      const mine = (list.body.response.return.requests as { request_details: { request_id: number } }[]).find(
        (r) => r.request_details.request_id === requestId,
      );
      expect(mine).toEqual({
        request_details: {
          request_id: requestId,
          status: 'pending',
          request_type: 'issue',
          comments: 'This is a comment.',
          request_date: expect.stringMatching(REQUEST_DATE),
        },
        submitted_details: {
          product_name: 'Grid Host',
          server_type: 'Apache',
          validity: '1 Year(s)',
          org_unit: 'Accounting',
          common_name: 'www.example.com',
          sans: ['alt.example.com'],
        },
      });

      const approved = await s.grid('grid_approve_request', { request_id: String(requestId) });
      expect(approved.body.response.return).toEqual({
        order_id: expect.stringMatching(/^\d{8}$/),
        success_message: 'The request has been approved.  An approved order has been created.',
      });
      const orderId = approved.body.response.return.order_id as string;
      expect(orderId.startsWith('0')).toBe(true);

      const got = await s.grid('grid_retrieve_host_cert', { order_id: orderId });
      const ret = got.body.response.return;
      expect(ret).toEqual({
        order_id: orderId,
        serial: expect.stringMatching(/^[0-9A-F]+$/),
        certs: {
          certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          intermediate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          root: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          pkcs7: expect.stringContaining('-----BEGIN PKCS7-----'),
        },
      });

      // The same order by its unpadded id, by the `id` alias, and by serial (any case, with colons).
      const colons = (ret.serial as string).toLowerCase().replace(/(..)(?!$)/g, '$1:');
      const refs: Record<string, string>[] = [
        { order_id: String(Number(orderId)) },
        { id: orderId },
        { serial: colons },
      ];
      for (const fields of refs) {
        const again = await s.grid('grid_retrieve_host_cert', fields);
        expect(again.body.response.return.serial, JSON.stringify(fields)).toBe(ret.serial);
      }

      const details = await s.grid('grid_certificate_details', { serial: ret.serial as string });
      expect(details.body.response.return).toEqual({
        order_details: { status: 'issued', order_id: orderId },
        certificate_details: {
          product_name: 'Grid Host',
          server_type: 'Apache',
          validity: '1 Year(s)',
          org_unit: 'Accounting',
          common_name: 'www.example.com',
          sans: ['alt.example.com'],
          serial_number: ret.serial,
          valid_from: expect.stringMatching(DAY),
          valid_till: expect.stringMatching(DAY),
          certificate: ret.certs.certificate,
        },
      });

      // The leaf really carries those names, and openssl builds the chain to the root.
      const leaf = writeFile(work, 'www.pem', ret.certs.certificate as string);
      const root = writeFile(work, 'root.pem', ret.certs.root as string);
      const inter = writeFile(work, 'inter.pem', ret.certs.intermediate as string);
      expect(runOpenssl(['verify', '-CAfile', root, '-untrusted', inter, leaf])).toContain(': OK');
      const text = runOpenssl(['x509', '-in', leaf, '-noout', '-text']);
      expect(text).toContain('DNS:www.example.com');
      expect(text).toContain('DNS:alt.example.com');
      expect(text).toMatch(/OU\s*=\s*Accounting/);

      // The PKCS#7 holds all three certificates.
      const p7 = runOpenssl(['pkcs7', '-print_certs', '-noout'], { input: ret.certs.pkcs7 as string });
      expect(p7.match(/^subject=/gm)).toHaveLength(3);
      const p7pem = runOpenssl(['pkcs7', '-print_certs'], { input: ret.certs.pkcs7 as string });
      for (const pem of [ret.certs.certificate, ret.certs.intermediate, ret.certs.root] as string[]) {
        expect(p7pem.replace(/\s+/g, '')).toContain(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
      }
    });

    it('answers the same actions in XML', async () => {
      const req = await s.grid(
        'grid_request_host_cert',
        { common_name: 'xml.example.com', csr: makeCsr({ cn: 'xml.example.com' }).pem },
        { xml: true },
      );
      expect(req.res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const requestId = /<request_id>(\d+)<\/request_id>/.exec(req.res.body)?.[1];
      expect(req.res.body).toBe(
        `<?xml version="1.0"?>\n<response>\n  <result>success</result>\n  <return>\n    <request_id>${requestId}</request_id>\n  </return>\n</response>\n`,
      );

      const list = await s.grid('grid_list_pending_requests', {}, { xml: true });
      expect(list.res.body).toMatch(
        /^<\?xml version="1\.0"\?>\n<response>\n {2}<result>success<\/result>\n {2}<return>\n {4}<requests>\n {6}<request>\n {8}<request_details>\n/,
      );
      expect(list.res.body).toContain(
        [
          `          <request_id>${requestId}</request_id>`,
          '          <status>pending</status>',
          '          <request_type>issue</request_type>',
          '          <comments/>',
        ].join('\n'),
      );
      expect(list.res.body).toContain(
        [
          '          <product_name>Grid Host</product_name>',
          '          <server_type>OTHER</server_type>',
          '          <validity>1 Year(s)</validity>',
          '          <org_unit/>',
          '          <common_name>xml.example.com</common_name>',
          '          <sans/>',
        ].join('\n'),
      );

      const approved = await s.grid('grid_approve_request', { request_id: String(requestId) }, { xml: true });
      const orderId = /<order_id>(\d{8})<\/order_id>/.exec(approved.res.body)?.[1];
      expect(approved.res.body).toContain(
        '<success_message>The request has been approved.  An approved order has been created.</success_message>',
      );

      const got = await s.grid('grid_retrieve_host_cert', { order_id: orderId as string }, { xml: true });
      expect(got.res.body).toMatch(
        /<return>\n {4}<order_id>\d{8}<\/order_id>\n {4}<serial>[0-9A-F]+<\/serial>\n {4}<certs>\n {6}<certificate>-----BEGIN CERTIFICATE-----\n[\s\S]+<\/certificate>\n {6}<intermediate>-----BEGIN CERTIFICATE-----[\s\S]+<\/intermediate>\n {6}<root>-----BEGIN CERTIFICATE-----[\s\S]+<\/root>\n {6}<pkcs7>-----BEGIN PKCS7-----[\s\S]+<\/pkcs7>\n {4}<\/certs>\n {2}<\/return>/,
      );

      const details = await s.grid(
        'grid_certificate_details',
        { order_id: orderId as string },
        { xml: true },
      );
      expect(details.res.body).toContain(
        `    <order_details>\n      <status>issued</status>\n      <order_id>${orderId}</order_id>\n    </order_details>`,
      );
      expect(details.res.body).toMatch(/<valid_from>\d{2}-[A-Z]{3}-\d{4}<\/valid_from>/);
      expect(details.res.body).toContain('<sans/>');

      const failure = await s.grid('grid_retrieve_host_cert', {}, { xml: true });
      expect(failure.res.body).toBe(
        [
          '<?xml version="1.0"?>',
          '<response>',
          '  <result>failure</result>',
          '  <error_codes>',
          '    <error_code>',
          '      <code>serial_or_order_id_required</code>',
          `      <description>${SPEC_ERROR_CODES.serial_or_order_id_required}</description>`,
          '    </error_code>',
          '  </error_codes>',
          '  <errors>',
          `    <error>${SPEC_ERROR_CODES.serial_or_order_id_required}</error>`,
          '  </errors>',
          '</response>',
          '',
        ].join('\n'),
      );
    });

    it('service_name prefixes the common name; SANs default to the CSR; validity and hash are honoured', async () => {
      const csr = makeCsr({ cn: 'svc.example.com', dnsNames: ['svc.example.com', 'svc2.example.com'] });
      const req = await s.grid('grid_request_host_cert', {
        common_name: 'svc.example.com',
        csr: csr.pem,
        service_name: 'sams',
        validity: '2',
        hash: 'sha384',
        comment: 'alias of comments',
      });
      const requestId = req.body.response.return.request_id as number;
      const pending = (await s.grid('grid_list_pending_requests')).body.response.return.requests as {
        request_details: { request_id: number; comments: string };
        submitted_details: { sans: string[]; validity: string };
      }[];
      const mine = pending.find((r) => r.request_details.request_id === requestId);
      expect(mine?.request_details.comments).toBe('alias of comments');
      expect(mine?.submitted_details).toMatchObject({ sans: ['svc2.example.com'], validity: '2 Year(s)' });
      const { orderId } = {
        orderId: (await s.grid('grid_approve_request', { request_id: String(requestId) })).body.response
          .return.order_id as string,
      };
      const cert = (await s.grid('grid_retrieve_host_cert', { order_id: orderId })).body.response.return.certs
        .certificate as string;
      const text = runOpenssl(['x509', '-noout', '-text'], { input: cert });
      expect(text).toContain('CN = sams/svc.example.com');
      expect(text).toContain('ecdsa-with-SHA384');
      expect(text).toContain('DNS:svc2.example.com');
    });

    it('revocation: request → approve → cert_unavailable_revoked on retrieval, details say revoked', async () => {
      const { orderId } = await issueHost('revoke-me.example.com');
      const rq = await s.grid('grid_request_host_revoke', { order_id: orderId, comment: 'key lost' });
      expect(rq.body).toEqual({
        response: { result: 'success', return: { request_id: expect.any(Number) } },
      });
      const revokeId = rq.body.response.return.request_id as number;

      const pending = (await s.grid('grid_list_pending_requests')).body.response.return.requests as {
        request_details: { request_id: number; request_type: string; comments: string };
        submitted_details: { common_name: string };
      }[];
      expect(pending.find((r) => r.request_details.request_id === revokeId)).toMatchObject({
        request_details: { request_type: 'revoke', comments: 'key lost' },
        submitted_details: { common_name: 'revoke-me.example.com' },
      });

      const ok = await s.grid('grid_approve_request', { request_id: String(revokeId) });
      expect(ok.body.response.return).toEqual({
        order_id: orderId,
        success_message: 'The request has been approved.  The certificate has been revoked.',
      });
      const gone = await s.grid('grid_retrieve_host_cert', { order_id: orderId });
      expect(gone.body.response.error_codes).toEqual([
        { code: 'cert_unavailable_revoked', description: SPEC_ERROR_CODES.cert_unavailable_revoked },
      ]);
      expect(gone.res.statusCode).toBe(200);
      const details = await s.grid('grid_certificate_details', { order_id: orderId });
      expect(details.body.response.return.order_details).toEqual({ status: 'revoked', order_id: orderId });
    });

    it('reject: the spec message; then the request is api_request_not_available (also on double approve)', async () => {
      const req = await s.grid('grid_request_host_cert', {
        common_name: 'reject.example.com',
        csr: makeCsr({ cn: 'reject.example.com' }).pem,
      });
      const id = String(req.body.response.return.request_id);
      const noComment = await s.grid('grid_reject_request', { request_id: id });
      expect(noComment.body.response.error_codes).toEqual([
        { code: 'required_param:note', description: SPEC_ERROR_CODES['required_param:note'] },
      ]);
      const rejected = await s.grid('grid_reject_request', { request_id: id, comment: 'not ours' });
      expect(rejected.body).toEqual({
        response: {
          result: 'success',
          return: { success_message: 'Rejected certificate request for reject.example.com' },
        },
      });
      for (const action of ['grid_reject_request', 'grid_approve_request']) {
        const again = await s.grid(action, { request_id: id, comments: 'again' });
        expect(errorCodes(again), action).toEqual(['api_request_not_available']);
      }
      const { requestId } = await issueHost('twice.example.com');
      const twice = await s.grid('grid_approve_request', { request_id: String(requestId) });
      expect(twice.body.response.error_codes).toEqual([
        { code: 'api_request_not_available', description: SPEC_ERROR_CODES.api_request_not_available },
      ]);
    });

    it('an account without API approvals gets api_request_action_unavailable', async () => {
      const auth = { customerName: noApprovals.customerName, apiKey: noApprovals.apiKey };
      const req = await s.grid(
        'grid_request_host_cert',
        { common_name: 'initech.example.com', csr: makeCsr({ cn: 'initech.example.com' }).pem },
        auth,
      );
      const id = String(req.body.response.return.request_id);
      for (const action of ['grid_approve_request', 'grid_reject_request']) {
        const denied = await s.grid(action, { request_id: id, comments: 'x' }, auth);
        expect(denied.body.response.error_codes, action).toEqual([
          {
            code: 'api_request_action_unavailable',
            description: SPEC_ERROR_CODES.api_request_action_unavailable,
          },
        ]);
      }
    });

    it("another customer's requests and orders are not_found_in_account", async () => {
      const { requestId, orderId } = await issueHost('tenant.example.com');
      const serial = (await s.grid('grid_retrieve_host_cert', { order_id: orderId })).body.response.return
        .serial as string;
      const as = { customerName: other.customerName, apiKey: other.apiKey };
      const cases: [string, Record<string, string>, string][] = [
        ['grid_approve_request', { request_id: String(requestId) }, 'not_found_in_account:request_id'],
        [
          'grid_reject_request',
          { request_id: String(requestId), comments: 'x' },
          'not_found_in_account:request_id',
        ],
        ['grid_retrieve_host_cert', { order_id: orderId }, 'not_found_in_account:order_id'],
        ['grid_certificate_details', { order_id: orderId }, 'not_found_in_account:order_id'],
        ['grid_request_host_revoke', { order_id: orderId }, 'not_found_in_account:order_id'],
        ['grid_retrieve_host_cert', { serial }, 'not_found_in_account:serial'],
        ['grid_certificate_details', { serial }, 'not_found_in_account:serial'],
      ];
      for (const [action, fields, code] of cases) {
        const res = await s.grid(action, fields, as);
        expect(res.body.response.error_codes, `${action} ${JSON.stringify(fields)}`).toEqual([
          { code, description: SPEC_ERROR_CODES[code as keyof typeof SPEC_ERROR_CODES] },
        ]);
      }
    });

    it('parameter errors: required, invalid chars and formats, all in one answer', async () => {
      const none = await s.grid('grid_request_host_cert', { server_type: 'apache', hash: 'sha1' });
      expect(none.body.response.error_codes).toEqual([
        { code: 'required_param:common_name', description: SPEC_ERROR_CODES['required_param:common_name'] },
        { code: 'required_param:csr', description: SPEC_ERROR_CODES['required_param:csr'] },
        {
          code: 'invalid_chars:server_type',
          description: 'The server_type parameter you have posted contains invalid characters',
        },
        { code: 'invalid_value:hash', description: 'SHA-1 signatures are no longer accepted; use sha256.' },
      ]);
      expect(none.body.response.errors).toEqual(none.body.response.error_codes?.map((e) => e.description));

      const csr = makeCsr({ cn: 'example.com' }).pem;
      const cases: [Record<string, string>, string][] = [
        [{ common_name: 'bad name!.com', csr }, 'invalid_chars:common_name'],
        [{ common_name: 'example.com', sans: 'ok.example.com, not valid', csr }, 'invalid_chars:sans'],
        [{ common_name: 'example.com', service_name: 'sa/ms', csr }, 'invalid_format:service_name'],
        [{ common_name: 'example.com', validity: '9', csr }, 'invalid_value:validity'],
        [{ common_name: 'example.com', validity: 'one', csr }, 'invalid_chars:validity'],
      ];
      for (const [fields, code] of cases) {
        expect(errorCodes(await s.grid('grid_request_host_cert', fields)), code).toEqual([code]);
      }
      const ids: [string, Record<string, string>, string][] = [
        ['grid_retrieve_host_cert', {}, 'serial_or_order_id_required'],
        ['grid_certificate_details', {}, 'serial_or_order_id_required'],
        ['grid_request_host_revoke', {}, 'serial_or_order_id_required'],
        ['grid_retrieve_host_cert', { order_id: '12ab' }, 'invalid_chars:order_id'],
        ['grid_retrieve_host_cert', { serial: 'xyz' }, 'invalid_chars:serial'],
        ['grid_approve_request', {}, 'required_param:request_id'],
        ['grid_approve_request', { request_id: '#1' }, 'invalid_chars:request_id'],
        ['grid_retrieve_host_cert', { order_id: '99999999' }, 'not_found_in_account:order_id'],
        ['grid_approve_request', { request_id: '999999' }, 'not_found_in_account:request_id'],
        ['grid_retrieve_host_cert', { serial: '0102030405' }, 'not_found_in_account:serial'],
      ];
      for (const [action, fields, code] of ids) {
        expect(errorCodes(await s.grid(action, fields)), `${action} ${JSON.stringify(fields)}`).toEqual([
          code,
        ]);
      }
    });

    it('CSR problems get their csr_invalid_* codes', async () => {
      const cases: [string, string][] = [
        ['not a csr', 'csr_invalid_cannot_parse'],
        [
          '-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjAN\n-----END CERTIFICATE REQUEST-----',
          'csr_invalid_cannot_parse',
        ],
        [tamperSignature(clientCsr(work).pem), 'csr_invalid_signature'],
        [clientCsr(work, { key: 'rsa:1024' }).pem, 'csr_invalid_key_size_weak'],
        [clientCsr(work, { key: 'rsa:2560' }).pem, 'csr_invalid_key_size'],
        [clientCsr(work, { key: 'ec:secp256k1' }).pem, 'csr_invalid_key_size'],
        [clientCsr(work, { key: 'dsa:2048' }).pem, 'csr_invalid_key_type_dsa'],
        [clientCsr(work, { key: 'ed448' }).pem, 'csr_invalid_key_size'],
        [weakRsa.pem, 'csr_invalid_key_debian_weak'],
      ];
      for (const [csr, code] of cases) {
        const res = await s.grid('grid_request_host_cert', { common_name: 'example.com', csr });
        expect(res.body.response.error_codes, code).toEqual([
          { code, description: SPEC_ERROR_CODES[code as keyof typeof SPEC_ERROR_CODES] },
        ]);
      }
      // RSA 2048 from the openssl CLI, and a PEM whose + became spaces (curl -d without encoding).
      const good = clientCsr(work, { key: 'rsa:2048', subject: '/CN=rsa.example.com' }).pem;
      expect(
        (await s.grid('grid_request_host_cert', { common_name: 'rsa.example.com', csr: good })).body.response
          .result,
      ).toBe('success');
      let mangled = good;
      while (!mangled.includes('+')) mangled = clientCsr(work, { subject: '/CN=rsa.example.com' }).pem;
      const raw = `customer_name=acme&customer_api_key=${encodeURIComponent(s.apiKey)}&common_name=rsa.example.com&csr=${mangled.replace(/\n/g, '%0A')}`;
      const res = await s.app.inject({
        method: 'POST',
        url: '/enterprise/api/?action=grid_request_host_cert',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: raw,
      });
      expect(JSON.parse(res.body).response.result).toBe('success');
    });
  });

  describe('client certificates', () => {
    it('request → retrieve (client_id or serial) → revoke → cert_unavailable_revoked', async () => {
      const csr = makeCsr({ keyType: 'rsa2048' });
      const req = await s.grid('grid_request_email_cert', {
        full_name: 'Jane Bloggs',
        email: 'jane@example.com',
        csr: csr.pem,
        org_unit: 'Physics',
      });
      const ret = req.body.response.return;
      expect(ret).toEqual({
        client_id: expect.any(Number),
        serial: expect.stringMatching(/^[0-9A-F]+$/),
        certs: {
          certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          intermediate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          root: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
          pkcs7: expect.stringContaining('-----BEGIN PKCS7-----'),
        },
      });
      const leaf = writeFile(work, 'client.pem', ret.certs.certificate as string);
      const root = writeFile(work, 'croot.pem', ret.certs.root as string);
      const inter = writeFile(work, 'cinter.pem', ret.certs.intermediate as string);
      expect(runOpenssl(['verify', '-CAfile', root, '-untrusted', inter, leaf])).toContain(': OK');
      const text = runOpenssl(['x509', '-in', leaf, '-noout', '-text']);
      expect(text).toContain('email:jane@example.com');
      expect(text).toContain('Jane Bloggs');

      const byId = await s.grid('grid_retrieve_email_cert', { client_id: String(ret.client_id) });
      expect(byId.body.response.return).toEqual(ret);
      const bySerial = await s.grid(
        'grid_retrieve_email_cert',
        { serial: ret.serial as string },
        { xml: true },
      );
      expect(bySerial.res.body).toContain(`<client_id>${ret.client_id}</client_id>`);
      expect(bySerial.res.body).toContain(`<serial>${ret.serial}</serial>`);

      const theirs = await s.grid(
        'grid_retrieve_email_cert',
        { client_id: String(ret.client_id) },
        { customerName: other.customerName, apiKey: other.apiKey },
      );
      expect(errorCodes(theirs)).toEqual(['not_found_in_account:client_id']);

      const revoked = await s.grid('grid_email_revoke', {
        client_id: String(ret.client_id),
        reason: 'keyCompromise',
      });
      expect(revoked.body).toEqual({ response: { result: 'success', return: { client_id: ret.client_id } } });
      expect(errorCodes(await s.grid('grid_retrieve_email_cert', { serial: ret.serial as string }))).toEqual([
        'cert_unavailable_revoked',
      ]);
    });

    it('parameter errors of client certificates', async () => {
      const csr = makeCsr().pem;
      expect(errorCodes(await s.grid('grid_request_email_cert', {}))).toEqual([
        'required_param:full_name',
        'required_param:email',
        'required_param:csr',
      ]);
      const cases: [Record<string, string>, string][] = [
        [{ full_name: 'Jane', email: 'not-an-email', csr }, 'email_not_valid_email_format'],
        [{ full_name: 'Jane <script>', email: 'jane@example.com', csr }, 'invalid_chars:full_name'],
        [{ full_name: 'Jane', email: 'jane@example.com', csr: 'garbage' }, 'csr_invalid_cannot_parse'],
        [{ full_name: 'Jane', email: 'jane@example.com', csr, hash: 'SHA1' }, 'invalid_value:hash'],
      ];
      for (const [fields, code] of cases) {
        expect(errorCodes(await s.grid('grid_request_email_cert', fields)), code).toEqual([code]);
      }
      expect(errorCodes(await s.grid('grid_retrieve_email_cert', {}))).toEqual([
        'serial_or_order_id_required',
      ]);
      expect(errorCodes(await s.grid('grid_retrieve_email_cert', { client_id: 'x' }))).toEqual([
        'invalid_chars:client_id',
      ]);
      expect(errorCodes(await s.grid('grid_retrieve_email_cert', { client_id: '987654' }))).toEqual([
        'not_found_in_account:client_id',
      ]);
      expect(errorCodes(await s.grid('grid_email_revoke', { client_id: '1', reason: 'bored' }))).toEqual([
        'invalid_value:reason',
      ]);
    });
  });

  describe('authentication, transport and logs', () => {
    it('wrong or missing credentials', async () => {
      const wrong = await s.grid('grid_list_pending_requests', {}, { apiKey: 'not-the-key' });
      expect(wrong.res.statusCode).toBe(200);
      expect(wrong.body.response.error_codes).toEqual([
        { code: 'access_denied', description: 'Invalid customer_name or customer_api_key.' },
      ]);
      expect(errorCodes(await s.grid('grid_list_pending_requests', {}, { customerName: 'nobody' }))).toEqual([
        'access_denied',
      ]);
      expect(errorCodes(await s.grid('grid_list_pending_requests', {}, { noAuth: true }))).toEqual([
        'required_param:customer_name',
        'required_param:customer_api_key',
      ]);
      expect(errorCodes(await s.grid('grid_unknown_thing'))).toEqual(['api_request_action_unavailable']);
    });

    it('action in the body, no Content-Type, no trailing slash', async () => {
      const body = new URLSearchParams({
        action: 'grid_list_pending_requests',
        customer_name: s.customerName,
        customer_api_key: s.apiKey,
        response_type: 'xml',
      }).toString();
      for (const url of ['/enterprise/api/', '/enterprise/api']) {
        const res = await s.app.inject({ method: 'POST', url, payload: body });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
        expect(res.body).toContain('<result>success</result>');
      }
    });

    it('grid_retrieve_logs: the spec fields, newest first, and every filter', async () => {
      // Its own activity, so the test stands alone: a success, an approval and a parameter error.
      await issueHost('logs.example.com');
      await s.grid('grid_request_host_cert', { common_name: 'logs.example.com' });
      const users = await s.grid('grid_retrieve_logs');
      const logs = users.body.response.return.logs as {
        date_time: string;
        user_id: number | null;
        user_name: string;
        ip_address: string;
        ip_country: string;
        status: string;
        event: string;
        message: string;
      }[];
      expect(logs.length).toBeGreaterThanOrEqual(3);
      for (const l of logs) {
        expect(Object.keys(l)).toEqual([
          'date_time',
          'user_id',
          'user_name',
          'ip_address',
          'ip_country',
          'status',
          'event',
          'message',
        ]);
        expect(l.date_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
      const times = logs.map((l) => l.date_time);
      expect([...times].sort().reverse()).toEqual(times);
      expect(logs.some((l) => l.event === 'make request' && l.status === 'successful')).toBe(true);
      // Parameter errors caught by the adapter are in the log too, under the action's event.
      expect(logs.some((l) => l.event === 'make request' && l.status === 'failed')).toBe(true);
      const userId = logs.find((l) => l.event === 'approve request')?.user_id as number;

      const filtered = async (fields: Record<string, string>) =>
        (await s.grid('grid_retrieve_logs', fields)).body.response.return.logs as typeof logs;
      const failed = await filtered({ status: 'failed' });
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((l) => l.status === 'failed')).toBe(true);
      expect((await filtered({ event: 'approve request' })).every((l) => l.event === 'approve request')).toBe(
        true,
      );
      expect((await filtered({ event_user_id: String(userId) })).every((l) => l.user_id === userId)).toBe(
        true,
      );
      expect((await filtered({ ip_address: '127.0.0.1' })).length).toBeGreaterThanOrEqual(logs.length);
      expect(await filtered({ ip_address: '192.0.2.1' })).toEqual([]);
      expect((await filtered({ origin: 'api' })).length).toBeGreaterThanOrEqual(logs.length);
      expect(await filtered({ origin: 'ui' })).toEqual([]);
      const today = new Date().toISOString().slice(0, 10);
      expect(
        (await filtered({ date_start: today.slice(0, 4), date_end: today.slice(0, 7) })).length,
      ).toBeGreaterThanOrEqual(logs.length);
      expect((await filtered({ date_start: today, date_end: today })).length).toBeGreaterThanOrEqual(
        logs.length,
      );
      expect(await filtered({ date_end: '2012' })).toEqual([]);
      expect(await filtered({ date_start: '9999-12-31' })).toEqual([]);

      const xml = await s.grid('grid_retrieve_logs', { event: 'approve request' }, { xml: true });
      expect(xml.res.body).toMatch(
        /<logs>\n {6}<log>\n {8}<date_time>[\d-]{10} [\d:]{8}<\/date_time>\n {8}<user_id>\d+<\/user_id>\n {8}<user_name>[^<]+<\/user_name>\n {8}<ip_address>127\.0\.0\.1<\/ip_address>\n {8}(<ip_country\/>|<ip_country>[a-z]*<\/ip_country>)\n {8}<status>(successful|failed)<\/status>\n {8}<event>approve request<\/event>\n/,
      );

      const bad = await s.grid('grid_retrieve_logs', {
        date_start: '2012-13',
        date_end: '2012-02-30',
        event_user_id: 'joe',
        status: 'ok',
        ip_address: '999.1.1.1',
        origin: 'cli',
      });
      expect(bad.body.response.error_codes).toEqual([
        { code: 'invalid_format:date_start', description: SPEC_ERROR_CODES['invalid_format:date_start'] },
        { code: 'invalid_format:date_end', description: SPEC_ERROR_CODES['invalid_format:date_end'] },
        {
          code: 'invalid_chars:event_user_id',
          description: 'The event_user_id parameter you have posted contains invalid characters',
        },
        { code: 'invalid_value:status', description: SPEC_ERROR_CODES['invalid_value:status'] },
        { code: 'invalid_format:ip_address', description: SPEC_ERROR_CODES['invalid_format:ip_address'] },
        { code: 'invalid_value:origin', description: SPEC_ERROR_CODES['invalid_value:origin'] },
      ]);
    });
  });
});
