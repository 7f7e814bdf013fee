/**
 * What scan jobs and schedules need from storage. Declared here (the consumer), implemented in
 * store/repos/scan-job-repository.ts.
 */
import type { ScanMode, ScanSummary } from './run-scan.js';
import type { ScanTarget } from './scan-targets.js';

export type ScanJobStatus = 'queued' | 'running' | 'finished' | 'failed';

export interface ScanJobRecord {
  readonly id: string;
  readonly accountId: number;
  readonly mode: ScanMode;
  readonly targets: readonly ScanTarget[];
  readonly status: ScanJobStatus;
  readonly total: number;
  readonly done: number;
  readonly tls: number;
  /** The schedule that started it, null when submitted directly. */
  readonly scheduleId: string | null;
  readonly summary: ScanSummary | null;
  /** Why a failed job failed ('' otherwise). */
  readonly error: string;
  readonly created: number;
  readonly updated: number;
  readonly finished: number | null;
}

export interface ScanScheduleRecord {
  readonly id: string;
  readonly accountId: number;
  readonly mode: ScanMode;
  readonly targets: readonly ScanTarget[];
  readonly intervalMinutes: number;
  readonly nextRun: number;
  readonly lastJobId: string | null;
  readonly created: number;
}

export type ScanJobUpdate = Partial<
  Pick<ScanJobRecord, 'status' | 'total' | 'done' | 'tls' | 'summary' | 'error' | 'finished'>
> & { readonly updated: number };

export interface ScanJobRepository {
  createJob(job: ScanJobRecord): Promise<void>;
  updateJob(id: string, update: ScanJobUpdate): Promise<void>;
  getJob(accountId: number, id: string): Promise<ScanJobRecord | null>;
  /** The account's most recent jobs, newest first. */
  listJobs(accountId: number, limit: number): Promise<ScanJobRecord[]>;
  createSchedule(schedule: ScanScheduleRecord): Promise<void>;
  listSchedules(accountId: number): Promise<ScanScheduleRecord[]>;
  /** False when the account has no such schedule. */
  deleteSchedule(accountId: number, id: string): Promise<boolean>;
  /**
   * Schedules due at `now`, each claimed by moving its next run to `nextRun(schedule)` only if no other
   * worker moved it first (compare-and-set on next_run): a due schedule is returned to one caller.
   */
  claimDueSchedules(
    now: number,
    nextRun: (s: ScanScheduleRecord) => number,
    limit: number,
  ): Promise<ScanScheduleRecord[]>;
  setLastJob(scheduleId: string, jobId: string): Promise<void>;
  /**
   * Marks failed, with `error`, every queued or running job (of any account) not updated since `before`:
   * jobs whose process stopped under them. Returns how many.
   */
  failStaleJobs(before: number, error: string, at: number): Promise<number>;
}
