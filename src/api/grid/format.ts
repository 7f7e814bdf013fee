/**
 * The Grid API's wire formats for dates, ids and validity, as the spec's examples show them.
 * Every date is rendered in UTC: the spec names no time zone and a fixed one keeps answers
 * identical whichever host serves them.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `19-JAN-2012` (PHP `d-M-Y` with the month upper-cased, as in the spec's examples): valid_from, valid_till. */
export function formatDate(d: Date): string {
  return `${pad2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}

/**
 * `19-JAN-2011 5:05 PM` (PHP `d-M-Y g:i A`): request_date. The spec's format line says `a`
 * (lower-case am/pm) but its example shows `PM`; the example wins.
 */
export function formatRequestDate(d: Date): string {
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${formatDate(d)} ${hour12}:${pad2(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** `2012-01-18 17:24:44`: a log entry's date_time. */
export function formatDateTime(d: Date): string {
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** `1 Year(s)`. */
export function formatValidity(years: number): string {
  return `${years} Year(s)`;
}

/** Order ids are zero-padded to eight digits (`00276176`), so they travel as strings. */
export function formatOrderId(id: number): string {
  return String(id).padStart(8, '0');
}

/** Serial numbers are upper-case hex without separators (`07C2EDE40FEEA2AA03C0615F32D3A26D`). */
export function formatSerial(hex: string): string {
  return hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}
