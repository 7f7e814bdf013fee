/**
 * The TLS 1.3 handshake reader against real TLS 1.3-only servers: node:tls serving chains in the wrong order
 * (node:tls as a client would hand them back ordered by issuer), one asking for another key share first, and
 * `openssl s_server -tls1_3`. The probe must return the certificates exactly as sent.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grabCertificates } from '../../src/core/scan/grab-certificates.js';
import { readTls13Chain } from '../../src/core/scan/probes/tls13-chain.js';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import { NAMED_GROUP } from '../../src/core/scan/wire/index.js';
import { scanAndAssess } from '../helpers/scan.js';
import { startNodeTlsServer, type InProcessServer } from '../helpers/tls/node-server.js';
import { splitPems, tlsFixtures } from '../helpers/tls-fixtures.js';
import { startTlsServer, type RunningTlsServer } from '../helpers/tls-servers.js';
import { requireTool } from '../helpers/tools.js';

const der = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(pem).raw);
const ders = (pems: readonly string[]): Uint8Array[] => pems.map(der);
const certhash = (pem: string): string => createHash('sha256').update(der(pem)).digest('hex');

const scheduler = createScheduler({ probeTimeoutMs: 5_000 });
const target = (port: number) => ({ host: '127.0.0.1', port });

async function tls13Server(pems: readonly string[], ecdhCurve?: string): Promise<InProcessServer> {
  return startNodeTlsServer({
    cert: pems.join('\n'),
    key: tlsFixtures().leaves.rsa.key.pem,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ...(ecdhCurve !== undefined ? { ecdhCurve } : {}),
  });
}

describe('TLS 1.3 chain in served order (node:tls servers)', () => {
  const fx = tlsFixtures();
  const leaf = fx.leaves.rsa.cert.pem;
  const wrongOrder = splitPems(fx.chains.wrongOrder.pem);
  const unrelatedInside = [leaf, fx.unrelated.pem, fx.intermediate.pem];
  const servers: InProcessServer[] = [];
  let wrong: InProcessServer;
  let unrelated: InProcessServer;
  let retry: InProcessServer;

  beforeAll(async () => {
    wrong = await tls13Server(wrongOrder);
    unrelated = await tls13Server(unrelatedInside);
    // A server that only takes P-384 must ask for that share with a HelloRetryRequest.
    retry = await tls13Server(fx.chains.full.pem.split(/(?=-----BEGIN)/), 'P-384');
    servers.push(wrong, unrelated, retry);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('reads leaf, root, intermediate as sent', async () => {
    expect(wrongOrder).toHaveLength(3);
    const result = await scheduler.probe(target(wrong.port), (conn) =>
      readTls13Chain(conn, { serverName: 'localhost' }),
    );
    expect(result).not.toBeNull();
    expect(result!.chain).toEqual(ders(wrongOrder));
    expect(result!.helloRetryRequest).toBe(false);
    expect(result!.group).toBe(NAMED_GROUP.x25519);
  });

  it('reads leaf, unrelated certificate, intermediate as sent', async () => {
    const result = await scheduler.probe(target(unrelated.port), (conn) =>
      readTls13Chain(conn, { serverName: null }),
    );
    expect(result?.chain).toEqual(ders(unrelatedInside));
  });

  it('answers a HelloRetryRequest once with the group asked for', async () => {
    const result = await scheduler.probe(target(retry.port), (conn) =>
      readTls13Chain(conn, { serverName: 'localhost' }),
    );
    expect(result).not.toBeNull();
    expect(result!.helloRetryRequest).toBe(true);
    expect(result!.group).toBe(NAMED_GROUP.secp384r1);
    expect(result!.chain).toEqual(ders(splitPems(fx.chains.full.pem)));
  });

  it('resolves null when the server will not speak TLS 1.3 with the groups offered', async () => {
    const result = await scheduler.probe(target(retry.port), (conn) =>
      readTls13Chain(conn, { serverName: 'localhost', groups: [NAMED_GROUP.x25519] }),
    );
    expect(result).toBeNull();
  });

  it('discovery keeps the served order', async () => {
    const grabbed = await grabCertificates(scheduler, {
      ip: '127.0.0.1',
      port: wrong.port,
      serverName: 'localhost',
    });
    expect(grabbed.protocol).toBe('TLSv1.3');
    expect(grabbed.chain).toEqual(ders(wrongOrder));
  });

  it('the assessment reports the order issue of a TLS 1.3-only server', async () => {
    const { details } = await scanAndAssess(scheduler, target(wrong.port));
    expect(details.certChains[0]!.certIds).toHaveLength(3);
    // SSL Labs ChainCert issues: 8 = wrong order, 16 = contains an anchor (the root is sent).
    expect(details.certChains[0]!.issues).toBe(8 | 16);
  });

  it('reads the chain a TLS 1.3-only server gives clients without SNI as the no-SNI chain', async () => {
    // Another name's leaf by default, the localhost one for `localhost` (both RSA: with an ECDSA default,
    // OpenSSL keeps serving the ECDSA certificate whatever context SNI selects).
    const defaultChain = [fx.leaves.wrongHost.cert.pem, fx.intermediate.pem];
    const rsaChain = [leaf, fx.intermediate.pem];
    const sni = await startNodeTlsServer({
      cert: defaultChain.join('\n'),
      key: fx.leaves.wrongHost.key.pem,
      minVersion: 'TLSv1.3',
      SNICallback: (name, done) =>
        done(
          null,
          name === 'localhost'
            ? createSecureContext({ cert: rsaChain.join('\n'), key: fx.leaves.rsa.key.pem })
            : undefined,
        ),
    });
    servers.push(sni);
    const { details } = await scanAndAssess(scheduler, target(sni.port), { serverName: 'localhost' });
    const chains = details.certChains.map((c) => ({ noSni: c.noSni, leaf: c.certIds[0] }));
    expect(chains).toEqual([
      { noSni: false, leaf: certhash(fx.leaves.rsa.cert.pem) },
      { noSni: true, leaf: certhash(fx.leaves.wrongHost.cert.pem) },
    ]);
  });

  it('the assessment reports an unrelated certificate in a TLS 1.3-only chain', async () => {
    const { details } = await scanAndAssess(scheduler, target(unrelated.port));
    // 4 = unrelated certificate, 16 = a self-signed one is sent (as for openssl-chain-extra-cert); leaf and
    // intermediate keep their relative order, so no 8.
    expect(details.certChains[0]!.issues).toBe(4 | 16);
  });
});

describe.runIf(requireTool('openssl', ['version']))('TLS 1.3 chain (openssl s_server -tls1_3)', () => {
  let server: RunningTlsServer;
  beforeAll(async () => {
    server = await startTlsServer('openssl-modern');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads the chain it serves', async () => {
    const result = await scheduler.probe(target(server.port), (conn) =>
      readTls13Chain(conn, { serverName: 'localhost' }),
    );
    expect(result?.chain).toEqual(ders(server.expected.chain));
  });

  it('the assessment finds no chain issue', async () => {
    const { details } = await scanAndAssess(scheduler, target(server.port));
    expect(details.certChains[0]!.issues).toBe(0);
  });
});
