import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { activeSessions, checkConcurrency } from '../../../src/core/scan/active-sessions.js';
import type { ProbeConnection } from '../../../src/core/scan/connection.js';
import type { ScanContext } from '../../../src/core/scan/enumerate.js';
import { sendHello } from '../../../src/core/scan/probes/hello.js';
import { createScheduler, type Scheduler } from '../../../src/core/scan/scheduler.js';
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  buildCertificate,
  buildServerHello,
  concatBytes,
  encodeHandshake,
  encodeRecord,
} from '../../../src/core/scan/wire/index.js';
import { selfSignedLocalhost } from '../../helpers/self-signed.js';

const TLS12 = 0x0303;
const RSA_AES128_SHA = 0x002f;
const HELLO = { version: TLS12, suites: [RSA_AES128_SHA] } as const;
const leaf = selfSignedLocalhost('rsa2048').der;

/** ServerHello, Certificate, ServerHelloDone: then the server waits for a ClientKeyExchange that never comes. */
const flight = (): Uint8Array =>
  encodeRecord(
    CONTENT_TYPE.handshake,
    TLS12,
    concatBytes([
      buildServerHello({ version: TLS12, cipherSuite: RSA_AES128_SHA, extensions: [] }),
      buildCertificate({ certs: [leaf] }),
      encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
    ]),
  );

/**
 * Answers every hello with its first flight, then holds the connection until the client closes it. One at a
 * time, it reads a connection only once the previous one is closed, as `openssl s_server` does.
 */
async function helloServer(oneAtATime: boolean): Promise<{ server: Server; port: number }> {
  const waiting: Socket[] = [];
  let current: Socket | null = null;
  const serve = (socket: Socket): void => {
    socket.once('data', () => socket.write(flight()));
    socket.resume();
  };
  const next = (): void => {
    if (current !== null) return;
    const socket = waiting.shift();
    if (socket === undefined) return;
    if (socket.destroyed) return next();
    current = socket;
    socket.once('close', () => {
      current = null;
      next();
    });
    serve(socket);
  };
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (!oneAtATime) return serve(socket);
    socket.pause();
    waiting.push(socket);
    next();
  });
  return { server, port: await listen(server) };
}

const servers: Server[] = [];
const sockets = new Set<Socket>();

/** Listens on a loopback port; the connections are cut and the server closed after each test. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const contextFor = (port: number, scheduler: Scheduler = createScheduler()): ScanContext => ({
  scheduler,
  target: { host: '127.0.0.1', port },
  serverName: 'localhost',
});

/** A session that gets its hello answered, then holds the connection for `holdMs`, as ROBOT's silent wait does. */
function holdingSession(holdMs: number, seen: { running: number; peak: number; started: number }) {
  return async (conn: ProbeConnection): Promise<string> => {
    const answer = await sendHello(conn, { ...HELLO, serverName: 'localhost' });
    seen.started++;
    seen.running++;
    seen.peak = Math.max(seen.peak, seen.running);
    await new Promise((r) => setTimeout(r, holdMs));
    seen.running--;
    return answer.kind;
  };
}

const counters = () => ({ running: 0, peak: 0, started: 0 });

describe('checkConcurrency', () => {
  it('a server that answers a second hello while the first handshake is open serves connections concurrently', async () => {
    const { port } = await helloServer(false);
    expect(await checkConcurrency(contextFor(port), HELLO)).toBe('concurrent');
  });

  it('one that does not serves one connection at a time', async () => {
    const { port } = await helloServer(true);
    expect(await checkConcurrency(contextFor(port), HELLO)).toBe('one-at-a-time');
  });

  it('a server that does not answer the hello at all counts as one-at-a-time (the safe side)', async () => {
    const port = await listen(createServer((s) => s.on('error', () => undefined)));
    const ctx = contextFor(port, createScheduler({ probeTimeoutMs: 300 }));
    expect(await checkConcurrency(ctx, HELLO)).toBe('one-at-a-time');
  });
});

