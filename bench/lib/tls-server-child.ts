/**
 * Child process of `tls-server-process.ts`: starts the TLS servers of test/helpers/tls-servers.ts named on
 * its command line (each on 127.0.0.1 and a free port), reports their ports and the test root, and stops
 * them when the parent says so or goes away. Keeping them out of the bench process means a node:tls
 * server's handshakes never share the scanner's event loop, and the bench's CPU is the scanner's alone.
 */
import { tlsFixtures } from '../../test/helpers/tls-fixtures.js';
import { startTlsServer, type RunningTlsServer, type TlsServerKind } from '../../test/helpers/tls-servers.js';
import type { ServerChildMessage } from './tls-server-process.js';

const kinds = process.argv.slice(2) as TlsServerKind[];
const running: RunningTlsServer[] = [];

async function stopAll(): Promise<void> {
  await Promise.allSettled(running.map((s) => s.stop()));
  running.length = 0;
}

const send = (m: ServerChildMessage): void => {
  process.send?.(m);
};

process.on('message', (m: unknown) => {
  if (m === 'stop') void stopAll().then(() => process.exit(0));
});
// The parent died or closed the channel: leave nothing behind.
process.on('disconnect', () => void stopAll().then(() => process.exit(0)));

try {
  const root = tlsFixtures().root.pem;
  for (const kind of kinds) running.push(await startTlsServer(kind));
  send({
    type: 'ready',
    root,
    servers: running.map((s) => ({
      kind: s.kind,
      port: s.port,
      pid: s.pid ?? process.pid,
      protocols: [...s.expected.protocols],
    })),
  });
} catch (e) {
  await stopAll();
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
