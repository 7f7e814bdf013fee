import type { Clock } from '../deps.js';
import type { Inventory } from '../inventory/index.js';
import type { Scheduler } from '../scan/scheduler.js';
import type { AssessEndpoint } from './assessment.js';
import type { EndpointRepository } from './repository.js';
import type { HostResolver } from './resolve-host.js';

export interface AnalysisDeps {
  readonly endpoints: EndpointRepository;
  readonly inventory: Pick<Inventory, 'recordScan'>;
  readonly resolver: HostResolver;
  readonly assess: AssessEndpoint;
  /** The process's one scan scheduler (discovery grabs run through it too). */
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  /** Ports `analyze` assesses on every address (config; default [443]). */
  readonly ports: readonly number[];
}
