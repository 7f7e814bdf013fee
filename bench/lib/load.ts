import net from 'node:net';

export interface LoadResult {
  readonly concurrency: number;
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly contentType: string;
  /** A body per request index, so a pool of CSRs can rotate. */
  readonly body: (i: number) => string;
  /** Whether a response counts as a success. */
  readonly ok: (status: number, body: string) => boolean;
}

/**
 * Closed-loop load from keep-alive connections: each of `concurrency` connections sends, waits,
 * sends again.
 *
 * HTTP/1.1 is spoken over raw sockets rather than through node:http because the client shares this
 * 2-core machine with the server it measures: node:http's client cost about 170 µs of CPU per
 * request, taken from the server, and answered in bursts that left the server idle between them.
 * This client costs a fraction of that, as wrk or oha would; it understands exactly what the
 * servers under test send (Content-Length or chunked bodies).
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const target = new URL(opts.url);
  const port = Number(target.port || 80);
  const head =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\n` +
    `Host: ${target.host}\r\n` +
    `Content-Type: ${opts.contentType}\r\n` +
    `Connection: keep-alive\r\n`;
  const latencies: number[] = [];
  let failures = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;

  const connection = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: target.hostname, port, noDelay: true });
      const parser = new ResponseParser();
      let t0 = 0;
      const send = () => {
        if (performance.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        const body = opts.body(n++);
        t0 = performance.now();
        // One write, so each request leaves as one segment and the server reads it in one go.
        socket.write(head + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        let r: ParsedResponse | undefined;
        try {
          r = parser.push(chunk);
        } catch {
          failures++;
          socket.destroy();
          return;
        }
        if (r === undefined) return;
        if (opts.ok(r.status, r.body)) latencies.push(performance.now() - t0);
        else failures++;
        send();
      });
      socket.on('error', () => {
        failures++;
        resolve();
      });
      socket.on('close', () => resolve());
    });

  await Promise.all(Array.from({ length: opts.concurrency }, connection));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    concurrency: opts.concurrency,
    requests: latencies.length,
    failures,
    seconds,
    perSecond: latencies.length / seconds,
    p50ms: q(0.5),
    p99ms: q(0.99),
  };
}

/**
 * One keep-alive connection for sequential requests (latency measurements), with the same lean
 * HTTP/1.1 handling as runLoad, so the client adds as little as possible to what is measured.
 */
export interface HttpConnection {
  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<ParsedResponse>;
  close(): void;
}

export async function openHttpConnection(url: string): Promise<HttpConnection> {
  const target = new URL(url);
  const socket = net.connect({ host: target.hostname, port: Number(target.port || 80), noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const parser = new ResponseParser();
  let pending: { resolve: (r: ParsedResponse) => void; reject: (e: Error) => void } | undefined;
  socket.on('data', (chunk: Buffer) => {
    try {
      const r = parser.push(chunk);
      if (r !== undefined && pending !== undefined) {
        const p = pending;
        pending = undefined;
        p.resolve(r);
      }
    } catch (e) {
      pending?.reject(e as Error);
    }
  });
  socket.on('error', (e) => pending?.reject(e));
  return {
    request(method, path, headers, body = '') {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        const lines = Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.write(
          `${method} ${path} HTTP/1.1\r\nHost: ${target.host}\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      });
    },
    close: () => socket.destroy(),
  };
}

export interface ParsedResponse {
  readonly status: number;
  readonly body: string;
}

/** One response at a time off a keep-alive connection: a status line, headers, then the body. */
class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ParsedResponse | undefined {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const headers = this.buf.subarray(0, end).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1]);
    if (!Number.isInteger(status)) throw new Error('not an HTTP/1.x response');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
    const rest = this.buf.subarray(end + 4);
    let body: Buffer;
    let consumed: number;
    if (length !== null) {
      const len = Number(length[1]);
      if (rest.length < len) return undefined;
      body = rest.subarray(0, len);
      consumed = len;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(headers)) {
      const chunked = dechunk(rest);
      if (chunked === undefined) return undefined;
      ({ body, consumed } = chunked);
    } else {
      throw new Error('a response without a length');
    }
    this.buf = rest.subarray(consumed);
    return { status, body: body.toString('utf8') };
  }
}

/** A complete chunked body (RFC 9112 §7.1), or undefined while more bytes are due. */
function dechunk(b: Buffer): { body: Buffer; consumed: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    const dataStart = eol + 2;
    if (size === 0) {
      // No trailers are sent by the servers under test: the last chunk ends with one more CRLF.
      if (b.length < dataStart + 2) return undefined;
      return { body: Buffer.concat(parts), consumed: dataStart + 2 };
    }
    if (b.length < dataStart + size + 2) return undefined;
    parts.push(b.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}
