import { describe, expect, it } from 'vitest';
import { gridList, renderFailure, renderSuccess } from '../../../src/api/grid/envelope.js';
import { specError } from '../../../src/api/grid/errors.js';

const dedent = (s: string): string => s.replace(/^\n/, '');

describe('Grid response envelope', () => {
  it('XML success is byte for byte the spec example', () => {
    const r = renderSuccess('xml', { request_id: 12776 });
    expect(r.contentType).toBe('text/xml; charset=utf-8');
    expect(r.body).toBe(
      dedent(`
<?xml version="1.0"?>
<response>
  <result>success</result>
  <return>
    <request_id>12776</request_id>
  </return>
</response>
`),
    );
  });

  it('XML failure lists error_codes and the deprecated errors, as the spec example', () => {
    const r = renderFailure('xml', [
      specError('required_param:common_name'),
      specError('serial_or_order_id_required'),
    ]);
    expect(r.body).toBe(
      dedent(`
<?xml version="1.0"?>
<response>
  <result>failure</result>
  <error_codes>
    <error_code>
      <code>required_param:common_name</code>
      <description>The common_name parameter is required for the API request you are making</description>
    </error_code>
    <error_code>
      <code>serial_or_order_id_required</code>
      <description>The serial parameter or the order_id parameter is required for the requested action.</description>
    </error_code>
  </error_codes>
  <errors>
    <error>The common_name parameter is required for the API request you are making</error>
    <error>The serial parameter or the order_id parameter is required for the requested action.</error>
  </errors>
</response>
`),
    );
  });

  const listing = {
    requests: gridList('request', [
      {
        request_details: {
          request_id: 1007,
          status: 'pending',
          request_type: 'issue',
          comments: 'This is a comment.',
          request_date: '19-JAN-2011 5:05 PM',
        },
        submitted_details: {
          product_name: 'Grid Host',
          server_type: 'Apache',
          validity: '1 Year(s)',
          org_unit: 'Accounting',
          common_name: 'test.example.com',
          sans: gridList('san', ['testing.example.com']),
        },
      },
      {
        request_details: {
          request_id: 12761,
          status: 'pending',
          request_type: 'revoke',
          comments: '',
          request_date: '19-JAN-2012 2:18 AM',
        },
        submitted_details: {
          product_name: 'Grid Host',
          server_type: 'OTHER',
          validity: '1 Year(s)',
          org_unit: '',
          common_name: 'example.com',
          sans: gridList('san', []),
        },
      },
    ]),
  };

  it('XML lists repeat their item element and empty values self-close (the pending list example)', () => {
    expect(renderSuccess('xml', listing).body).toBe(
      dedent(`
<?xml version="1.0"?>
<response>
  <result>success</result>
  <return>
    <requests>
      <request>
        <request_details>
          <request_id>1007</request_id>
          <status>pending</status>
          <request_type>issue</request_type>
          <comments>This is a comment.</comments>
          <request_date>19-JAN-2011 5:05 PM</request_date>
        </request_details>
        <submitted_details>
          <product_name>Grid Host</product_name>
          <server_type>Apache</server_type>
          <validity>1 Year(s)</validity>
          <org_unit>Accounting</org_unit>
          <common_name>test.example.com</common_name>
          <sans>
            <san>testing.example.com</san>
          </sans>
        </submitted_details>
      </request>
      <request>
        <request_details>
          <request_id>12761</request_id>
          <status>pending</status>
          <request_type>revoke</request_type>
          <comments/>
          <request_date>19-JAN-2012 2:18 AM</request_date>
        </request_details>
        <submitted_details>
          <product_name>Grid Host</product_name>
          <server_type>OTHER</server_type>
          <validity>1 Year(s)</validity>
          <org_unit/>
          <common_name>example.com</common_name>
          <sans/>
        </submitted_details>
      </request>
    </requests>
  </return>
</response>
`),
    );
  });

  it('JSON mirrors the spec intro: lists are plain arrays, failures carry error_codes and errors', () => {
    const ok = renderSuccess('json', listing);
    expect(ok.contentType).toBe('application/json; charset=utf-8');
    const parsed = JSON.parse(ok.body) as { response: { result: string; return: { requests: unknown[] } } };
    expect(parsed.response.result).toBe('success');
    expect(parsed.response.return.requests).toHaveLength(2);
    expect(parsed.response.return.requests[0]).toMatchObject({
      request_details: { request_id: 1007, comments: 'This is a comment.' },
      submitted_details: { sans: ['testing.example.com'], org_unit: 'Accounting' },
    });
    expect(parsed.response.return.requests[1]).toMatchObject({
      submitted_details: { sans: [], org_unit: '' },
    });

    expect(JSON.parse(renderFailure('json', [specError('csr_invalid_signature')]).body)).toEqual({
      response: {
        result: 'failure',
        error_codes: [{ code: 'csr_invalid_signature', description: 'The CSR has an invalid signature' }],
        errors: ['The CSR has an invalid signature'],
      },
    });
    expect(JSON.parse(renderSuccess('json', {}).body)).toEqual({
      response: { result: 'success', return: {} },
    });
  });

  it('escapes markup and drops characters XML 1.0 cannot carry', () => {
    const r = renderSuccess('xml', { comments: `<a href="x">&'\u0001</a>`, user_id: null });
    expect(r.body).toContain('<comments>&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;</comments>');
    expect(r.body).toContain('<user_id/>');
    expect(JSON.parse(renderSuccess('json', { user_id: null }).body).response.return).toEqual({
      user_id: null,
    });
  });

  it('keeps PEM text intact inside elements', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB+/==\n-----END CERTIFICATE-----\n';
    const r = renderSuccess('xml', { certs: { certificate: pem } });
    expect(r.body).toContain(`<certificate>${pem}</certificate>`);
  });
});
