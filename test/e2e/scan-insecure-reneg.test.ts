/**
 * Insecure client-initiated renegotiation (SSL Labs `renegSupport` bit 0, CVE-2009-3555) against real
 * servers on 127.0.0.1. OpenSSL 3 renegotiates at a client's request only with `-client_renegotiation`
 * (SSL_OP_ALLOW_CLIENT_RENEGOTIATION), and with a client that never offered RFC 5746 only with
 * `-legacy_renegotiation` too (SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION): that pair is the vulnerable
 * server. `-client_renegotiation` alone allows secure renegotiation only (bit 2, not bit 0); a default
 * s_server and node:tls refuse both. The probe runs on its own, then inside whole scans, whose flags
 * and grade caps must follow.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cipherSuite } from '../../src/core/scan/ciphers.js';
import {
  insecureRenegotiationProbe,
  renegotiationHello,
} from '../../src/core/scan/probes/insecure-renegotiation.js';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import type { ProtocolVersion } from '../../src/core/scan/types.js';
import { capIds, scanAndAssess, type ScannedEndpoint } from '../helpers/scan.js';
import { selfSignedLocalhost } from '../helpers/self-signed.js';
import { LOOPBACK, spawnOpensslServer, type SpawnedServer } from '../helpers/tls/spawned-server.js';
import { requireTool } from '../helpers/tools.js';

// Prints why the s_server tests are skipped when openssl is missing (and fails in CI, which installs it).
const hasOpenssl = requireTool('openssl', ['version']);
const TLS10 = 0x0301;
const TLS12 = 0x0303;
const REACTION_MS = 600;
const CAP = 'cap-insecure-renegotiation-f';
const scheduler = createScheduler({ probeTimeoutMs: 10_000, perTarget: 8 });
const credentials = selfSignedLocalhost('rsa2048');

/** The probe alone, offering these suites on this protocol. */
function probeAt(port: number, version: ProtocolVersion, suites: readonly number[]): Promise<boolean | null> {
  const hello = renegotiationHello([
    { protocol: version, suites: suites.map((id) => ({ suite: cipherSuite(id)! })), preference: null },
  ]);
  if (hello === null) throw new TypeError('no suite the session engine runs');
  return scheduler.probe({ host: LOOPBACK, port }, (conn, signal) =>
    insecureRenegotiationProbe(conn, signal, hello, {
      serverName: 'localhost',
      reactionTimeoutMs: REACTION_MS,
    }),
  );
}

const scan = (port: number): Promise<ScannedEndpoint> => scanAndAssess(scheduler, { host: LOOPBACK, port });

describe.skipIf(!hasOpenssl)('openssl s_server', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certgrid-insecure-reneg-'));
    writeFileSync(join(dir, 'cert.pem'), credentials.certPem);
    writeFileSync(join(dir, 'key.pem'), credentials.keyPem);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (...extra: string[]): Promise<SpawnedServer> =>
    spawnOpensslServer({ cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), extra });

  describe('-legacy_renegotiation -client_renegotiation: vulnerable', () => {
    let server: SpawnedServer;
    beforeAll(async () => {
      server = await start(
        '-legacy_renegotiation',
        '-client_renegotiation',
        '-min_protocol',
        'TLSv1',
        '-max_protocol',
        'TLSv1.2',
        '-cipher',
        'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0',
      );
    });
    afterAll(async () => server?.stop());

    it('renegotiates with a legacy client in TLS 1.2 (ECDHE, AES-GCM) and TLS 1.0 (RSA, CBC)', async () => {
      expect(await probeAt(server.port, TLS12, [0xc02f])).toBe(true);
      expect(await probeAt(server.port, TLS10, [0x002f])).toBe(true);
    });

    it('a scan sets renegSupport bit 0 beside bits 1 and 2, and the F cap fires', async () => {
      const s = await scan(server.port);
      expect(s.facts.serverHello.secureRenegotiation).toBe(true);
      expect(s.facts.insecureRenegotiation).toBe(true);
      expect(s.details.renegSupport & 7).toBe(1 | 2 | 4);
      expect(capIds(s.grade)).toContain(CAP);
      expect(s.grade.gradeTrustIgnored).toBe('F');
    });
  });

  describe('-client_renegotiation alone: secure renegotiation only', () => {
    let server: SpawnedServer;
    beforeAll(async () => {
      server = await start('-client_renegotiation', '-max_protocol', 'TLSv1.2');
    });
    afterAll(async () => server?.stop());

    it('refuses the legacy client; a scan sets bits 1 and 2 but not 0', async () => {
      expect(await probeAt(server.port, TLS12, [0xc02f])).toBe(false);
      const s = await scan(server.port);
      expect(s.facts.insecureRenegotiation).toBe(false);
      expect(s.details.renegSupport & 7).toBe(2 | 4);
      expect(capIds(s.grade)).not.toContain(CAP);
    });
  });

  describe('default', () => {
    let server: SpawnedServer;
    beforeAll(async () => {
      server = await start('-max_protocol', 'TLSv1.2');
    });
    afterAll(async () => server?.stop());

    it('refuses; a scan leaves bit 0 clear', async () => {
      expect(await probeAt(server.port, TLS12, [0xc02f])).toBe(false);
      const s = await scan(server.port);
      expect(s.facts.insecureRenegotiation).toBe(false);
      expect(s.details.renegSupport & 1).toBe(0);
      expect(capIds(s.grade)).not.toContain(CAP);
    });
  });
});

describe('node:tls', () => {
  let server: TlsServer;
  let port = 0;
  // Connections a scan left open (the HTTP session's keep-alive) would hold close() back.
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createTlsServer(
      { key: credentials.keyPem, cert: credentials.certPem, maxVersion: 'TLSv1.2' },
      (s) => s.on('error', () => {}),
    );
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses; a scan leaves bit 0 clear', async () => {
    expect(await probeAt(port, TLS12, [0xc02f])).toBe(false);
    const s = await scan(port);
    expect(s.facts.insecureRenegotiation).toBe(false);
    expect(s.details.renegSupport & 1).toBe(0);
  });
});
