import { fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * The bench's TLS servers (test/helpers/tls-servers.ts kinds) run in a child process
 * (`tls-server-child.ts`): openssl, nginx and gnutls-serv are programs of their own anyway, and a
 * node:tls server must not share the scanner's event loop or CPU accounting.
 */
export type ServerChildMessage =
  | {
      readonly type: 'ready';
      /** The test PKI's root, PEM: the chains of every server lead to it. */
      readonly root: string;
      readonly servers: readonly ChildServer[];
    }
  | { readonly type: 'error'; readonly message: string };

interface ChildServer {
  readonly kind: string;
  readonly port: number;
  /** The server program's pid (process group leader), or the child's own pid for node:tls servers. */
  readonly pid: number;
  /** Versions a handshake completes with (test/helpers/tls-servers.ts `expected.protocols`). */
  readonly protocols: readonly string[];
}

export interface MatrixServer extends ChildServer {
  readonly host: '127.0.0.1';
}

export interface ServerProcess {
  /** The child's pid (node:tls servers run in it; the other programs are its children). */
  readonly pid: number;
  readonly root: string;
  readonly servers: readonly MatrixServer[];
  stop(): Promise<void>;
}

const CHILD = join(import.meta.dirname, 'tls-server-child.js');

/** Starts every kind in one child process; rejects with the child's reason when one does not start. */
export async function startServerProcess(
  kinds: readonly string[],
  timeoutMs = 120_000,
): Promise<ServerProcess> {
  const child = fork(CHILD, [...kinds], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Extract<ServerChildMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`TLS servers did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('message', (m: ServerChildMessage) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve(m);
      else reject(new Error(`TLS servers did not start: ${m.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`TLS server process exited (${code}) before it was ready`));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    root: ready.root,
    servers: ready.servers.map((s) => ({ ...s, host: '127.0.0.1' as const })),
    stop: () =>
      (stopping ??= (async () => {
        if (child.connected) child.send('stop');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      })()),
  };
}
