import type { Socket } from 'node:net';
import { createServer, type TlsOptions } from 'node:tls';

export interface LoopbackTlsServer {
  readonly port: number;
  /** Cuts the connections scanners left half-open, then closes the server. */
  stop(): Promise<void>;
}

/** A node:tls server on 127.0.0.1 and a free port, serving `options` (key, cert chain …) to every client. */
export async function startLoopbackTlsServer(options: TlsOptions): Promise<LoopbackTlsServer> {
  const server = createServer({ minVersion: 'TLSv1.2', ...options });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
