/**
 * Runs a server program on 127.0.0.1 on a free port: picks the port, starts the program in its own process
 * group, waits until the port accepts connections, and stops the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { onProcessEnd } from './process-end.js';

export const LOOPBACK = '127.0.0.1';

export interface SpawnedServer {
  readonly pid: number;
  readonly port: number;
  /** What the program printed so far (the last few kilobytes of stdout and stderr, interleaved). */
  output(): string;
  /** SIGTERM to the process group, SIGKILL to what is left after a grace period; resolves when none is left. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly command: string;
  /** The arguments for a given port. */
  readonly args: (port: number) => readonly string[];
  readonly cwd?: string;
  /**
   * Ready only once this holds too (a listening message, a pid file): the port alone could be answered by
   * another program that took it between the choice and the bind.
   */
  readonly ready?: (output: string) => boolean;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

const OUTPUT_LIMIT = 16_384;
const STOP_GRACE_MS = 3_000;
const ADDRESS_IN_USE = /address already in use/i;
const recentPorts = new Set<number>();

/**
 * A port that was free a moment ago. The tools here cannot report an ephemeral port they bound (s_server,
 * nginx, gnutls-serv take a fixed one), so the port is chosen first and a start that loses the race for it
 * is retried by `spawnServer`.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, LOOPBACK, () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    // Servers started in parallel must not be handed the same port just released by another.
    if (port > 0 && !recentPorts.has(port)) {
      recentPorts.add(port);
      if (recentPorts.size > 256) recentPorts.delete(recentPorts.values().next().value as number);
      return port;
    }
  }
}

/** Whether a TCP connection to the port succeeds (it is closed at once). */
export function acceptsConnections(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Starts the program, retrying with another port when the chosen one was taken meanwhile. */
export async function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await spawnOnce(options, port);
    } catch (err) {
      lastError = err;
      if (!(err instanceof ServerStartError && ADDRESS_IN_USE.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function spawnOnce(options: SpawnOptions, port: number): Promise<SpawnedServer> {
  const args = options.args(port);
  const describe = `${options.command} ${args.join(' ')}`;
  // detached: its own process group, so stop() reaches the program's children too (nginx workers).
  const child: ChildProcess = spawn(options.command, args, {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  // Both pipes are always drained: a program blocked on a full pipe stops serving.
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });
  const pid = child.pid;
  const unregister =
    pid === undefined
      ? () => false
      : onProcessEnd(() => {
          signalGroup(pid, 'SIGKILL');
        });

  const stop = async (): Promise<void> => {
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while ((exited === undefined || groupAlive(pid)) && Date.now() < deadline) {
      await Promise.race([exit, sleep(25)]);
    }
    if (exited === undefined || groupAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      await exit;
      // Bounded: a killed orphan stays in the group as a zombie until whoever adopted it reaps it.
      const killDeadline = Date.now() + STOP_GRACE_MS;
      while (groupAlive(pid) && Date.now() < killDeadline) await sleep(25);
    }
    unregister();
  };

  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) {
      unregister();
      throw new ServerStartError(`${describe}: could not be started: ${spawnError.message}`);
    }
    if (exited) {
      await stop();
      throw new ServerStartError(
        `${describe}: exited before accepting connections (code ${exited.code}, signal ${exited.signal}):\n${output}`,
      );
    }
    if (ADDRESS_IN_USE.test(output)) {
      await stop();
      throw new ServerStartError(`${describe}: port ${port} is in use:\n${output}`);
    }
    if ((options.ready?.(output) ?? true) && (await acceptsConnections(port))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ServerStartError(`${describe}: not accepting connections after ${timeoutMs} ms:\n${output}`);
    }
    await sleep(25);
  }

  return { pid: pid as number, port, output: () => output, stop };
}

export interface OpensslServerOptions {
  /** Certificate (or chain) and key files. */
  readonly cert: string;
  readonly key: string;
  /** More s_server options (protocols, ciphers, DH parameters …). */
  readonly extra?: readonly string[];
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** `openssl s_server -www` on a free loopback port: it answers `GET /` with a status page over TLS. */
export function spawnOpensslServer(o: OpensslServerOptions): Promise<SpawnedServer> {
  return spawnServer({
    command: 'openssl',
    args: (port) => [
      's_server',
      '-www',
      '-cert',
      o.cert,
      '-key',
      o.key,
      ...(o.extra ?? []),
      '-accept',
      `${LOOPBACK}:${port}`,
    ],
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    // s_server prints ACCEPT once it listens.
    ready: (output) => /^ACCEPT$/m.test(output),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
}
