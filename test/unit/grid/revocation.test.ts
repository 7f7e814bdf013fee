import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocspResponseStatus } from '../../../src/core/ca/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, T0, type Customer, type Harness } from '../../helpers/grid.js';
import {
  opensslCrlText,
  opensslOcspRequest,
  opensslOcspStatus,
  opensslOcspText,
} from '../../helpers/openssl.js';
import { storeFactories } from '../../helpers/stores.js';

const HOUR = 60 * 60 * 1000;

async function issueHost(h: Harness, c: Customer, cn: string) {
  const { requestId } = await h.certgrid.grid.requestHostCert(c.ctx, { commonName: cn, csr: makeCsr().pem });
  const { orderId } = await h.certgrid.grid.approveRequest(c.ctx, { requestId });
  return h.certgrid.grid.retrieveHostCert(c.ctx, { orderId });
}

describe.each(storeFactories)('grid revocation, CRL and OCSP on $name', (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(factory);
  });
  afterAll(async () => {
    await h.close();
  });

  it('revokes a host certificate through the approval queue; CRL and OCSP then say so', async () => {
    const a = await h.customer();
    const cert = await issueHost(h, a, 'revoke-me.example.com');
    const chain = await h.certgrid.ca.chain();

    // Before: OCSP good.
    const req = opensslOcspRequest(cert.certificatePem, chain.issuingPem);
    const good = await h.certgrid.pki.ocsp(req);
    expect(ocspResponseStatus(good)).toBe('successful');
    expect(opensslOcspStatus(good, cert.certificatePem, cert, T0)).toMatch(/: good/);

    h.clock.advance(HOUR);
    const { requestId } = await h.certgrid.grid.requestHostRevoke(a.ctx, {
      orderId: cert.orderId,
      comments: 'key lost',
      reason: 'keyCompromise',
    });
    // Asking again returns the pending request (one pending revocation per certificate).
    expect((await h.certgrid.grid.requestHostRevoke(a.ctx, { serial: cert.serialHex })).requestId).toBe(
      requestId,
    );
    const pending = await h.certgrid.grid.listPendingRequests(a.ctx);
    expect(pending).toEqual([
      expect.objectContaining({
        requestId,
        requestType: 'revoke',
        status: 'pending',
        comments: 'key lost',
        commonName: 'revoke-me.example.com',
        productName: 'Grid Host',
        serverType: 'OTHER',
        validityYears: 1,
      }),
    ]);
    // Still valid until approved.
    expect((await h.certgrid.grid.retrieveHostCert(a.ctx, { orderId: cert.orderId })).orderId).toBe(
      cert.orderId,
    );

    const approved = await h.certgrid.grid.approveRequest(a.ctx, { requestId });
    expect(approved).toEqual({ orderId: cert.orderId, requestType: 'revoke' });

    await expectCode(h.certgrid.grid.retrieveHostCert(a.ctx, { orderId: cert.orderId }), 'CERT_REVOKED');
    const details = await h.certgrid.grid.certificateDetails(a.ctx, { orderId: cert.orderId });
    expect(details.status).toBe('revoked');
    await expectCode(h.certgrid.grid.requestHostRevoke(a.ctx, { orderId: cert.orderId }), 'CERT_REVOKED');

    const revoked = await h.certgrid.pki.ocsp(req);
    const status = opensslOcspStatus(revoked, cert.certificatePem, cert, new Date(T0.getTime() + 2 * HOUR));
    expect(status).toMatch(/: revoked/);
    expect(status).toMatch(/Reason: keyCompromise/);

    const crl = await h.certgrid.pki.crl('issuing-1');
    expect(crl).not.toBeNull();
    const text = opensslCrlText(crl as Buffer);
    expect(text).toContain(`Serial Number: ${cert.serialHex}`);
    expect(text).toContain('Key Compromise');
  });

  it('revokes client certificates at once, with reason unspecified by default', async () => {
    const a = await h.customer();
    const c = await h.certgrid.grid.requestEmailCert(a.ctx, {
      fullName: "Zoë O'Brien-Smith",
      email: 'Zoe@Example.COM',
      csr: makeCsr().pem,
    });
    expect(await h.certgrid.grid.revokeEmailCert(a.ctx, { serial: c.serialHex })).toEqual({
      clientId: c.clientId,
    });
    await expectCode(h.certgrid.grid.retrieveEmailCert(a.ctx, { clientId: c.clientId }), 'CERT_REVOKED');
    await expectCode(h.certgrid.grid.revokeEmailCert(a.ctx, { clientId: c.clientId }), 'CERT_REVOKED');
    const text = opensslCrlText((await h.certgrid.pki.crl('issuing-1')) as Buffer);
    expect(text).toContain(`Serial Number: ${c.serialHex}`);
    const req = opensslOcspRequest(c.certificatePem, c.intermediatePem);
    expect(opensslOcspStatus(await h.certgrid.pki.ocsp(req), c.certificatePem, c, T0)).toMatch(/: revoked/);
  });

  it('keeps an empty root CRL at /crl/root.crl, numbers CRLs upwards and refreshes them when due', async () => {
    const root = await h.certgrid.pki.crl('root');
    expect(root).not.toBeNull();
    const rootText = opensslCrlText(root as Buffer);
    expect(rootText).toContain('No Revoked Certificates.');
    expect(rootText).toMatch(/Issuer: O = certgrid-test, CN = certgrid-test Root CA/);
    const number = (t: string) => Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(t)?.[1]);
    const before = number(opensslCrlText((await h.certgrid.pki.crl('issuing-1')) as Buffer));
    // Not due yet: the same CRL.
    expect(number(opensslCrlText((await h.certgrid.pki.crl('issuing-1')) as Buffer))).toBe(before);
    h.clock.advance(13 * HOUR);
    await h.certgrid.ca.refreshDueCrls();
    const after = opensslCrlText((await h.certgrid.pki.crl('issuing-1')) as Buffer);
    expect(number(after)).toBe(before + 1);
    // nextUpdate = thisUpdate + 2 × 12 h.
    const last = new Date(/Last Update: (.*)/.exec(after)?.[1] ?? '');
    const next = new Date(/Next Update: (.*)/.exec(after)?.[1] ?? '');
    expect(next.getTime() - last.getTime()).toBe(24 * HOUR);
    expect(await h.certgrid.pki.crl('nope')).toBeNull();
  });

  it('answers OCSP unknown for serials it never issued and malformedRequest for garbage', async () => {
    const a = await h.customer();
    const cert = await issueHost(h, a, 'ocsp.example.com');
    const req = opensslOcspRequest(cert.certificatePem, cert.intermediatePem);
    // Same issuer, a serial nobody issued: flip the last serial byte in the request.
    const hex = req.toString('hex');
    const serialHex = cert.serialHex.toLowerCase();
    const at = hex.lastIndexOf(serialHex);
    expect(at).toBeGreaterThan(0);
    const lastByte = hex.slice(at + serialHex.length - 2, at + serialHex.length);
    const flipped = (parseInt(lastByte, 16) ^ 0xff).toString(16).padStart(2, '0');
    const other = Buffer.from(
      hex.slice(0, at + serialHex.length - 2) + flipped + hex.slice(at + serialHex.length),
      'hex',
    );
    const resp = await h.certgrid.pki.ocsp(other);
    expect(ocspResponseStatus(resp)).toBe('successful');
    expect(opensslOcspText(resp)).toMatch(/Cert Status: unknown/);
    expect(ocspResponseStatus(await h.certgrid.pki.ocsp(Buffer.from('garbage')))).toBe('malformedRequest');
  });

  it('serves the CA certificates by id', async () => {
    const chain = await h.certgrid.ca.chain();
    expect((await h.certgrid.pki.caCertificate('root'))?.equals(chain.rootDer)).toBe(true);
    expect((await h.certgrid.pki.caCertificate('issuing-1'))?.equals(chain.issuingDer)).toBe(true);
    expect(await h.certgrid.pki.caCertificate('other')).toBeNull();
    expect(new X509Certificate(chain.issuingDer).verify(new X509Certificate(chain.rootDer).publicKey)).toBe(
      true,
    );
  });
});
