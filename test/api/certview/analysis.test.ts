import { X509Certificate, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/core/analysis/index.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { storeFactories } from '../../helpers/stores.js';
import { tlsFixtures } from '../../helpers/tls-fixtures.js';
import { startTlsServer, type RunningTlsServer } from '../../helpers/tls-servers.js';

/** Answers `localhost` and `two.test` without DNS; every other name has no address. */
const resolver: HostResolver = {
  addresses: (name) =>
    Promise.resolve(
      name === 'localhost' ? ['127.0.0.1'] : name === 'two.test' ? ['127.0.0.1', '127.0.0.2'] : [],
    ),
  reverseName: (ip) => Promise.resolve(ip === '127.0.0.1' ? 'localhost' : ''),
};

/**
 * CertView chapters 3 and 4 through the HTTP API, against a real TLS server on loopback: analyze scans
 * and stores, getEndpointData answers the stored details with the spec's filter rules, and what the
 * scan saw reaches the inventory.
 */
describe.each(storeFactories)('CertView analyze and getEndpointData on $name', (factory) => {
  let s: CertviewStack;
  let token: string;
  let server: RunningTlsServer;

  const post = (url: string, payload: unknown) =>
    s.call(token, { url, payload: payload as object, headers: { 'content-type': 'application/json' } });
  const code = async (url: string, payload: unknown) => {
    const res = await post(url, payload);
    return {
      status: res.statusCode,
      code: json(res).response?.code as number,
      text: json(res).response?.text as string,
    };
  };

  beforeAll(async () => {
    [s, server] = await Promise.all([
      startCertviewStack(factory, { realTime: true, resolver }),
      startTlsServer('node-intermediate'),
    ]);
    await s.user('analyst', { role: 'Reader', permissions: ['CERTVIEW.API.ACCESS'] });
    token = await s.token('analyst');
  });
  afterAll(async () => {
    await Promise.all([s?.close(), server?.stop()]);
  });

  it('analyze scans the host, answers the chapter 3 shape and grades the endpoint', async () => {
    const res = await post('/certview/v1/analyze', { host: '127.0.0.1', ports: [server.port] });
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body).toEqual({
      host: '127.0.0.1',
      endpoints: [
        {
          ipAddress: '127.0.0.1',
          port: server.port,
          service: 'http',
          serverName: 'localhost',
          // Scanned by address: the certificate names localhost and 127.0.0.1 but the test root is not in
          // Mozilla's store, so trust fails (T) while the configuration itself grades A-.
          grade: 'T',
          gradeTrustIgnored: expect.stringMatching(/^A[-+]?$/),
          hasWarnings: expect.any(Boolean),
          exceptional: false,
        },
      ],
    });
  });

  it('analyze by name scans every address of the name with SNI', async () => {
    const res = await post('/certview/v1/analyze', { host: 'LOCALHOST', ports: [server.port] });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).host).toBe('localhost');
    expect(json(res).endpoints.map((e: { ipAddress: string }) => e.ipAddress)).toEqual(['127.0.0.1']);
  });

  it('getEndpointData answers the stored details in the chapter 4 shape', async () => {
    const res = await post('/certview/v1/getEndpointData', { ip: '127.0.0.1', port: server.port });
    expect(res.statusCode, res.body).toBe(200);
    const list = json(res);
    // One endpoint scanned by address (fqdn '') and one by name (fqdn 'localhost').
    expect(list).toHaveLength(2);
    const [byAddress] = list;
    expect(byAddress).toMatchObject({
      ipAddress: '127.0.0.1',
      port: server.port,
      service: 'http',
      grade: 'T',
      hasWarnings: expect.any(Boolean),
      isExceptional: false,
    });
    expect(typeof byAddress.lastFound).toBe('number');
    const d = byAddress.details;
    expect(d.protocols).toEqual([
      { id: 771, name: 'TLS', version: '1.2', q: null },
      { id: 772, name: 'TLS', version: '1.3', q: null },
    ]);
    const tls12 = d.suites.find((x: { protocol: number }) => x.protocol === 771);
    expect(tls12.list.length).toBeGreaterThan(3);
    expect(tls12.list[0]).toMatchObject({
      id: expect.any(Number),
      name: expect.any(String),
      cipherStrength: expect.any(Number),
    });
    expect(tls12.list.map((x: { kxType: string }) => x.kxType)).toContain('ECDH');
    // The leaf's certhash is the first id of the served chain, and the chain leads to the test root.
    const leafHash = createHash('sha256')
      .update(new X509Certificate(tlsFixtures().leaves.rsa.cert.pem).raw)
      .digest('hex');
    expect(d.certChains[0].certIds[0]).toBe(leafHash);
    expect(d.certChains[0].trustPaths[0].trust[0]).toMatchObject({ rootStore: 'Mozilla', isTrusted: false });
    for (const flag of [
      'vulnBeast',
      'heartbleed',
      'heartbeat',
      'poodle',
      'freak',
      'logjam',
      'drownVulnerable',
      'supportsRc4',
    ]) {
      expect(d[flag], flag).toBe(false);
    }
    expect(d.supportsAead).toBe(true);
    expect(d.openSslCcs).toBe(1);
    expect(d.ticketbleed).toBe(1);
    expect(d.renegSupport & 2).toBe(2);
    // The spec's sample spells this flag openSSLuckyMinus20; SSL Labs' own name is sent beside it.
    expect(d).toHaveProperty('openSSLuckyMinus20');
    expect(d).toHaveProperty('openSSLLuckyMinus20');
  });

  it('filters by fqdn with service or protocol, as the spec pairs them', async () => {
    const f = (body: object) =>
      post('/certview/v1/getEndpointData', { ip: '127.0.0.1', port: server.port, ...body });
    const byName = json(await f({ fqdn: 'localhost', service: 'http' }));
    expect(byName).toHaveLength(1);
    expect(byName[0].details.certChains[0].certIds).toHaveLength(2);
    // The spec's sample: an empty fqdn names the endpoint scanned by address.
    expect(json(await f({ fqdn: '', protocol: 'tcp' }))).toHaveLength(1);
    expect(json(await f({ fqdn: 'localhost', service: 'smtp' }))).toEqual([]);
    expect(json(await post('/certview/v1/getEndpointData', { ip: '127.0.0.9' }))).toEqual([]);
  });

  it('records the scanned chain in the inventory with its host instance', async () => {
    const res = await post('/certview/v1/certificates', {
      filter: 'certificate.type:Leaf AND instance:(port:' + server.port + ')',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [leaf] = json(res);
    expect(leaf.subject.name).toBe('localhost');
    expect(leaf.instanceCount).toBe(2);
    const asset = leaf.assets.find((a: { name: string }) => a.name === 'localhost');
    expect(asset.hostInstances[0]).toMatchObject({
      port: server.port,
      protocol: 'tcp',
      service: 'http',
      sslProtocols: ['TLSv1.2', 'TLSv1.3'],
    });
    const qids = asset.hostInstances[0].vulnerabilities.map((v: { qid: number }) => v.qid);
    expect(qids).toEqual(expect.arrayContaining([38116, 38706, 86002, 42350]));
  });

  it('answers the spec error codes for bad parameters', async () => {
    expect(await code('/certview/v1/analyze', {})).toMatchObject({
      status: 400,
      code: 1903,
      text: expect.stringMatching(/host/),
    });
    expect(await code('/certview/v1/analyze', { host: 'not a host!' })).toMatchObject({
      status: 400,
      code: 1905,
    });
    expect(await code('/certview/v1/analyze', { host: 'nowhere.test' })).toMatchObject({
      status: 400,
      code: 1905,
      text: expect.stringMatching(/no address/),
    });
    expect(await code('/certview/v1/analyze', { host: '127.0.0.1', ports: [0] })).toMatchObject({
      code: 1905,
    });
    const e = (body: object) => code('/certview/v1/getEndpointData', body);
    expect(await e({})).toMatchObject({ status: 400, code: 1903, text: expect.stringMatching(/ip/) });
    expect(await e({ ip: 'nope' })).toMatchObject({ status: 400, code: 1905 });
    expect(await e({ ip: '127.0.0.1', fqdn: 'localhost', service: 'http' })).toMatchObject({
      code: 1903,
      text: expect.stringMatching(/port/),
    });
    expect(await e({ ip: '127.0.0.1', port: 443, service: 'http' })).toMatchObject({
      code: 1903,
      text: expect.stringMatching(/fqdn/),
    });
    expect(await e({ ip: '127.0.0.1', port: 443, fqdn: 'a.example' })).toMatchObject({
      status: 400,
      code: 1922,
      text: 'Please specify at least one of the following parameters: service, protocol',
    });
    expect(await e({ ip: '127.0.0.1', port: 'x' })).toMatchObject({ code: 1905 });
    expect(await e({ ip: '127.0.0.1', port: 443, fqdn: '', protocol: 'sctp' })).toMatchObject({ code: 1905 });
  });

  it('reports an endpoint that does not answer as no endpoint, not as an error', async () => {
    const res = await post('/certview/v1/analyze', { host: '127.0.0.1', ports: [1] });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ host: '127.0.0.1', endpoints: [] });
  });
});
