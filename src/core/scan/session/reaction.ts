/**
 * How a server reacted to what a probe sent, and two ways to compare reactions: as we see them
 * (we hold the keys, so we read encrypted alerts) and as an on-path attacker sees them (record
 * types, plaintext alerts, how the connection ended). An oracle only the first view shows is real
 * but hard to exploit; one the second view shows is exploitable by a man in the middle.
 */
import { CONTENT_TYPE, type Alert } from '../wire/index.js';

export interface ObservedAlert extends Alert {
  /** Sent under the record protection (after the server's ChangeCipherSpec): invisible on the wire. */
  readonly encrypted: boolean;
}

/** A record as it crossed the wire: content type and fragment length. */
export interface ObservedRecord {
  readonly type: number;
  readonly length: number;
  /** For a plaintext alert record, what anyone on the path reads in it (`fatal bad_record_mac`). */
  readonly visibleAlert?: string;
}

/**
 * How the connection stood when observation stopped: the server closed it (FIN), reset it (RST),
 * left it open until the wait ran out (`timeout`), or sent bytes that are not TLS (`malformed`).
 */
export type ReactionEnd = 'closed' | 'reset' | 'timeout' | 'malformed';

export interface Reaction {
  readonly alerts: readonly ObservedAlert[];
  /** Decrypted application data (an HTTP answer, typically). */
  readonly applicationData: Uint8Array;
  /** Handshake message types received, decrypted when protected. */
  readonly handshakeTypes: readonly number[];
  readonly changeCipherSpec: boolean;
  /** Protected records we could not open. */
  readonly undecryptable: number;
  readonly records: readonly ObservedRecord[];
  readonly end: ReactionEnd;
  /** Our write failed: the server had already closed or reset. */
  readonly writeFailed: boolean;
  /** Milliseconds from the start of observation to its end. */
  readonly elapsedMs: number;
  /**
   * Milliseconds from the start of observation to the server's first reaction (a record, a close, a
   * reset); null when nothing came before the wait ran out.
   */
  readonly reactedAfterMs: number | null;
}

const alertTag = (a: ObservedAlert): string => `${a.levelName === 'fatal' ? '' : `${a.levelName} `}${a.name}`;

/** A string equal for two reactions exactly when we cannot tell them apart. */
export function reactionKey(r: Reaction): string {
  const parts: string[] = r.alerts.map((a) => `alert ${alertTag(a)}`);
  if (r.changeCipherSpec) parts.push('change_cipher_spec');
  if (r.handshakeTypes.length > 0) parts.push(`handshake ${r.handshakeTypes.join('/')}`);
  if (r.applicationData.length > 0) parts.push('data');
  if (r.undecryptable > 0) parts.push('undecryptable');
  parts.push(r.end);
  return parts.join(', ');
}

/**
 * A string equal for two reactions exactly when an on-path observer cannot tell them apart:
 * content types in order (runs of application data collapsed), the text of plaintext alerts, the
 * length of encrypted ones, and how the connection ended. Data lengths are left out, since an
 * answer's length varies for reasons of its own.
 */
export function wireKey(r: Reaction): string {
  const parts: string[] = [];
  for (const rec of r.records) {
    if (rec.type === CONTENT_TYPE.application_data) {
      if (parts[parts.length - 1] !== 'data') parts.push('data');
    } else if (rec.type === CONTENT_TYPE.alert) {
      parts.push(rec.visibleAlert !== undefined ? `alert ${rec.visibleAlert}` : `alert(${rec.length})`);
    } else {
      parts.push(`${rec.type}(${rec.length})`);
    }
  }
  parts.push(r.end);
  return parts.join(', ');
}

/** A short human description, e.g. `fatal alert bad_record_mac (encrypted), then closed`. */
export function describeReaction(r: Reaction): string {
  const what: string[] = r.alerts.map(
    (a) => `${a.levelName} alert ${a.name}${a.encrypted ? ' (encrypted)' : ''}`,
  );
  if (r.changeCipherSpec) what.push('ChangeCipherSpec');
  if (r.handshakeTypes.length > 0) what.push(`handshake messages ${r.handshakeTypes.join(', ')}`);
  if (r.applicationData.length > 0) what.push(`${r.applicationData.length} bytes of application data`);
  if (r.undecryptable > 0) what.push(`${r.undecryptable} undecryptable records`);
  const end =
    r.end === 'timeout'
      ? `no close within ${r.elapsedMs} ms`
      : r.end === 'malformed'
        ? 'non-TLS bytes'
        : r.end === 'reset'
          ? 'connection reset'
          : 'connection closed';
  return what.length === 0
    ? r.end === 'timeout'
      ? `no answer within ${r.elapsedMs} ms`
      : end
    : `${what.join(', ')}, then ${end}`;
}
