/**
 * `startFakeTlsServer`: a TCP server on 127.0.0.1 (ephemeral port) that answers each connection's
 * ClientHello as its config says, at the wire level, with the scanner's own codec. It plays servers
 * OpenSSL can no longer be (SSLv2, SSLv3, RC4, export suites, Heartbleed, the CCS bug, Ticketbleed …)
 * and never completes a key exchange: the scanner only reads plaintext flights.
 *
 * Behaviour per connection: `responder.ts` (the hello) and `connection.ts` (what follows).
 * A failing connection is closed; it never throws into the test process.
 */
import { createServer, type Socket } from 'node:net';
import { resolveConfig, type FakeServerConfig } from './config.js';
import { FakeConnection, type ConnectionEvent } from './connection.js';

export interface FakeServerEvent extends ConnectionEvent {
  /** 1 for the first connection the server accepted. */
  readonly connection: number;
}

export interface FakeTlsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Stop listening and drop open connections; resolves once the listener is closed. Idempotent. */
  stop(): Promise<void>;
  /** Connections accepted so far. */
  connections(): number;
  /** What the connections did, oldest first (the last 1000 events). */
  events(): readonly FakeServerEvent[];
}

const HOST = '127.0.0.1';
const MAX_EVENTS = 1000;

/** Start a fake on 127.0.0.1 and an ephemeral port. Rejects when the config is invalid or the listen fails. */
export async function startFakeTlsServer(config: FakeServerConfig): Promise<FakeTlsServer> {
  const resolved = resolveConfig(config);
  const sockets = new Set<Socket>();
  const events: FakeServerEvent[] = [];
  let accepted = 0;

  const server = createServer((socket) => {
    const connection = ++accepted;
    sockets.add(socket);
    const onEvent = (e: ConnectionEvent): void => {
      events.push({ ...e, connection });
      if (events.length > MAX_EVENTS) events.shift();
    };
    const fake = new FakeConnection(socket, resolved, onEvent);
    socket.setNoDelay(true);
    socket.setTimeout(resolved.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      try {
        fake.onData(chunk);
      } catch {
        socket.destroy();
      }
    });
    // Resets and broken pipes from clients that hang up are normal here.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(0, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') {
    server.close();
    throw new Error('fake TLS server has no TCP address');
  }

  let stopping: Promise<void> | undefined;
  return {
    host: HOST,
    port: address.port,
    connections: () => accepted,
    events: () => [...events],
    stop(): Promise<void> {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopping;
    },
  };
}
