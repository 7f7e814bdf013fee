import type { HstsPolicy } from './endpoint-details.js';

/** What SSL Labs calls a long HSTS max-age: 180 days, the A+ threshold (API docs: HstsPolicy.LONG_MAX_AGE). */
export const LONG_MAX_AGE = 15_552_000;

/**
 * Parses a Strict-Transport-Security header value (RFC 6797 §6.1) into SSL Labs' HstsPolicy.
 * `header` is null when the response had none (status `absent`); `undefined` when no HTTP response
 * was seen at all (status `unknown`). Several headers: the first one counts (RFC 6797 §8.1).
 */
export function parseHsts(header: string | null | undefined): HstsPolicy {
  const base = {
    LONG_MAX_AGE,
    header: header ?? null,
    error: null,
    maxAge: null,
    includeSubDomains: null,
    preload: null,
  };
  if (header === undefined) return { ...base, status: 'unknown' };
  if (header === null) return { ...base, status: 'absent' };
  const seen = new Set<string>();
  let maxAge: number | null = null;
  let includeSubDomains = false;
  let preload = false;
  for (const part of header.split(';')) {
    const directive = part.trim();
    if (directive === '') continue;
    const eq = directive.indexOf('=');
    const name = (eq < 0 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    let value = eq < 0 ? null : directive.slice(eq + 1).trim();
    if (value !== null && value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    // RFC 6797 §6.1: each directive at most once, or the header is invalid.
    if (seen.has(name)) return { ...base, status: 'invalid', error: `directive ${name} repeated` };
    seen.add(name);
    if (name === 'max-age') {
      if (value === null || !/^\d+$/.test(value)) {
        return { ...base, status: 'invalid', error: 'max-age is not a number' };
      }
      maxAge = Math.min(Number(value), Number.MAX_SAFE_INTEGER);
    } else if (name === 'includesubdomains') includeSubDomains = true;
    else if (name === 'preload') preload = true;
  }
  if (maxAge === null) return { ...base, status: 'invalid', error: 'max-age directive missing' };
  return {
    ...base,
    status: maxAge === 0 ? 'disabled' : 'present',
    maxAge,
    includeSubDomains,
    preload,
  };
}
