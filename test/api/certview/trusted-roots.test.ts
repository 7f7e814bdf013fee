import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../../src/core/ca/pem.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { makePrivatePki, type PrivatePki } from '../../helpers/private-pki.js';
import { startNodeTlsServer, type InProcessServer } from '../../helpers/tls/node-server.js';
import { storeFactories } from '../../helpers/stores.js';

interface TrustEntry {
  readonly rootStore: string;
  readonly isTrusted: boolean;
  readonly trustErrorMessage?: string;
}

/**
 * certgrid's trust store API: roots an account adds become the `account` root store of its assessments.
 * A real TLS server on loopback serves a leaf of a private root: untrusted until the account adds the
 * root, trusted by `account` (and still not by Mozilla) while it is there, untrusted again once removed.
 */
describe.each(storeFactories)('trusted roots on $name', (factory) => {
  let s: CertviewStack;
  let admin: string;
  let reader: string;
  let pki: PrivatePki;
  let server: InProcessServer;
  let port: number;
  const rootHash = () => new X509Certificate(pki.rootPem).fingerprint256.replace(/:/g, '').toLowerCase();

  const call = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    s.send(token, method, url, payload);
  const code = async (token: string, method: 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await call(token, method, url, payload);
    return [res.statusCode, json(res).response?.code, json(res).response?.text as string] as const;
  };

  /** analyze localhost, then the stored trust entries and the grade. */
  const assess = async () => {
    const res = await call(admin, 'POST', '/certview/v1/analyze', { host: 'localhost', ports: [port] });
    expect(res.statusCode, res.body).toBe(200);
    const data = await call(admin, 'POST', '/certview/v1/getEndpointData', { ip: '127.0.0.1', port });
    const details = json(data)[0].details;
    const trust: TrustEntry[] = details.certChains[0].trustPaths.flatMap(
      (p: { trust: TrustEntry[] }) => p.trust,
    );
    return { grade: json(res).endpoints[0].grade as string, trust };
  };

  beforeAll(async () => {
    pki = makePrivatePki();
    s = await startCertviewStack(factory, {
      realTime: true,
      resolver: { addresses: async () => ['127.0.0.1'], reverseName: async () => 'localhost' },
    });
    await s.user('admin', { role: 'PKI Admin', permissions: ['CERTVIEW.API.ACCESS'] });
    await s.user('reader', { role: 'Reader', permissions: ['CERTVIEW.API.ACCESS'] });
    admin = await s.token('admin');
    reader = await s.token('reader');
    server = await startNodeTlsServer({ minVersion: 'TLSv1.2', key: pki.leafKeyPem, cert: pki.leafPem });
    port = server.port;
  });
  afterAll(async () => {
    await server?.stop();
    await s?.close();
  });

  it('without the root, no store trusts the private chain and there is no account store', async () => {
    const { grade, trust } = await assess();
    expect(trust).toContainEqual(expect.objectContaining({ rootStore: 'Mozilla', isTrusted: false }));
    expect(trust.map((t) => t.rootStore)).not.toContain('account');
    expect(grade).toBe('T');
  });

  it('adds a root (201 with what was added), lists it to any API user, and reports a second add as present', async () => {
    const res = await call(admin, 'POST', '/certview/v1/trust/roots', { certificates: pki.rootPem });
    expect(res.statusCode, res.body).toBe(201);
    const view = {
      certhash: rootHash(),
      subject: 'CN=certgrid trust test root, O=Example Private PKI',
      notAfter: new Date(new X509Certificate(pki.rootPem).validTo).getTime(),
      created: expect.any(Number),
    };
    expect(json(res)).toEqual({ added: [view], present: [] });

    const list = await call(reader, 'GET', '/certview/v1/trust/roots');
    expect(list.statusCode).toBe(200);
    expect(json(list)).toEqual([view]);

    const again = await call(admin, 'POST', '/certview/v1/trust/roots', { certificates: pki.rootPem });
    expect(again.statusCode).toBe(201);
    expect(json(again)).toEqual({ added: [], present: [{ ...view, created: json(res).added[0].created }] });
  });

  it('an assessment then shows the account store trusting the chain, and Mozilla still not', async () => {
    const { grade, trust } = await assess();
    expect(trust).toContainEqual(expect.objectContaining({ rootStore: 'account', isTrusted: true }));
    expect(trust).toContainEqual(expect.objectContaining({ rootStore: 'Mozilla', isTrusted: false }));
    expect(grade).not.toBe('T');
  });

  it('removing the root (204) makes the next assessment untrusted again; a second removal is a 404', async () => {
    const res = await call(admin, 'DELETE', `/certview/v1/trust/roots/${rootHash().toUpperCase()}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(json(await call(reader, 'GET', '/certview/v1/trust/roots'))).toEqual([]);

    const { grade, trust } = await assess();
    // With no root left the account store is gone; in any case nothing of it trusts the chain.
    expect(trust.filter((t) => t.rootStore === 'account' && t.isTrusted)).toEqual([]);
    expect(trust.map((t) => t.rootStore)).not.toContain('account');
    expect(grade).toBe('T');

    const missing = await call(admin, 'DELETE', `/certview/v1/trust/roots/${rootHash()}`);
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toMatchObject({ status: 404, message: 'No such trusted root' });
  });

  it('adds only self-signed CA certificates whose signature verifies, and nothing from a bundle with a bad one', async () => {
    const url = '/certview/v1/trust/roots';
    expect(await code(admin, 'POST', url, {})).toEqual([
      400,
      1903,
      'Missing required parameter(s): certificates',
    ]);
    expect((await code(admin, 'POST', url, { certificates: '' })).slice(0, 2)).toEqual([400, 1903]);
    expect((await code(admin, 'POST', url, { certificates: 42 })).slice(0, 2)).toEqual([400, 1905]);

    const leaf = await code(admin, 'POST', url, { certificates: pki.leafPem });
    expect(leaf.slice(0, 2)).toEqual([400, 1905]);
    expect(leaf[2]).toMatch(
      /^parameter certificate has invalid value: .*"CN=localhost".* is not a CA certificate/,
    );

    const intermediate = await code(admin, 'POST', url, { certificates: pki.intermediatePem });
    expect(intermediate.slice(0, 2)).toEqual([400, 1905]);
    expect(intermediate[2]).toMatch(/is not self-signed: its issuer is "CN=certgrid trust test root/);

    // The root with one bit of its signature flipped: still a self-issued CA, but its signature fails.
    const der = Buffer.from(new X509Certificate(pki.rootPem).raw);
    der[der.length - 1]! ^= 0x01;
    const tampered = await code(admin, 'POST', url, { certificates: toPem(der, 'CERTIFICATE') });
    expect(tampered.slice(0, 2)).toEqual([400, 1905]);
    expect(tampered[2]).toMatch(/signature does not verify with its own key/);

    const garbage = await code(admin, 'POST', url, { certificates: 'not a certificate' });
    expect(garbage.slice(0, 2)).toEqual([400, 1905]);
    expect(garbage[2]).toMatch(/no certificate found/);

    // A bundle: the good root first, then the leaf. Nothing is added.
    const bundle = await code(admin, 'POST', url, { certificates: pki.otherRootPem + pki.leafPem });
    expect(bundle.slice(0, 2)).toEqual([400, 1905]);
    expect(bundle[2]).toMatch(/certificate 2 of 2 \("CN=localhost"\)/);
    const listed = await code(admin, 'POST', url, { certificates: [pki.otherRootPem, pki.intermediatePem] });
    expect(listed[2]).toMatch(/^parameter certificates\[1\] has invalid value: /);
    expect(json(await call(reader, 'GET', url))).toEqual([]);

    // A list of texts, each a root: both added.
    const two = await call(admin, 'POST', url, { certificates: [pki.otherRootPem, pki.rootPem] });
    expect(two.statusCode, two.body).toBe(201);
    expect(json(two).added).toHaveLength(2);
    for (const r of json(two).added) {
      expect((await call(admin, 'DELETE', `${url}/${r.certhash}`)).statusCode).toBe(204);
    }

    expect((await code(admin, 'DELETE', `${url}/not-a-hash`)).slice(0, 2)).toEqual([400, 1905]);
  });

  it('adding and removing needs Super User, Manager or PKI Admin; listing any API user; accounts stay apart', async () => {
    const url = '/certview/v1/trust/roots';
    expect((await code(reader, 'POST', url, { certificates: pki.rootPem })).slice(0, 2)).toEqual([
      403, 148100,
    ]);
    await call(admin, 'POST', url, { certificates: pki.rootPem });
    expect((await code(reader, 'DELETE', `${url}/${rootHash()}`)).slice(0, 2)).toEqual([403, 148100]);

    await s.user('manager', { role: 'Manager', permissions: ['CERTVIEW.API.ACCESS'] });
    const manager = await s.token('manager');
    const byManager = await call(manager, 'POST', url, { certificates: pki.otherRootPem });
    expect(byManager.statusCode).toBe(201);

    // Without CERTVIEW.API.ACCESS nothing is served, listing included.
    await s.user('nobody', { role: 'PKI Admin', permissions: [] });
    const nobody = await s.token('nobody');
    const denied = await call(nobody, 'GET', url);
    expect(denied.statusCode).toBe(403);
    expect(json(denied).response.code).toBe(148100);

    // Another customer sees none of these roots and cannot remove them.
    await s.certgrid.accounts.createCustomer('globex');
    await s.certgrid.accounts.createUser({
      customerName: 'globex',
      username: 'globex-admin',
      password: 'correct horse battery',
      role: 'Super User',
    });
    const globex = await s.token('globex-admin');
    expect(json(await call(globex, 'GET', url))).toEqual([]);
    expect((await call(globex, 'DELETE', `${url}/${rootHash()}`)).statusCode).toBe(404);
    expect(json(await call(reader, 'GET', url))).toHaveLength(2);
  });
});
