import { X509Certificate, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr, opensslCsr } from '../../helpers/csr.js';
import { openHarness, T0, type Harness } from '../../helpers/grid.js';
import { opensslVerify } from '../../helpers/openssl.js';
import { storeFactories } from '../../helpers/stores.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(storeFactories)('grid host certificates on $name', (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(factory);
  });
  afterAll(async () => {
    await h.close();
  });

  it('queues a request, lists it, and issues on approval a certificate openssl verifies', async () => {
    const a = await h.customer();
    const csr = opensslCsr('ignored.example.com');
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'WWW.Example.com',
      csr: csr.pem,
      sans: ['a.example.com', 'www.example.com', 'B.example.com', 'a.example.com'],
      serverType: 2,
      orgUnit: 'Accounting',
      comments: 'please',
    });
    expect(requestId).toBeGreaterThan(0);

    const pending = await h.certgrid.grid.listPendingRequests(a.ctx);
    expect(pending).toEqual([
      {
        requestId,
        status: 'pending',
        requestType: 'issue',
        comments: 'please',
        requestDate: T0,
        productName: 'Grid Host',
        serverType: 'Apache',
        validityYears: 1,
        orgUnit: 'Accounting',
        commonName: 'www.example.com',
        sans: ['a.example.com', 'b.example.com'],
      },
    ]);

    const approved = await h.certgrid.grid.approveRequest(a.ctx, { requestId, comments: 'ok' });
    expect(approved.requestType).toBe('issue');
    expect(await h.certgrid.grid.listPendingRequests(a.ctx)).toEqual([]);

    const bundle = await h.certgrid.grid.retrieveHostCert(a.ctx, { orderId: approved.orderId });
    expect(bundle.orderId).toBe(approved.orderId);
    expect(bundle.pkcs7Pem).toMatch(/^-----BEGIN PKCS7-----\n/);
    const x = new X509Certificate(bundle.certificatePem);
    expect(x.serialNumber.toUpperCase()).toBe(bundle.serialHex);
    expect(x.subject).toContain('CN=www.example.com');
    expect(x.subject).toContain('OU=Accounting');
    expect(x.subjectAltName).toBe('DNS:www.example.com, DNS:a.example.com, DNS:b.example.com');
    // notBefore = approval time − 5 min (clock skew margin); validity = 1 × 365 days.
    expect(new Date(x.validFrom).getTime()).toBe(T0.getTime() - 5 * 60 * 1000);
    expect(new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()).toBe(365 * DAY);
    // The certified key is the CSR's key.
    expect(x.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      createPublicKey(csr.keyPem).export({ type: 'spki', format: 'pem' }),
    );
    expect(opensslVerify(bundle.certificatePem, bundle, new Date(T0.getTime() + DAY), 'sslserver')).toMatch(
      /: OK\n/,
    );

    // By serial too, in any case and with colons.
    const colons = bundle.serialHex.toLowerCase().match(/../g)?.join(':') ?? '';
    const bySerial = await h.certgrid.grid.retrieveHostCert(a.ctx, { serial: colons });
    expect(bySerial.certificatePem).toBe(bundle.certificatePem);

    const details = await h.certgrid.grid.certificateDetails(a.ctx, { serial: bundle.serialHex });
    expect(details).toMatchObject({
      status: 'issued',
      orderId: approved.orderId,
      productName: 'Grid Host',
      serverType: 'Apache',
      validityYears: 1,
      orgUnit: 'Accounting',
      commonName: 'www.example.com',
      sans: ['a.example.com', 'b.example.com'],
      serialHex: bundle.serialHex,
      certificatePem: bundle.certificatePem,
    });
    expect(details.validFrom.getTime()).toBe(new Date(x.validFrom).getTime());
  });

  it('takes the SANs from the CSR when none are given, and prefixes the CN with the service name', async () => {
    const a = await h.customer();
    const csr = makeCsr({ cn: 'x', dnsNames: ['alt1.example.org', 'host.example.org'] });
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'host.example.org',
      csr: csr.pem,
      serviceName: 'sams',
      validityYears: 2,
    });
    const [view] = await h.certgrid.grid.listPendingRequests(a.ctx);
    expect(view).toMatchObject({
      commonName: 'sams/host.example.org',
      sans: ['alt1.example.org'],
      serverType: 'OTHER',
    });
    const { orderId } = await h.certgrid.grid.approveRequest(a.ctx, { requestId });
    const bundle = await h.certgrid.grid.retrieveHostCert(a.ctx, { orderId });
    const x = new X509Certificate(bundle.certificatePem);
    expect(x.subject).toBe('CN=sams/host.example.org');
    expect(x.subjectAltName).toBe('DNS:host.example.org, DNS:alt1.example.org');
    expect(new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()).toBe(2 * 365 * DAY);
  });

  it('rejects: comments are required, and a decided request cannot be decided again', async () => {
    const a = await h.customer();
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'reject.example.com',
      csr: makeCsr().pem,
    });
    await expectCode(
      h.certgrid.grid.rejectRequest(a.ctx, { requestId, comments: '  ' }),
      'MISSING_ARGUMENT',
      'note',
    );
    expect(await h.certgrid.grid.rejectRequest(a.ctx, { requestId, comments: 'no' })).toEqual({
      commonName: 'reject.example.com',
    });
    await expectCode(
      h.certgrid.grid.rejectRequest(a.ctx, { requestId, comments: 'again' }),
      'REQUEST_NOT_PENDING',
      'request_id',
    );
    await expectCode(
      h.certgrid.grid.approveRequest(a.ctx, { requestId }),
      'REQUEST_NOT_PENDING',
      'request_id',
    );
    await expectCode(
      h.certgrid.grid.approveRequest(a.ctx, { requestId: 999_999 }),
      'NOT_FOUND',
      'request_id',
    );
  });

  it('refuses API approvals and rejections when the account does not allow them', async () => {
    const a = await h.customer({ apiApprovals: false });
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'noapi.example.com',
      csr: makeCsr().pem,
    });
    const e = await expectCode(h.certgrid.grid.approveRequest(a.ctx, { requestId }), 'ACTION_NOT_ALLOWED');
    expect(e.data).toEqual({ reason: 'api_approvals' });
    await expectCode(
      h.certgrid.grid.rejectRequest(a.ctx, { requestId, comments: 'x' }),
      'ACTION_NOT_ALLOWED',
    );
    // The dashboard is where such an account decides.
    const ui = { ...a.ctx, origin: 'ui' as const };
    expect((await h.certgrid.grid.approveRequest(ui, { requestId })).requestType).toBe('issue');
    // And turning the setting on opens the API.
    await h.certgrid.accounts.setAccountSettings({ customerName: a.name, apiApprovals: true });
    const r2 = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'noapi.example.com',
      csr: makeCsr().pem,
    });
    await h.certgrid.grid.rejectRequest(a.ctx, { requestId: r2.requestId, comments: 'fine' });
  });

  it('refuses self-approval when the account forbids it; another user may approve', async () => {
    const a = await h.customer({ selfApproval: false });
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'four-eyes.example.com',
      csr: makeCsr().pem,
    });
    const e = await expectCode(h.certgrid.grid.approveRequest(a.ctx, { requestId }), 'ACTION_NOT_ALLOWED');
    expect(e.data).toEqual({ reason: 'self_approval' });
    const other = await a.otherUser();
    const { orderId } = await h.certgrid.grid.approveRequest(other.ctx, { requestId });
    expect(orderId).toBeGreaterThan(0);
    // Withdrawing your own request is always allowed.
    const r2 = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'four-eyes.example.com',
      csr: makeCsr().pem,
    });
    await h.certgrid.grid.rejectRequest(a.ctx, { requestId: r2.requestId, comments: 'withdrawn' });
  });

  it('finds orders by order id and/or serial, and reports each lookup failure on its field', async () => {
    const a = await h.customer();
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'ref.example.com',
      csr: makeCsr().pem,
    });
    const { orderId } = await h.certgrid.grid.approveRequest(a.ctx, { requestId });
    const { serialHex } = await h.certgrid.grid.retrieveHostCert(a.ctx, { orderId });

    const g = h.certgrid.grid;
    await expectCode(g.retrieveHostCert(a.ctx, {}), 'SERIAL_OR_ORDER_ID_REQUIRED', 'order_id');
    await expectCode(
      g.certificateDetails(a.ctx, { serial: '  ' }),
      'SERIAL_OR_ORDER_ID_REQUIRED',
      'order_id',
    );
    await expectCode(g.retrieveHostCert(a.ctx, { orderId: 987_654 }), 'NOT_FOUND', 'order_id');
    await expectCode(g.retrieveHostCert(a.ctx, { serial: '0A0B0C' }), 'NOT_FOUND', 'serial');
    await expectCode(g.retrieveHostCert(a.ctx, { serial: 'not hex' }), 'NOT_FOUND', 'serial');
    await expectCode(g.retrieveHostCert(a.ctx, { orderId, serial: '0A0B0C' }), 'NOT_FOUND', 'serial');
    await expectCode(
      g.retrieveHostCert(a.ctx, { orderId: 987_654, serial: serialHex }),
      'NOT_FOUND',
      'order_id',
    );
    expect((await g.retrieveHostCert(a.ctx, { orderId, serial: serialHex })).orderId).toBe(orderId);
    // Host lookups never return client certificates, and the other way round.
    const client = await g.requestEmailCert(a.ctx, {
      fullName: 'Ann Lee',
      email: 'ann@example.com',
      csr: makeCsr().pem,
    });
    await expectCode(g.retrieveHostCert(a.ctx, { orderId: client.clientId }), 'NOT_FOUND', 'order_id');
    await expectCode(g.retrieveHostCert(a.ctx, { serial: client.serialHex }), 'NOT_FOUND', 'serial');
    await expectCode(g.retrieveEmailCert(a.ctx, { clientId: orderId }), 'NOT_FOUND', 'client_id');
  });
});
