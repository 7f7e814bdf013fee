import type { Clock, Random } from '../deps.js';
import type { LoginThrottle } from './login-throttle.js';
import type { AccountsRepository } from './repository.js';

export interface AccountsDeps {
  readonly repo: AccountsRepository;
  readonly clock: Clock;
  readonly random: Random;
  /** Lifetime of CertView tokens (default 240, the spec's 4 hours). */
  readonly tokenTtlMinutes?: number | undefined;
  /** Default: the in-memory throttle with its default limits. */
  readonly loginThrottle?: LoginThrottle | undefined;
}
