/**
 * Child process of `listeners.ts`: `count` node:tls servers, each a listener of its own on a loopback
 * address and an ephemeral port, all serving one certificate chain of the test PKI. Reports the
 * endpoints once every listener is bound; exits when the parent says so or goes away.
 *
 * argv: count, first index (spreads the addresses), number of loopback addresses, certificate kind.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { tlsFixtures } from '../../test/helpers/tls-fixtures.js';
import type { ListenerChildMessage } from './listeners.js';

const count = Number(process.argv[2] ?? 1000);
const first = Number(process.argv[3] ?? 0);
const addresses = Number(process.argv[4] ?? 1);
const kind: 'rsa' | 'ecdsa' = process.argv[5] === 'rsa' ? 'rsa' : 'ecdsa';

const RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n';

const send = (m: ListenerChildMessage): void => {
  process.send?.(m);
};

process.on('message', (m: unknown) => {
  if (m === 'stop') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

try {
  const leaf = tlsFixtures().leaves[kind];
  // node:tls servers build their context from cert and key (a `secureContext` option is ignored).
  const options = { cert: leaf.chainPems.join(''), key: readFileSync(leaf.key.path) };
  const servers: Server[] = [];
  const endpoints: { ip: string; port: number }[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `127.0.0.${1 + ((first + i) % addresses)}`;
    const server = createServer(options, (socket) => {
      socket.once('data', () => socket.end(RESPONSE));
      socket.on('error', () => socket.destroy());
    });
    // A scanner that reads the certificates and hangs up is the normal case here.
    server.on('tlsClientError', () => undefined);
    server.on('connection', (s) => s.on('error', () => s.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    endpoints.push({ ip, port: (server.address() as AddressInfo).port });
  }
  send({ type: 'ready', endpoints });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
