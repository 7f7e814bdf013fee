import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/commands/scan.js';
import { withContext } from '../../src/cli/context.js';
import { cli } from '../helpers/cli.js';
import { parseQql } from '../../src/core/query/index.js';
import { startTlsServer, type RunningTlsServer } from '../helpers/tls-servers.js';

/** A port that accepts connections and answers like a plain HTTP server: open, but not TLS. */
function plainHttp(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

describe('certgrid scan', () => {
  let data: string;
  let tls: RunningTlsServer;
  let http: { server: Server; port: number };
  let closedPort: number;

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'certgrid-scan-'));
    [tls, http] = await Promise.all([startTlsServer('node-intermediate'), plainHttp()]);
    const closed = await plainHttp();
    closedPort = closed.port;
    await new Promise<void>((r) => closed.server.close(() => r()));
    expect((await cli('init', '--data', data)).status).toBe(0);
    expect((await cli('customer', 'create', '--name', 'acme', '--data', data)).status).toBe(0);
  });
  afterAll(async () => {
    await tls?.stop();
    await new Promise<void>((r) => http?.server.close(() => r()));
    rmSync(data, { recursive: true, force: true });
  });

  it('discovers certificates, prints a table and counts what did not answer TLS', async () => {
    const r = await cli(
      'scan',
      `127.0.0.1:${tls.port},${http.port},${closedPort}`,
      '--customer',
      'acme',
      '--data',
      data,
    );
    expect(r.status, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ENDPOINT\s+PROTOCOL\s+CERTS\s+SUBJECT\s+EXPIRES$/);
    expect(lines[1]).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${tls.port}\\s+TLSv1\\.2\\s+2\\s+localhost\\s+\\d{4}-\\d\\d-\\d\\d$`),
    );
    expect(lines.at(-1)).toMatch(
      /^3 endpoint\(s\) scanned in \d+\.\d s: 1 answered SSL\/TLS; (1 no ssl\/tls service, 1 unable to connect to the server|1 unable to connect to the server, 1 no ssl\/tls service)$/,
    );
    // No terminal: no progress bar on stderr.
    expect(r.err).toBe('');
  });

  it('assesses with --assess and answers JSON with --json', async () => {
    const r = await cli(
      'scan',
      `127.0.0.1:${tls.port}`,
      '--assess',
      '--json',
      '--customer',
      'acme',
      '--data',
      data,
    );
    expect(r.status, r.err).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ customer_name: 'acme', mode: 'assess', tls: 1, unresolved: [] });
    expect(summary.endpoints[0]).toMatchObject({
      ip: '127.0.0.1',
      port: tls.port,
      failure: null,
      protocol: 'TLSv1.3',
      certificates: 2,
      subject: 'localhost',
      // By address, with the test root outside every store certgrid trusts.
      grade: 'T',
    });
  });

  it('puts what it found in the inventory, once however often it scans', async () => {
    await cli('scan', `127.0.0.1:${tls.port}`, '--customer', 'acme', '--data', data);
    await withContext({ data }, async ({ certgrid }) => {
      const account = await certgrid.accounts.getAccount('acme');
      const found = await certgrid.inventory.listCertificates({
        accountId: account!.id,
        filter: parseQql(`instance:(port:${tls.port})`),
        pageNumber: 0,
        pageSize: 10,
        withAssets: true,
      });
      // The leaf and the intermediate the server sent, each once, seen on the scanned host instance.
      expect(found.map((c) => c.certificate.certType).sort()).toEqual(['Intermediate', 'Leaf']);
      const leaf = found.find((c) => c.certificate.certType === 'Leaf')!;
      expect(leaf.certificate.subject.name).toBe('localhost');
      expect(leaf.certificate.sources).toContain('SCAN');
      expect(leaf.assets[0]!.hostInstances.map((h) => h.port)).toEqual([tls.port]);
    });
  });

  it('exits non-zero with a one-line reason when nothing answers or a target is malformed', async () => {
    const none = await cli('scan', `127.0.0.1:${closedPort}`, '--customer', 'acme', '--data', data);
    expect(none.status).toBe(66);
    expect(none.err).toBe('certgrid: no endpoint answered SSL/TLS\n');
    const bad = await cli('scan', '10.0.0.0/8', '--customer', 'acme', '--data', data);
    expect(bad.status).toBe(65);
    expect(bad.err).toMatch(/^certgrid: target: 10\.0\.0\.0\/8 holds 16777216 addresses; split the scan\n$/);
    const ports = await cli('scan', '127.0.0.1', '--ports', '0', '--customer', 'acme', '--data', data);
    expect(ports.status).toBe(65);
    expect(ports.err).toMatch(/--ports/);
  });

  it('draws a progress bar with counts and rate', () => {
    expect(progressLine({ done: 7, total: 28 }, 3, 2000)).toBe(
      `[${'#'.repeat(7)}${'.'.repeat(21)}] 7/28 endpoints, 3 TLS, 2.0 s, 4/s`,
    );
    expect(progressLine({ done: 0, total: 0 }, 0, 0)).toMatch(/^\[#{28}\] 0\/0/);
  });
});
