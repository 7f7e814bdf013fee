import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../deps.js';
import { invalid, notFound } from '../errors.js';
import type { RunScanInput, ScanMode, ScanSummary } from './run-scan.js';
import type { ScanJobRecord, ScanJobRepository, ScanScheduleRecord } from './scan-job-repository.js';
import { expandTargets } from './scan-targets.js';

/**
 * Scans as background jobs (the scan API) and schedules that repeat them. A job runs in the process
 * that accepted it; its progress and summary live in the store, so any worker can answer for it.
 * Schedules are claimed with a compare-and-set on their next run, so each run starts once however many
 * workers tick.
 */
export interface ScanRequest {
  /** Targets as the CLI takes them: names, addresses, CIDR blocks, each with optional `:ports`. */
  readonly targets: readonly string[];
  /** Ports for targets without their own; the configured `scan.ports` when absent. */
  readonly ports?: readonly number[] | undefined;
  readonly mode?: ScanMode | undefined;
}

export interface ScheduleRequest extends ScanRequest {
  readonly intervalMinutes: number;
}

export interface ScanJobs {
  /** Validates and queues a scan; it starts at once in this process. */
  submit(accountId: number, request: ScanRequest): Promise<ScanJobRecord>;
  /** @throws CertgridError NOT_FOUND for a job the account does not have. */
  get(accountId: number, id: string): Promise<ScanJobRecord>;
  list(accountId: number): Promise<ScanJobRecord[]>;
  addSchedule(accountId: number, request: ScheduleRequest): Promise<ScanScheduleRecord>;
  listSchedules(accountId: number): Promise<ScanScheduleRecord[]>;
  /** @throws CertgridError NOT_FOUND for a schedule the account does not have. */
  removeSchedule(accountId: number, id: string): Promise<void>;
  /** Starts a job for every due schedule; the server calls this on a timer. Resolves to how many started. */
  runDueSchedules(): Promise<number>;
  /**
   * Fails the jobs whose process stopped under them (a crash, a kill): queued or running, and silent for
   * longer than STALE_AFTER_MS while a running job writes a heartbeat every HEARTBEAT_MS. The server calls
   * this on its schedule timer. Resolves to how many it failed.
   */
  failInterrupted(): Promise<number>;
  /** Resolves when every job this process runs has finished (shutdown, tests). */
  idle(): Promise<void>;
}

export interface ScanJobsDeps {
  readonly repo: ScanJobRepository;
  readonly scan: (input: RunScanInput) => Promise<ScanSummary>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default ports (config scan.ports). */
  readonly ports: readonly number[];
}

/** Schedules no more often than every 5 minutes, no less than every 31 days. */
export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 31 * 24 * 60;
/** Progress is written at most this often (ms) while a job runs. */
const PROGRESS_EVERY_MS = 1_000;
/** A running job touches its row this often, so a silent row means a stopped process. */
export const HEARTBEAT_MS = 30_000;
/** Ten missed heartbeats: no live job is that quiet, even on a loaded machine. */
export const STALE_AFTER_MS = 10 * HEARTBEAT_MS;
export const INTERRUPTED_ERROR = 'the scan was interrupted: the server running it stopped';

