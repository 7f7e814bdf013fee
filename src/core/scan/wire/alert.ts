/**
 * Alert messages (RFC 5246 §7.2, RFC 8446 §6): two bytes, level and description.
 */
import { ByteReader } from './bytes.js';
import { ALERT_DESCRIPTION, ALERT_LEVEL, CONTENT_TYPE, type AlertDescriptionName } from './constants.js';
import { encodeRecord } from './record.js';

export interface Alert {
  readonly level: number;
  /** 'warning' (1), 'fatal' (2), or 'unknown' for other values. */
  readonly levelName: 'warning' | 'fatal' | 'unknown';
  readonly description: number;
  /** The RFC name (`handshake_failure`), or `unknown(N)` for unassigned values. */
  readonly name: string;
}

const NAMES = new Map<number, AlertDescriptionName>(
  Object.entries(ALERT_DESCRIPTION).map(([name, code]) => [code, name as AlertDescriptionName]),
);

/** The RFC name of an alert description, or `unknown(N)`. */
export function alertName(description: number): string {
  return NAMES.get(description) ?? `unknown(${description})`;
}

/** The two-byte alert message. `description` may be a number or an RFC name. */
export function encodeAlert(level: number, description: number | AlertDescriptionName): Uint8Array {
  const code = typeof description === 'number' ? description : ALERT_DESCRIPTION[description];
  if (!Number.isInteger(level) || level < 0 || level > 255) throw new RangeError('level must be a u8');
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new RangeError('description must be a u8');
  return Uint8Array.from([level, code]);
}

/** A fatal alert in one record, as a test server sends it. */
export function buildAlertRecord(
  description: number | AlertDescriptionName,
  version = 0x0303,
  level: number = ALERT_LEVEL.fatal,
): Uint8Array {
  return encodeRecord(CONTENT_TYPE.alert, version, encodeAlert(level, description));
}

/**
 * The alerts in an alert record's fragment. TLS ≤ 1.2 may coalesce several in one record
 * (RFC 5246 §6.2.1); an odd or zero length is an error — often a sign that the record is encrypted.
 */
export function parseAlerts(fragment: Uint8Array): Alert[] {
  const r = new ByteReader(fragment, 'Alert');
  if (fragment.length === 0 || fragment.length % 2 !== 0) {
    throw r.error(`length ${fragment.length} is not a whole number of alerts`);
  }
  const out: Alert[] = [];
  while (!r.atEnd()) {
    const level = r.u8('level');
    const description = r.u8('description');
    const levelName =
      level === ALERT_LEVEL.warning ? 'warning' : level === ALERT_LEVEL.fatal ? 'fatal' : 'unknown';
    out.push({ level, levelName, description, name: alertName(description) });
  }
  return out;
}
