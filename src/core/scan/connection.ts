import { connect, type Socket } from 'node:net';

/**
 * One TCP connection as a probe sees it: write bytes, read chunks as they come, close. Probes speak
 * the TLS wire format themselves (core/scan/wire), so this layer knows nothing of TLS; node:tls
 * probes take the raw socket and wrap it.
 */
export interface ProbeConnection {
  write(bytes: Uint8Array): Promise<void>;
  /** The next chunk the peer sent, or null once it closed its side. */
  read(): Promise<Uint8Array | null>;
  /** The socket itself, for probes that hand it to node:tls for a full handshake. */
  readonly socket: Socket;
  close(): void;
}

/**
 * Network failures form a small closed set (sslyze's hierarchy): the scheduler retries the transient
 * ones and the assessment reports the rest as the endpoint's status.
 */
export type NetworkFailure =
  'connect-timeout' | 'connection-refused' | 'unreachable' | 'connection-reset' | 'read-timeout' | 'aborted';

export class ScanNetworkError extends Error {
  constructor(
    readonly failure: NetworkFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ScanNetworkError';
  }

  static is(e: unknown, failure?: NetworkFailure): e is ScanNetworkError {
    return e instanceof ScanNetworkError && (failure === undefined || e.failure === failure);
  }
}

export interface Target {
  readonly host: string;
  readonly port: number;
}

/** Opens connections; injected so tests and network namespaces can supply their own. */
export interface Dialer {
  dial(target: Target, signal: AbortSignal): Promise<ProbeConnection>;
}

function failureOf(err: NodeJS.ErrnoException): NetworkFailure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    case 'ETIMEDOUT':
      return 'connect-timeout';
    default:
      return 'connection-reset';
  }
}

const abortFailure = (signal: AbortSignal): ScanNetworkError =>
  signal.reason instanceof ScanNetworkError
    ? signal.reason
    : new ScanNetworkError('aborted', 'the probe was aborted');

/** A connection over a connected socket; reads queue chunks so none is lost between read() calls. */
function wrap(socket: Socket, signal: AbortSignal): ProbeConnection {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let failure: ScanNetworkError | null = null;
  let waiter: (() => void) | null = null;
  const wake = () => {
    const w = waiter;
    waiter = null;
    w?.();
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    wake();
  });
  socket.on('end', () => {
    ended = true;
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    // A reset after data is how many servers refuse a hello: report it as the end of the stream
    // to readers that already have bytes, and as a failure to those that have none.
    failure ??= new ScanNetworkError(failureOf(err), err.message);
    wake();
  });
  const onAbort = () => {
    failure ??= abortFailure(signal);
    socket.destroy();
    wake();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  socket.once('close', () => signal.removeEventListener('abort', onAbort));

  return {
    socket,
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed) {
          reject(failure ?? new ScanNetworkError('connection-reset', 'the connection is closed'));
          return;
        }
        socket.write(bytes, (err) =>
          err ? reject(failure ?? new ScanNetworkError('connection-reset', err.message)) : resolve(),
        );
      }),
    async read() {
      for (;;) {
        const next = chunks.shift();
        if (next !== undefined) return next;
        if (signal.aborted) throw failure ?? abortFailure(signal);
        if (failure !== null && failure.failure !== 'connection-reset') throw failure;
        if (ended || failure !== null) return null;
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
    },
    close: () => {
      socket.destroy();
    },
  };
}

/** The default dialer: plain TCP with no delay, failing fast when the signal aborts. */
export const tcpDialer: Dialer = {
  dial: (target, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(abortFailure(signal));
        return;
      }
      const socket = connect({ host: target.host, port: target.port, noDelay: true });
      const onAbort = () => {
        socket.destroy();
        reject(
          signal.reason instanceof ScanNetworkError && signal.reason.failure === 'read-timeout'
            ? new ScanNetworkError('connect-timeout', `connect to ${target.host}:${target.port} timed out`)
            : abortFailure(signal),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        resolve(wrap(socket, signal));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(new ScanNetworkError(failureOf(err), `${target.host}:${target.port}: ${err.message}`));
      });
    }),
};

/** The failure as SSL Labs words an endpoint's status message. Aborts are not statuses: rethrown. */
export function statusMessageOf(e: ScanNetworkError): string {
  switch (e.failure) {
    case 'connection-refused':
      return 'Unable to connect to the server';
    case 'connect-timeout':
    case 'read-timeout':
      return 'Connection timed out';
    case 'unreachable':
      return 'No route to host';
    case 'aborted':
      throw e;
    default:
      return 'Failed to communicate with the secure server';
  }
}