describe('activeSessions', () => {
  it('on a one-at-a-time server, runs sessions one after another, each answered', async () => {
    const { port } = await helloServer(true);
    const seen = counters();
    const sessions = activeSessions(contextFor(port), { hello: HELLO });
    const answers = await Promise.all([1, 2, 3, 4].map(() => sessions.run(holdingSession(50, seen))));
    expect(answers).toEqual(['tls', 'tls', 'tls', 'tls']);
    expect(sessions.concurrency).toBe('one-at-a-time');
    expect(seen.peak).toBe(1);
  });

  it('on a concurrent server, runs them side by side', async () => {
    const { port } = await helloServer(false);
    const seen = counters();
    const sessions = activeSessions(contextFor(port), { hello: HELLO });
    await Promise.all([1, 2, 3, 4].map(() => sessions.run(holdingSession(100, seen))));
    expect(sessions.concurrency).toBe('concurrent');
    expect(sessions.serial).toBe(false);
    expect(seen.peak).toBeGreaterThan(1);
  });

  it('sessions run one at a time wait until the scan is otherwise idle', async () => {
    const { port } = await helloServer(true);
    const seen = counters();
    let release!: () => void;
    const idle = new Promise<void>((resolve) => (release = resolve));
    const sessions = activeSessions(contextFor(port), { concurrency: 'one-at-a-time', idle });
    const done = sessions.run(holdingSession(0, seen));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.started).toBe(0);
    release();
    expect(await done).toBe('tls');
  });

  it('a session that timed out in the queue, before any answer, is run again, one at a time from then on', async () => {
    // Taken for concurrent, a one-at-a-time server leaves the later sessions waiting past the probe timeout.
    const { port } = await helloServer(true);
    const seen = counters();
    const ctx = contextFor(port, createScheduler({ probeTimeoutMs: 400 }));
    const sessions = activeSessions(ctx, { concurrency: 'concurrent' });
    const answers = await Promise.all([1, 2, 3, 4].map(() => sessions.run(holdingSession(150, seen))));
    expect(answers).toEqual(['tls', 'tls', 'tls', 'tls']);
    expect(sessions.serial).toBe(true);
  });

  it('a server that stops answering sessions that have it to themselves costs one retry, then every session fails at once', async () => {
    const port = await listen(createServer((s) => s.on('error', () => undefined)));
    const scheduler = createScheduler({ probeTimeoutMs: 200, retries: 0 });
    const sessions = activeSessions(contextFor(port, scheduler), { concurrency: 'one-at-a-time' });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => sessions.run((conn) => sendHello(conn, { ...HELLO, serverName: 'localhost' }))),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ failure: 'read-timeout' });
    // The first session and its one retry; the other three never dialled.
    expect(scheduler.connections).toBe(2);
  });

  it('a session that timed out after the server answered is not run again: that is its reaction', async () => {
    const { port } = await helloServer(false);
    const ctx = contextFor(port, createScheduler({ probeTimeoutMs: 200 }));
    const sessions = activeSessions(ctx, { concurrency: 'concurrent' });
    let runs = 0;
    const stuck = async (conn: ProbeConnection) => {
      runs++;
      await sendHello(conn, { ...HELLO, serverName: 'localhost' });
      await conn.read(); // nothing more comes: the probe timeout ends it
    };
    await expect(sessions.run(stuck)).rejects.toMatchObject({ failure: 'read-timeout' });
    expect(runs).toBe(1);
    expect(sessions.serial).toBe(false);
  });

  it('a parallel round that looks suspect is run again one session at a time; a round run one at a time is not', async () => {
    const { port } = await helloServer(false);
    const sessions = activeSessions(contextFor(port), { concurrency: 'concurrent' });
    let calls = 0;
    const tasks = [1, 2, 3].map((i) => async () => {
      calls++;
      return sessions.run(async () => i);
    });
    expect(await sessions.round(tasks, () => true)).toEqual([1, 2, 3]);
    expect(calls).toBe(6);
    expect(sessions.serial).toBe(true);
    expect(await sessions.round(tasks, () => true)).toEqual([1, 2, 3]);
    expect(calls).toBe(9);
  });
});
