import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGridStack, type GridStack } from '../../helpers/app.js';
import { writeFile } from '../../helpers/client-csr.js';
import { makeCsr } from '../../helpers/csr.js';
import { opensslOcspRequest, opensslOcspStatus } from '../../helpers/openssl.js';
import { storeFactories } from '../../helpers/stores.js';
import { requireTool } from '../../helpers/tools.js';

/**
 * /ocsp, /crl and /ca on a listening server, judged by the openssl command line and fetch:
 * a certificate issued through the Grid API is `good`, then `revoked` once its revocation is
 * approved, and the issuing CA's CRL verifies and lists its serial.
 */

const hasOpenssl = requireTool('openssl', ['version']);

/**
 * openssl with stdout and stderr together (verify results go to stderr). Asynchronous: the
 * server answering `openssl ocsp -url` runs in this very process.
 */
function openssl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe.skipIf(!hasOpenssl).each(storeFactories)('PKI endpoints with openssl ($name)', (factory) => {
  let s: GridStack;
  let base: string;
  let issuingId: string;
  let rootId: string;
  let leaf: { pem: string; path: string; serial: string; orderId: string };
  let chain: {
    rootPem: string;
    intermediatePem: string;
    rootPath: string;
    interPath: string;
    bothPath: string;
  };

  beforeAll(async () => {
    s = await startGridStack(factory);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    const cas = await s.certgrid.ca.describe();
    rootId = cas.find((c) => c.role === 'root')?.id as string;
    issuingId = cas.find((c) => c.role === 'intermediate')?.id as string;

    const req = await s.grid('grid_request_host_cert', {
      common_name: 'ocsp.example.com',
      csr: makeCsr({ cn: 'ocsp.example.com' }).pem,
    });
    const approved = await s.grid('grid_approve_request', {
      request_id: String(req.body.response.return.request_id),
    });
    const orderId = approved.body.response.return.order_id as string;
    const ret = (await s.grid('grid_retrieve_host_cert', { order_id: orderId })).body.response.return;
    leaf = {
      pem: ret.certs.certificate,
      path: writeFile(s.dir, 'leaf.pem', ret.certs.certificate),
      serial: ret.serial,
      orderId,
    };
    chain = {
      rootPem: ret.certs.root,
      intermediatePem: ret.certs.intermediate,
      rootPath: writeFile(s.dir, 'root.pem', ret.certs.root),
      interPath: writeFile(s.dir, 'inter.pem', ret.certs.intermediate),
      bothPath: writeFile(s.dir, 'chain.pem', `${ret.certs.intermediate}${ret.certs.root}`),
    };
  });

  afterAll(async () => {
    await s?.close();
  });

  const ocspPost = () =>
    openssl([
      'ocsp',
      '-issuer',
      chain.interPath,
      '-cert',
      leaf.path,
      '-url',
      `${base}/ocsp`,
      '-CAfile',
      chain.rootPath,
    ]);

  async function ocspGet(encode: (b64: string) => string) {
    const b64 = opensslOcspRequest(leaf.pem, chain.intermediatePem).toString('base64');
    const res = await fetch(`${base}/ocsp/${encode(b64)}`);
    return { res, der: Buffer.from(await res.arrayBuffer()) };
  }

  async function fetchCrl(id: string) {
    const res = await fetch(`${base}/crl/${id}.crl`);
    const path = writeFile(s.dir, `${id}.crl`, Buffer.from(await res.arrayBuffer()));
    return { res, path };
  }

  it('serves the CA certificates as DER', async () => {
    for (const [id, pem] of [
      [rootId, chain.rootPem],
      [issuingId, chain.intermediatePem],
    ] as const) {
      const res = await fetch(`${base}/ca/${id}.crt`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pkix-cert');
      const der = Buffer.from(await res.arrayBuffer());
      expect(der.toString('base64')).toBe(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
    }
    expect((await fetch(`${base}/ca/nope.crt`)).status).toBe(404);
    expect((await fetch(`${base}/crl/nope.crl`)).status).toBe(404);
  });

  it('OCSP says good, over POST (openssl ocsp -url) and GET (RFC 6960 A.1)', async () => {
    const post = await ocspPost();
    expect(post.out).toContain('Response verify OK');
    expect(post.out).toContain(`${leaf.path}: good`);

    for (const encode of [
      encodeURIComponent,
      (b: string) => encodeURIComponent(b).replace(/%2F/g, '/'),
      (b: string) => b,
    ]) {
      const { res, der } = await ocspGet(encode);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/ocsp-response');
      expect(res.headers.get('cache-control')).toMatch(
        /^max-age=[1-9]\d*, public, no-transform, must-revalidate$/,
      );
      expect(opensslOcspStatus(der, leaf.pem, chain, new Date())).toContain(': good');
    }
  });

  it('the CRL verifies against the chain and does not list the certificate yet', async () => {
    const { res, path } = await fetchCrl(issuingId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    const text = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      path,
      '-CAfile',
      chain.bothPath,
      '-noout',
      '-text',
    ]);
    expect(text.out).toContain('verify OK');
    expect(text.out).not.toContain(leaf.serial);
    const root = await fetchCrl(rootId);
    const rootCrl = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      root.path,
      '-CAfile',
      chain.rootPath,
      '-noout',
    ]);
    expect(rootCrl.out).toContain('verify OK');
  });

  it('after an approved revocation: OCSP says revoked and the CRL lists the serial', async () => {
    const rq = await s.grid('grid_request_host_revoke', { serial: leaf.serial, reason: 'keyCompromise' });
    const ok = await s.grid('grid_approve_request', {
      request_id: String(rq.body.response.return.request_id),
    });
    expect(ok.body.response.result).toBe('success');

    const post = await ocspPost();
    expect(post.out).toContain('Response verify OK');
    expect(post.out).toContain(`${leaf.path}: revoked`);
    const { der } = await ocspGet(encodeURIComponent);
    expect(opensslOcspStatus(der, leaf.pem, chain, new Date())).toContain(': revoked');

    const { path } = await fetchCrl(issuingId);
    const text = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      path,
      '-CAfile',
      chain.bothPath,
      '-noout',
      '-text',
    ]);
    expect(text.out).toContain('verify OK');
    expect(text.out).toContain(`Serial Number: ${leaf.serial}`);
    expect(text.out).toContain('Key Compromise');
  });

  it('garbage OCSP requests get malformedRequest, not an error page', async () => {
    const post = await fetch(`${base}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: Buffer.from('not der'),
    });
    expect(post.status).toBe(200);
    expect(Buffer.from(await post.arrayBuffer())).toEqual(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
    const get = await fetch(`${base}/ocsp/AAAA`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
    expect(get.headers.get('cache-control')).toBe('no-cache, no-store');
  });
});
