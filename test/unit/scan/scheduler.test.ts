import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ScanNetworkError,
  tcpDialer,
  type Dialer,
  type ProbeConnection,
} from '../../../src/core/scan/connection.js';
import { createScheduler } from '../../../src/core/scan/scheduler.js';

/** A loopback server that echoes, and counts its open connections. */
function countingServer(): Promise<{ server: Server; port: number; open: () => number }> {
  let open = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    open++;
    s.on('data', (d) => s.write(d));
    s.on('error', () => {});
    s.on('close', () => {
      open--;
      sockets.delete(s);
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, open: () => open }),
    ),
  );
}

const echo = async (conn: ProbeConnection): Promise<string> => {
  await conn.write(new TextEncoder().encode('hello'));
  await new Promise((r) => setTimeout(r, 20));
  const got = await conn.read();
  return new TextDecoder().decode(got ?? new Uint8Array());
};

describe('scan scheduler', () => {
  let srv: Awaited<ReturnType<typeof countingServer>>;
  beforeAll(async () => {
    srv = await countingServer();
  });
  afterAll(() => new Promise<void>((r) => srv.server.close(() => r())));

  it('runs a probe over one connection and closes it afterwards', async () => {
    const scheduler = createScheduler();
    expect(await scheduler.probe({ host: '127.0.0.1', port: srv.port }, echo)).toBe('hello');
    expect(scheduler.connections).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.open()).toBe(0);
  });

  it('never opens more connections to one target than perTarget', async () => {
    const scheduler = createScheduler({ perTarget: 3, concurrency: 100 });
    let inFlight = 0;
    let peak = 0;
    const tracked = async (conn: ProbeConnection) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await echo(conn);
      } finally {
        inFlight--;
      }
    };
    const results = await Promise.all(
      Array.from({ length: 12 }, () => scheduler.probe({ host: '127.0.0.1', port: srv.port }, tracked)),
    );
    expect(results.every((r) => r === 'hello')).toBe(true);
    expect(scheduler.connections).toBe(12);
    expect(peak).toBe(3);
  });

  it('bounds connections across targets with the global limit', async () => {
    const other = await countingServer();
    try {
      const scheduler = createScheduler({ perTarget: 8, concurrency: 2 });
      let inFlight = 0;
      let peak = 0;
      const tracked = async (conn: ProbeConnection) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await echo(conn);
        } finally {
          inFlight--;
        }
      };
      await Promise.all(
        [srv.port, other.port, srv.port, other.port, srv.port, other.port].map((port) =>
          scheduler.probe({ host: '127.0.0.1', port }, tracked),
        ),
      );
      expect(peak).toBe(2);
    } finally {
      await new Promise<void>((r) => other.server.close(() => r()));
    }
  });

  it('reports a closed port as connection-refused', async () => {
    const closed = await countingServer();
    const port = closed.port;
    await new Promise<void>((r) => closed.server.close(() => r()));
    const scheduler = createScheduler({ retries: 0 });
    const err = await scheduler.probe({ host: '127.0.0.1', port }, echo).catch((e: unknown) => e);
    expect(ScanNetworkError.is(err, 'connection-refused')).toBe(true);
  });

  it('turns a silent server into a read-timeout and closes the connection', async () => {
    const scheduler = createScheduler({ probeTimeoutMs: 150 });
    const started = Date.now();
    const err = await scheduler
      .probe({ host: '127.0.0.1', port: srv.port }, async (conn) => {
        // The echo server answers nothing until we write: wait for bytes that never come.
        await conn.read();
        return 'unreachable';
      })
      .catch((e: unknown) => e);
    expect(ScanNetworkError.is(err, 'read-timeout')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.open()).toBe(0);
  });

  it('retries a failed dial but not a failure after connecting', async () => {
    let dials = 0;
    const flaky: Dialer = {
      dial: (target, signal) => {
        dials++;
        if (dials === 1) return Promise.reject(new ScanNetworkError('connect-timeout', 'first dial lost'));
        return tcpDialer.dial(target, signal);
      },
    };
    const scheduler = createScheduler({ dialer: flaky, retries: 1 });
    expect(await scheduler.probe({ host: '127.0.0.1', port: srv.port }, echo)).toBe('hello');
    expect(dials).toBe(2);

    dials = 10;
    const failing = scheduler.probe({ host: '127.0.0.1', port: srv.port }, () =>
      Promise.reject(new ScanNetworkError('connection-reset', 'server hung up')),
    );
    await expect(failing).rejects.toThrow('server hung up');
    expect(dials).toBe(11);
  });

  it('stops waiting probes when the caller aborts', async () => {
    const scheduler = createScheduler({ perTarget: 1 });
    const controller = new AbortController();
    let release!: () => void;
    const holding = scheduler.probe(
      { host: '127.0.0.1', port: srv.port },
      () => new Promise<string>((r) => (release = () => r('held'))),
    );
    const queued = scheduler.probe({ host: '127.0.0.1', port: srv.port }, echo, controller.signal);
    controller.abort();
    const err = await queued.catch((e: unknown) => e);
    expect(ScanNetworkError.is(err, 'aborted')).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect(await holding).toBe('held');
    expect(scheduler.connections).toBe(1);
  });
});
