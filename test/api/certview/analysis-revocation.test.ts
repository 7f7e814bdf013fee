import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinConnector } from '../../../src/core/enrollment/index.js';
import { toPem } from '../../../src/core/ca/pem.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { makeCsr } from '../../helpers/csr.js';
import { startNodeTlsServer, type InProcessServer } from '../../helpers/tls/node-server.js';
import { storeFactories } from '../../helpers/stores.js';

/**
 * A certificate certgrid's CA issued, served by a real TLS server on loopback: trusted by the certgrid
 * store while good, and judged revoked (grade T, trust verdict "revoked") once its CA has revoked it,
 * from certgrid's own CRL.
 */
describe.each(storeFactories)('scanned certgrid-issued certificates and revocation on $name', (factory) => {
  let s: CertviewStack;
  let token: string;
  let server: InProcessServer;
  let port: number;
  let caOrderId: string;

  const analyze = async () => {
    const res = await s.call(token, {
      url: '/certview/v1/analyze',
      payload: { host: 'localhost', ports: [port] },
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = await s.call(token, {
      url: '/certview/v1/getEndpointData',
      payload: { ip: '127.0.0.1', port },
      headers: { 'content-type': 'application/json' },
    });
    return { endpoint: json(res).endpoints[0], details: json(data)[0].details };
  };

  beforeAll(async () => {
    s = await startCertviewStack(factory, {
      realTime: true,
      resolver: { addresses: async () => ['127.0.0.1'], reverseName: async () => 'localhost' },
    });
    await s.certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid' });
    const userId = await s.user('pki', { role: 'PKI Admin', permissions: ['CERTVIEW.API.ACCESS'] });
    token = await s.token('pki');
    const ctx = {
      principal: { accountId: s.accountId, userId, username: 'pki', role: 'PKI Admin' },
      ip: '127.0.0.1',
    };
    const org = await s.certgrid.catalog.createOrganization(s.accountId, {
      name: 'Example, Inc',
      country: 'US',
    });
    const [inter] = await s.certgrid.ca
      .describe()
      .then((cas) => cas.filter((c) => c.role === 'intermediate'));
    const csr = makeCsr({ cn: 'localhost' });
    const { order } = await s.certgrid.enrollment.createOrder(ctx, {
      approverUserNames: ['pki'],
      intermediateCA: { certhash: inter!.certhash },
      certificate: {
        commonName: 'localhost',
        autoGenerateCSR: false,
        encodedCSR: csr.pem,
        organizationUnits: [],
        signatureHash: 'SHA-256',
        dnsNames: null,
      },
      renewal: null,
      validity: { validityDays: 30 },
      digicertOrganizationId: org.id,
      digicertProductNameId: 'private_ssl_plus',
      digicertEVApproverUserIds: null,
      comment: '',
    });
    const issued = await s.certgrid.enrollment.changeOrderStatus(ctx, order.uuid, {
      status: 'APPROVED',
      comment: 'ok',
    });
    expect(issued.status).toBe('ISSUED');
    caOrderId = issued.caOrderId!;
    const row = await s.store.db
      .selectFrom('orders')
      .select('cert_der')
      .where('certhash', '=', issued.certhash!)
      .executeTakeFirstOrThrow();
    const chain =
      toPem(Buffer.from(row.cert_der as Uint8Array), 'CERTIFICATE') +
      (await s.certgrid.ca.chain()).issuingPem;
    server = await startNodeTlsServer({
      minVersion: 'TLSv1.2',
      key: csr.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      cert: chain,
    });
    port = server.port;
  });
  afterAll(async () => {
    await server?.stop();
    await s?.close();
  });

  it('is trusted by the certgrid store while good, and revoked (T) once its CA revoked it', async () => {
    const good = await analyze();
    const trust = good.details.certChains[0].trustPaths.flatMap((p: { trust: unknown[] }) => p.trust);
    expect(trust).toContainEqual(expect.objectContaining({ rootStore: 'certgrid', isTrusted: true }));
    expect(good.endpoint.grade).not.toBe('T');

    const repos = createRepositories(s.store.db, s.store.dialect);
    const connector = createBuiltinConnector({
      ca: s.certgrid.ca,
      orders: repos.grid,
      audit: s.certgrid.audit,
      clock: s.clock,
    });
    await connector.revoke(s.accountId, caOrderId, 'superseded');

    const revoked = await analyze();
    expect(revoked.endpoint.grade).toBe('T');
    const after = revoked.details.certChains[0].trustPaths.flatMap((p: { trust: unknown[] }) => p.trust);
    expect(after).toContainEqual(expect.objectContaining({ rootStore: 'certgrid', isTrusted: false }));
    // SSL Labs Cert.issues bit 4: revoked.
    expect(
      revoked.details.certChains[0].certs?.[0]?.issues ?? revoked.details.certChains[0].issues,
    ).toBeDefined();
  });
});
