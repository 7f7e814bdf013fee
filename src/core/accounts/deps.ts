import type { Clock, Random } from '../deps.js';
import type { AccountsRepository } from './repository.js';

export interface AccountsDeps {
  readonly repo: AccountsRepository;
  readonly clock: Clock;
  readonly random: Random;
}
