/**
 * A node:tls server in this process on 127.0.0.1, port 0, answering any request with a tiny HTTP response.
 */
import type { Socket } from 'node:net';
import { createServer, type TlsOptions } from 'node:tls';
import { LOOPBACK } from './spawned-server.js';

export interface InProcessServer {
  readonly port: number;
  stop(): Promise<void>;
}

const RESPONSE =
  'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n';

export async function startNodeTlsServer(options: TlsOptions): Promise<InProcessServer> {
  const sockets = new Set<Socket>();
  const server = createServer(options, (socket) => {
    socket.once('data', () => socket.end(RESPONSE));
    socket.on('error', () => socket.destroy());
  });
  // Scanners leave connections half-open; stop() must not wait for them.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Failed handshakes are what a scanner provokes: not an error of the server.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