export function createScanJobs(deps: ScanJobsDeps): ScanJobs {
  const running = new Set<Promise<void>>();
  const now = () => deps.clock.now().getTime();

  function validate(request: ScanRequest) {
    if (!Array.isArray(request.targets) || request.targets.length === 0) {
      throw invalid('targets', 'must list at least one host, address or CIDR block');
    }
    if (request.targets.length > 1000) throw invalid('targets', 'at most 1000 targets per scan');
    const mode = request.mode ?? 'discover';
    if (mode !== 'discover' && mode !== 'assess') throw invalid('mode', 'must be discover or assess');
    return { mode, targets: expandTargets(request.targets, request.ports ?? deps.ports) };
  }

  async function run(job: ScanJobRecord): Promise<void> {
    let lastWrite = 0;
    let tls = 0;
    const heartbeat = setInterval(() => {
      deps.repo.updateJob(job.id, { updated: now() }).catch(() => {});
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await deps.repo.updateJob(job.id, { status: 'running', updated: now() });
      const summary = await deps.scan({
        accountId: job.accountId,
        targets: job.targets,
        mode: job.mode,
        onProgress: (p) => {
          if (p.last.failure === null) tls++;
          const t = Date.now();
          if (t - lastWrite < PROGRESS_EVERY_MS) return;
          lastWrite = t;
          deps.repo.updateJob(job.id, { done: p.done, total: p.total, tls, updated: now() }).catch(() => {});
        },
      });
      await deps.repo.updateJob(job.id, {
        status: 'finished',
        total: summary.endpoints.length,
        done: summary.endpoints.length,
        tls: summary.tls,
        summary,
        finished: now(),
        updated: now(),
      });
    } catch (err) {
      deps.logger.error({ err, job: job.id }, 'scan job failed');
      await deps.repo
        .updateJob(job.id, {
          status: 'failed',
          error: 'the scan stopped on an internal error',
          finished: now(),
          updated: now(),
        })
        .catch(() => {});
    } finally {
      clearInterval(heartbeat);
    }
  }

  function start(job: ScanJobRecord): void {
    const p = run(job).finally(() => running.delete(p));
    running.add(p);
  }

  async function queue(accountId: number, request: ReturnType<typeof validate>, scheduleId: string | null) {
    const t = now();
    const job: ScanJobRecord = {
      id: randomUUID(),
      accountId,
      mode: request.mode,
      targets: request.targets,
      status: 'queued',
      total: 0,
      done: 0,
      tls: 0,
      scheduleId,
      summary: null,
      error: '',
      created: t,
      updated: t,
      finished: null,
    };
    await deps.repo.createJob(job);
    start(job);
    return job;
  }

  return {
    submit: (accountId, request) => queue(accountId, validate(request), null),

    async get(accountId, id) {
      const job = await deps.repo.getJob(accountId, id);
      if (job === null) throw notFound('scan job');
      return job;
    },

    list: (accountId) => deps.repo.listJobs(accountId, 50),

    async addSchedule(accountId, request) {
      const { mode, targets } = validate(request);
      const interval = request.intervalMinutes;
      if (!Number.isInteger(interval) || interval < MIN_INTERVAL_MINUTES || interval > MAX_INTERVAL_MINUTES) {
        throw invalid(
          'intervalMinutes',
          `must be a whole number of minutes, ${MIN_INTERVAL_MINUTES}-${MAX_INTERVAL_MINUTES}`,
        );
      }
      const t = now();
      const schedule: ScanScheduleRecord = {
        id: randomUUID(),
        accountId,
        mode,
        targets,
        intervalMinutes: interval,
        // The first run is due at once; later ones follow the interval.
        nextRun: t,
        lastJobId: null,
        created: t,
      };
      await deps.repo.createSchedule(schedule);
      return schedule;
    },

    listSchedules: (accountId) => deps.repo.listSchedules(accountId),

    async removeSchedule(accountId, id) {
      if (!(await deps.repo.deleteSchedule(accountId, id))) throw notFound('scan schedule');
    },

    async runDueSchedules() {
      const t = now();
      const due = await deps.repo.claimDueSchedules(
        t,
        (s) => {
          const step = s.intervalMinutes * 60_000;
          // Runs missed while no server was up are skipped: the next one is one interval from now.
          return s.nextRun + step > t ? s.nextRun + step : t + step;
        },
        100,
      );
      for (const s of due) {
        const job = await queue(s.accountId, { mode: s.mode, targets: [...s.targets] }, s.id);
        await deps.repo.setLastJob(s.id, job.id);
      }
      return due.length;
    },

    async failInterrupted() {
      const t = now();
      const n = await deps.repo.failStaleJobs(t - STALE_AFTER_MS, INTERRUPTED_ERROR, t);
      if (n > 0) deps.logger.warn({ jobs: n }, 'scan jobs interrupted by a stopped server marked failed');
      return n;
    },

    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
