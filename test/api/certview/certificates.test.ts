import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../../src/core/ca/pem.js';
import { makeCsr } from '../../helpers/csr.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { storeFactories } from '../../helpers/stores.js';

const EV_ROOT = readFileSync(
  join(import.meta.dirname, '../../fixtures/inventory/digicert-high-assurance-ev-root-ca.pem'),
  'utf8',
);

describe.each(storeFactories)('CertView certificate endpoints on $name', (factory) => {
  let s: CertviewStack;
  let admin: string;
  let reader: string;
  let www: { pem: string; withChain: string; certhash: string };
  let api: { pem: string; withChain: string; certhash: string };

  const post = (url: string, payload: unknown, token = reader) =>
    s.call(token, { url, payload: payload as object, headers: { 'content-type': 'application/json' } });
  const list = async (payload: unknown, url = '/certview/v1/certificates') => {
    const res = await post(url, payload);
    expect(res.statusCode, res.body).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire objects
    return json(res) as any[];
  };

  /** A host certificate from certgrid's own CA, as PEM. */
  async function hostCert(cn: string, dnsNames: string[]) {
    const csr = makeCsr({ cn });
    const spki = csr.privateKey.asymmetricKeyType
      ? (await import('node:crypto')).createPublicKey(csr.privateKey).export({ type: 'spki', format: 'der' })
      : Buffer.alloc(0);
    const now = s.clock.now();
    const issued = await s.certgrid.ca.issue({ profile: 'grid_host', commonName: cn, dnsNames }, spki, {
      notBefore: now,
      notAfter: new Date(now.getTime() + 20 * 86_400_000),
    });
    const bundle = await s.certgrid.ca.bundleFor(issued.der);
    return {
      pem: toPem(issued.der, 'CERTIFICATE'),
      withChain: bundle.certificatePem + bundle.intermediatePem + bundle.rootPem,
      certhash: issued.certhash,
    };
  }

  beforeAll(async () => {
    s = await startCertviewStack(factory);
    await s.certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid-test' });
    await s.user('admin', { role: 'PKI Admin', permissions: ['CERTVIEW.API.ACCESS'] });
    await s.user('reader', { role: 'Reader', permissions: ['CERTVIEW.API.ACCESS'] });
    admin = await s.token('admin');
    reader = await s.token('reader');
    www = await hostCert('www.example.com', ['example.com']);
    api = await hostCert('api.example.org', []);
    for (const [content, asset] of [
      [
        www.withChain,
        {
          name: 'server1',
          operatingSystem: 'NetScaler',
          address: '192.0.2.10',
          tags: ['Internet Facing Assets'],
        },
      ],
      [api.pem, { name: 'server2' }],
      [EV_ROOT, undefined],
    ] as const) {
      const res = await post('/certview/v1/certificates/import', { certificates: content, asset }, admin);
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(() => s.close());

  it('lists certificates as a top-level array in the basic shape of the spec', async () => {
    const page = await list({ filter: 'subject.name:`www.example.com`', pageNumber: 0, pageSize: 1 });
    expect(page).toHaveLength(1);
    const c = page[0];
    expect(Object.keys(c).sort()).toEqual(
      [
        'keySize',
        'subject',
        'validFrom',
        'signatureAlgorithm',
        'issuer',
        'rootissuer',
        'instanceCount',
        'dn',
        'certhash',
        'assets',
        'selfSigned',
        'validTo',
        'issuerCategory',
        'subjectAlternativeNames',
        'lastFound',
        'extendedValidation',
        'orderStatus',
      ].sort(),
    );
    expect(c).toMatchObject({
      keySize: 256,
      signatureAlgorithm: 'SHA256withECDSA',
      certhash: www.certhash,
      selfSigned: false,
      extendedValidation: false,
      subject: { name: 'www.example.com', organizationUnit: [] },
      subjectAlternativeNames: { 'DNS Name': ['www.example.com', 'example.com'], 'IP Address': null },
      dn: 'CN=www.example.com',
    });
    expect(typeof c.validFrom).toBe('number');
    expect(c.validTo - c.validFrom).toBe(20 * 86_400_000);
    expect(c.assets).toHaveLength(1);
    expect(c.assets[0]).toMatchObject({
      name: 'server1',
      operatingSystem: 'NetScaler',
      tags: [{ name: 'Internet Facing Assets' }],
      assetInterfaces: [{ hostname: '', address: '192.0.2.10' }],
      hostInstances: [],
    });
  });

  it('links certgrid-issued certificates to its CA chain and calls them approved', async () => {
    const [c] = await list({ filter: `certhash:${www.certhash}` });
    const chain = await s.certgrid.ca.chain();
    expect(c.issuer.certhash).not.toBeNull();
    expect(c.rootissuer.name).toMatch(/certgrid-test/);
    expect(c.rootissuer.certhash).toMatch(/^[0-9a-f]{64}$/);
    expect(chain.rootDer.length).toBeGreaterThan(0);
    expect(c.issuerCategory).toBe('approved');
  });

  it('adds the extended fields with certificateDetails=extended', async () => {
    const [c] = await list({ filter: `certhash:${www.certhash}`, certificateDetails: 'extended' });
    expect(c.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(c.rawData).toBe(www.pem.trimEnd());
    expect(c.keyUsage).toEqual(['Digital signature', 'Key agreement']);
    expect(c.enhancedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(c.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
    expect(c.authKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reads a public EV root as self-signed with its real facts', async () => {
    const [c] = await list({ filter: 'selfSigned:true AND subject.organization:DigiCert' });
    expect(c).toMatchObject({
      selfSigned: true,
      issuerCategory: 'self-signed',
      keySize: 2048,
      signatureAlgorithm: 'SHA1withRSA',
      subject: {
        name: 'DigiCert High Assurance EV Root CA',
        organization: 'DigiCert Inc',
        organizationUnit: ['www.digicert.com'],
      },
    });
    expect(c.rootissuer.certhash).toBe(c.certhash);
  });

  it('filters with QQL old and new formats alike, and with structured filters', async () => {
    const hashes = (page: { certhash: string }[]) => page.map((c) => c.certhash).sort();
    // The bundle's chain was imported onto server1 too.
    expect(await list({ filter: 'asset.name:server1' })).toHaveLength(3);
    expect(hashes(await list({ filter: 'asset.name:server1 AND type:Leaf' }))).toEqual([www.certhash]);
    expect(hashes(await list({ filter: 'asset:(name:server1) AND type:Leaf' }))).toEqual([www.certhash]);
    expect(
      hashes(
        await list({
          filter: "asset.tagName:'Internet Facing Assets' AND NOT type:Root AND NOT type:Intermediate",
        }),
      ),
    ).toEqual([www.certhash]);
    expect(
      hashes(
        await list({
          filters: [{ field: 'subject.name', operator: 'CONTAINS', value: 'example' }],
          operation: 'AND',
        }),
      ),
    ).toEqual([www.certhash, api.certhash].sort());
    expect(
      hashes(
        await list({
          filter: { filters: [{ field: 'subject.name', operator: 'EQUALS', value: 'api.example.org' }] },
        }),
      ),
    ).toEqual([api.certhash]);
  });

  it('pages and sorts; a page past the end is 200 []', async () => {
    const all = await list({ pageSize: 200, sort: '[{"subject.name":"asc"}]' });
    expect(all.map((c) => c.subject.name).slice(0, 2)).toEqual([
      'DigiCert High Assurance EV Root CA',
      'api.example.org',
    ]);
    const second = await list({ pageSize: 1, pageNumber: 1, sort: [{ 'subject.name': 'asc' }] });
    expect(second.map((c) => c.certhash)).toEqual([all[1].certhash]);
    expect(await list({ pageSize: 10, pageNumber: 50 })).toEqual([]);
    expect((await list({})).length).toBeLessThanOrEqual(10);
  });

  it('answers v2 items with exactly the documented keys', async () => {
    const [c] = await list(
      { filter: `certhash:${www.certhash}`, includes: ['ASSET_INTERFACES', 'ASSET_TAGS'] },
      '/certview/v2/certificates',
    );
    expect(Object.keys(c)).toEqual([
      'id',
      'certhash',
      'keySize',
      'serialNumber',
      'validToDate',
      'validTo',
      'validFromDate',
      'validFrom',
      'signatureAlgorithm',
      'extendedValidation',
      'createdDate',
      'dn',
      'subject',
      'updateDate',
      'lastFound',
      'imported',
      'selfSigned',
      'issuer',
      'issuerCategory',
      'instanceCount',
      'assetCount',
      'sources',
      'assets',
      'type',
      'rootissuer',
    ]);
    expect(c.validToDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
    expect(Date.parse(c.validToDate)).toBe(c.validTo);
    expect(c).toMatchObject({ type: 'Leaf', imported: true, sources: ['IMPORT'], assetCount: 1 });
    expect(Object.keys(c.assets[0])).toEqual([
      'id',
      'uuid',
      'netbiosName',
      'name',
      'operatingSystem',
      'hostInstances',
      'assetInterfaces',
      'tags',
      'primaryIp',
    ]);
    expect(c.assets[0].tags).toEqual([{ name: 'Internet Facing Assets', uuid: expect.any(String) }]);
    const [lean] = await list(
      { filter: `certhash:${www.certhash}`, excludeFields: ['assets', 'rootissuer'] },
      '/certview/v2/certificates',
    );
    expect(lean).not.toHaveProperty('assets');
    expect(lean).not.toHaveProperty('rootissuer');
    const [plain] = await list({ filter: `certhash:${www.certhash}` }, '/certview/v2/certificates');
    expect(plain.assets[0].tags).toEqual([]);
  });

  it('lists the assets of one certificate, with attributes on demand', async () => {
    const url = `/certview/v1/certificates/${www.certhash}/assets`;
    const res = await post(url, {});
    expect(res.statusCode).toBe(200);
    const [a] = json(res);
    expect(Object.keys(a).sort()).toEqual(
      [
        'netbiosName',
        'assetId',
        'name',
        'operatingSystem',
        'created',
        'updated',
        'assetInterfaces',
        'certificateCount',
      ].sort(),
    );
    const [withTags] = json(await post(url, { attributes: 'tags,hostInstances' }));
    expect(withTags.tags).toEqual([{ name: 'Internet Facing Assets', uuid: expect.any(String) }]);
    expect(withTags.hostInstances).toEqual([]);
    expect(json(await post(url, { filter: 'name:server2' }))).toEqual([]);
    expect(json(await post(`/certview/v1/certificates/${'0'.repeat(64)}/assets`, {}))).toEqual([]);
  });

  it('shows a certificate issued through the Grid API at once', async () => {
    const { apiKey } = await s.certgrid.accounts.createApiKey({
      customerName: s.customerName,
      username: 'admin',
    });
    const res = await s.inject({
      method: 'POST',
      url: '/enterprise/api/?action=grid_request_email_cert',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        customer_name: s.customerName,
        customer_api_key: apiKey,
        full_name: 'Ada Lovelace',
        email: 'ada@example.com',
        csr: makeCsr().pem,
      }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [c] = await list({ filter: 'subject.name:`Ada Lovelace`' }, '/certview/v2/certificates');
    expect(c).toMatchObject({ sources: ['CA'], imported: false, issuerCategory: 'approved', type: 'Leaf' });
  });

  it.each([
    [{ pageSize: 500 }, 1905, /parameter pageSize has invalid value 500: must be 1-200/],
    [{ pageSize: 'ten' }, 1905, /parameter pageSize has invalid value ten/],
    [{ pageNumber: -1 }, 1905, /pageNumber/],
    [{ pageNumber: 50, pageSize: 200 }, 1905, /first 10000 records/],
    [{ certificateDetails: 'full' }, 1905, /certificateDetails.*basic, extended/],
    [{ sort: '[{"nosuch":"asc"}]' }, 1905, /cannot sort by 'nosuch'/],
    [{ sort: 'lastFound desc' }, 1905, /sort/],
    [{ filter: 'subject.name:(' }, 1905, /parameter filter has invalid value.*position/],
    [{ filter: 'nosuch:1' }, 1905, /unknown token 'nosuch'/],
    [{ filter: 'a:b', filters: [] }, 1904, /Please specify only one of these parameters: filter, filters/],
    [{ assetType: 'SOME' }, 1905, /assetType/],
  ])('rejects %j with %i', async (payload, code, text) => {
    const res = await post('/certview/v1/certificates', payload);
    expect(res.statusCode).toBe(400);
    expect(json(res).response.code).toBe(code);
    expect(json(res).response.text).toMatch(text);
  });

  it('answers 140001 for a body that is not a JSON object', async () => {
    for (const payload of ['{"filter":', '[1,2]', '"text"']) {
      const res = await s.call(reader, {
        url: '/certview/v1/certificates',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(json(res).response.code).toBe(140001);
    }
  });

  it('imports idempotently, refuses readers and bad files', async () => {
    const again = await post('/certview/v1/certificates/import', { certificates: www.pem }, admin);
    expect(json(again)).toEqual({
      imported: 1,
      added: 0,
      certificates: [{ certhash: www.certhash, added: false }],
    });
    const raw = await s.call(admin, {
      url: '/certview/v1/certificates/import?asset=raw-host',
      payload: Buffer.from(www.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
      headers: { 'content-type': 'application/pkix-cert' },
    });
    expect(json(raw)).toMatchObject({ imported: 1, added: 0 });
    expect(
      (await post('/certview/v1/certificates/import', { certificates: www.pem }, reader)).statusCode,
    ).toBe(403);
    const bad = await post('/certview/v1/certificates/import', { certificates: 'not a certificate' }, admin);
    expect(bad.statusCode).toBe(400);
    expect(json(bad).response.code).toBe(1905);
    const missing = await post('/certview/v1/certificates/import', {}, admin);
    expect(json(missing).response.code).toBe(1903);
    const badTags = await post(
      '/certview/v1/certificates/import',
      { certificates: www.pem, asset: { name: 'x', tags: 'not-a-list' } },
      admin,
    );
    expect(json(badTags).response).toMatchObject({ code: 1905, text: expect.stringMatching(/asset\.tags/) });
    const noName = await post(
      '/certview/v1/certificates/import',
      { certificates: www.pem, asset: {} },
      admin,
    );
    expect(json(noName).response).toMatchObject({ code: 1903, text: expect.stringMatching(/asset\.name/) });
  });

  it('needs a bearer token', async () => {
    const res = await s.call(null, { url: '/certview/v1/certificates', payload: {} });
    expect(res.statusCode).toBe(401);
  });
});
