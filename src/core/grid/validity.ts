import type { SignatureHash } from '../ca/types.js';
import { MAX_VALIDITY_DAYS } from '../ca/lints/validity-max-period.js';
import { CertgridError } from '../errors.js';
import type { GridConfig } from './deps.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start this far in the past so clients with a slow clock accept them (as step-ca does). */
export const BACKDATE_MS = 5 * 60 * 1000;

type Profile = keyof typeof MAX_VALIDITY_DAYS;

/**
 * The longest validity in whole years a profile allows: the configured maximum, capped by the
 * CA's lint ceiling (825 days for hosts → 2 years; 1096 days for clients → 3 years) so a request
 * that would fail its lint at approval time is refused when it is made.
 */
export function maxValidityYears(config: GridConfig, profile: Profile): number {
  return Math.max(
    1,
    Math.min(Math.floor(config.maxValidityYears), Math.floor(MAX_VALIDITY_DAYS[profile] / 365)),
  );
}

/** @throws CertgridError INVALID_ARGUMENT field `validity`. */
export function checkValidityYears(input: number | undefined, config: GridConfig, profile: Profile): number {
  const max = maxValidityYears(config, profile);
  const years = input ?? Math.min(config.defaultValidityYears, max);
  if (!Number.isInteger(years) || years < 1 || years > max) {
    throw new CertgridError(
      'INVALID_ARGUMENT',
      `validity: must be a whole number of years from 1 to ${max}`,
      {
        field: 'validity',
        data: { min: 1, max },
      },
    );
  }
  return years;
}

/** notBefore = now − 5 min; notAfter = notBefore + years × 365 days. */
export function validityWindow(now: Date, years: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  return { notBefore, notAfter: new Date(notBefore.getTime() + years * 365 * DAY_MS) };
}

const HASHES: readonly string[] = ['sha256', 'sha384', 'sha512'];

/**
 * @throws CertgridError WEAK_SIGNATURE_HASH field `hash` for SHA-1 (collisions are practical,
 *   SHAttered 2017; BR §7.1.3.2 forbids it); INVALID_ARGUMENT for anything else unknown.
 */
export function checkHash(input: string | undefined): SignatureHash | undefined {
  if (input === undefined || input === '') return undefined;
  const h = input.toLowerCase().replace(/-/g, '');
  if (h === 'sha1' || h === 'md5') {
    throw new CertgridError(
      'WEAK_SIGNATURE_HASH',
      `The ${input} signature hash is not allowed; use sha256.`,
      {
        field: 'hash',
      },
    );
  }
  if (!HASHES.includes(h)) {
    throw new CertgridError('INVALID_ARGUMENT', `hash: must be one of ${HASHES.join(', ')}`, {
      field: 'hash',
    });
  }
  return h as SignatureHash;
}
