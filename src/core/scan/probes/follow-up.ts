import type { ProbeConnection } from '../connection.js';
import {
  CONTENT_TYPE,
  RecordReader,
  WireFormatError,
  parseAlerts,
  type Alert,
  type TlsRecord,
} from '../wire/index.js';

/** How a server reacted to what a probe sent after its hello. */
export interface Reaction {
  readonly records: readonly TlsRecord[];
  readonly alerts: readonly Alert[];
  /** The server closed (or reset) the connection. */
  readonly closed: boolean;
  /** Nothing decisive arrived within the wait. */
  readonly timedOut: boolean;
  /** The server sent bytes that are not TLS records. */
  readonly malformed: boolean;
}

/**
 * Reads what the server sends within `waitMs`, stopping early once `enough(records)` holds, the server
 * closes, or a fatal alert arrives. A silent server is an answer too (timedOut), not a failure.
 */
export async function readReaction(
  conn: ProbeConnection,
  waitMs: number,
  enough: (records: readonly TlsRecord[]) => boolean = () => false,
  options: { readonly maxRecordLength?: number } = {},
): Promise<Reaction> {
  const reader = new RecordReader({ ssl2: false, ...options });
  const records: TlsRecord[] = [];
  const alerts: Alert[] = [];
  const deadline = Date.now() + waitMs;
  const result = (over: Partial<Reaction>): Reaction => ({
    records,
    alerts,
    closed: false,
    timedOut: false,
    malformed: false,
    ...over,
  });
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return result({ timedOut: true });
    let timer: NodeJS.Timeout | undefined;
    const chunk = await Promise.race([
      conn.read(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      }),
    ]);
    clearTimeout(timer);
    if (chunk === 'timeout') return result({ timedOut: true });
    if (chunk === null) return result({ closed: true });
    try {
      for (const rec of reader.push(chunk)) {
        if (rec.kind !== 'tls') continue;
        records.push(rec);
        if (rec.type === CONTENT_TYPE.alert) {
          try {
            alerts.push(...parseAlerts(rec.fragment));
          } catch {
            // An encrypted alert (after keys changed) is still an alert; its content is unreadable.
          }
        }
      }
    } catch (e) {
      if (e instanceof WireFormatError) return result({ malformed: true });
      throw e;
    }
    if (alerts.some((a) => a.levelName === 'fatal') || enough(records)) return result({});
  }
}
