/**
 * Records in and out over one ProbeConnection, with the three ways a read can end that probes
 * must tell apart: the peer closed (FIN), the peer reset (RST), or nothing came in time.
 */
import { ScanNetworkError, type ProbeConnection } from '../connection.js';
import { RecordReader, WireFormatError, type TlsRecord } from '../wire/index.js';

export type ChannelEvent =
  | { readonly kind: 'record'; readonly record: TlsRecord }
  | { readonly kind: 'closed' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'timeout' }
  /** Bytes that are not TLS records (an HTTP banner, garbage); `detail` says what was wrong. */
  | { readonly kind: 'malformed'; readonly detail: string };

export class RecordChannel {
  readonly #conn: ProbeConnection;
  readonly #reader = new RecordReader({ ssl2: false });
  readonly #queue: TlsRecord[] = [];
  #pending: Promise<Uint8Array | null> | null = null;
  #reset = false;
  #ended: ChannelEvent | null = null;

  constructor(conn: ProbeConnection) {
    this.#conn = conn;
    // ProbeConnection.read() reports a reset like a close; the socket says which it was.
    conn.socket?.on?.('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') this.#reset = true;
    });
  }

  /**
   * Write bytes; false when the peer is gone (it closed or reset first). A probe that sends
   * something the server rejects early must still read the server's answer, so this never throws
   * for a dead peer.
   */
  async write(bytes: Uint8Array): Promise<boolean> {
    try {
      await this.#conn.write(bytes);
      return true;
    } catch (e) {
      if (e instanceof ScanNetworkError && e.failure === 'connection-reset') return false;
      throw e;
    }
  }

  /**
   * The next record, or how the stream ended. `deadline` (epoch ms) bounds the wait; without it
   * only the probe's signal does (a scheduler timeout then reads as `timeout` too). An abort of the
   * scan itself is rethrown.
   */
  async next(deadline?: number): Promise<ChannelEvent> {
    for (;;) {
      const queued = this.#queue.shift();
      if (queued !== undefined) return { kind: 'record', record: queued };
      if (this.#ended !== null) return this.#ended;
      let chunk: Uint8Array | null | 'timeout';
      try {
        chunk = await this.#read(deadline);
      } catch (e) {
        if (e instanceof ScanNetworkError && e.failure === 'read-timeout') return { kind: 'timeout' };
        throw e;
      }
      if (chunk === 'timeout') return { kind: 'timeout' };
      if (chunk === null) {
        // Let a pending 'error' event land before deciding between FIN and RST.
        await new Promise((resolve) => setImmediate(resolve));
        this.#ended = { kind: this.#reset ? 'reset' : 'closed' };
        continue;
      }
      try {
        for (const r of this.#reader.push(chunk)) if (r.kind === 'tls') this.#queue.push(r);
      } catch (e) {
        if (!(e instanceof WireFormatError)) throw e;
        this.#ended = { kind: 'malformed', detail: e.reason };
      }
    }
  }

  /** One chunk, keeping a read that outlived its deadline for the next call (no chunk is lost). */
  async #read(deadline: number | undefined): Promise<Uint8Array | null | 'timeout'> {
    if (this.#pending === null) {
      const p = this.#conn.read();
      p.catch(() => undefined); // observed below or by a later call
      this.#pending = p;
    }
    const pending = this.#pending;
    if (deadline === undefined) {
      this.#pending = null;
      return pending;
    }
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        pending,
        new Promise<'timeout'>((resolve) => {
          // After the timer, one more turn of the event loop: if this process stalled (GC, a busy
          // host), bytes that arrived meanwhile are read before the wait counts as silence.
          timer = setTimeout(() => setImmediate(() => resolve('timeout')), left);
        }),
      ]);
      if (result !== 'timeout') this.#pending = null;
      return result;
    } catch (e) {
      this.#pending = null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}
