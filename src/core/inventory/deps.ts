import type { Clock } from '../deps.js';
import type { InventoryRepository } from './repository.js';

export interface InventoryDeps {
  readonly repo: InventoryRepository;
  readonly clock: Clock;
}
