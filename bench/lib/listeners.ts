import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { processTreeCpu } from './proc.js';

/**
 * Many TLS listeners on loopback for the discovery benchmark, in child processes of their own
 * (`listeners-child.ts`) so the servers' CPU is accounted apart from the scanner's.
 */
export type ListenerChildMessage =
  | { readonly type: 'ready'; readonly endpoints: readonly Endpoint[] }
  | { readonly type: 'error'; readonly message: string };

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface ListenerOptions {
  readonly count: number;
  /** Child processes sharing the listeners. */
  readonly processes: number;
  /** Loopback addresses used, 127.0.0.1 up. */
  readonly addresses: number;
  /** The served leaf: ECDSA P-256 (default) or RSA 2048, each with the test intermediate. */
  readonly certificate: 'ecdsa' | 'rsa';
}

export interface Listeners {
  readonly endpoints: readonly Endpoint[];
  readonly pids: readonly number[];
  /** CPU seconds the listener processes have used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CHILD = join(import.meta.dirname, 'listeners-child.js');

function startChild(count: number, first: number, opts: ListenerOptions) {
  const child: ChildProcess = fork(
    CHILD,
    [String(count), String(first), String(opts.addresses), opts.certificate],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<readonly Endpoint[]>((resolve, reject) => {
    child.once('message', (m: ListenerChildMessage) =>
      m.type === 'ready' ? resolve(m.endpoints) : reject(new Error(`listeners did not start: ${m.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`listener process exited (${code}) before it was ready`)));
  });
  return { child, exited, ready };
}

export async function startListeners(opts: ListenerOptions): Promise<Listeners> {
  const per = Math.ceil(opts.count / opts.processes);
  const children: ReturnType<typeof startChild>[] = [];
  for (let first = 0; first < opts.count; first += per) {
    children.push(startChild(Math.min(per, opts.count - first), first, opts));
  }
  const stop = async () => {
    for (const c of children) if (c.child.connected) c.child.send('stop');
    const killer = setTimeout(() => children.forEach((c) => c.child.kill('SIGKILL')), 10_000);
    await Promise.all(children.map((c) => c.exited));
    clearTimeout(killer);
  };
  let endpoints: Endpoint[];
  try {
    endpoints = (await Promise.all(children.map((c) => c.ready))).flat();
  } catch (e) {
    await stop();
    throw e;
  }
  const pids = children.map((c) => c.child.pid!);
  return {
    endpoints,
    pids,
    cpuSeconds: () => pids.reduce((sum, pid) => sum + processTreeCpu(pid), 0),
    stop,
  };
}
