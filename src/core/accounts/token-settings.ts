import type { Clock } from '../deps.js';
import type { SigningKeyRing } from './signing-keys.js';

/** `iss` of every CertView token. */
export const TOKEN_ISSUER = 'certgrid';

/** The spec's Authentication section: "The token expires in 4 hours." */
export const DEFAULT_TOKEN_TTL_MINUTES = 240;

/**
 * Clock skew tolerated between the API nodes that issue and verify a token (seconds); small, since
 * they share the store and should share NTP.
 */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** What issuing and verifying CertView tokens need. Internal to accounts/. */
export interface TokenSettings {
  readonly clock: Clock;
  readonly keys: SigningKeyRing;
  readonly ttlMinutes: number;
}
