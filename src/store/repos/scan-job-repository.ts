import type { Kysely, Selectable } from 'kysely';
import type {
  ScanJobRecord,
  ScanJobRepository,
  ScanScheduleRecord,
} from '../../core/analysis/scan-job-repository.js';
import type { Database, ScanJobsTable, ScanSchedulesTable } from '../schema.js';

const job = (r: Selectable<ScanJobsTable>): ScanJobRecord => ({
  id: r.id,
  accountId: Number(r.account_id),
  mode: r.mode as ScanJobRecord['mode'],
  targets: JSON.parse(r.targets) as ScanJobRecord['targets'],
  status: r.status as ScanJobRecord['status'],
  total: r.total,
  done: r.done,
  tls: r.tls,
  scheduleId: r.schedule_id,
  summary: r.summary === null ? null : (JSON.parse(r.summary) as ScanJobRecord['summary']),
  error: r.error,
  created: Number(r.created),
  updated: Number(r.updated),
  finished: r.finished === null ? null : Number(r.finished),
});

const schedule = (r: Selectable<ScanSchedulesTable>): ScanScheduleRecord => ({
  id: r.id,
  accountId: Number(r.account_id),
  mode: r.mode as ScanScheduleRecord['mode'],
  targets: JSON.parse(r.targets) as ScanScheduleRecord['targets'],
  intervalMinutes: r.interval_minutes,
  nextRun: Number(r.next_run),
  lastJobId: r.last_job_id,
  created: Number(r.created),
});

export function createScanJobRepository(db: Kysely<Database>): ScanJobRepository {
  return {
    async createJob(j) {
      await db
        .insertInto('scan_jobs')
        .values({
          id: j.id,
          account_id: j.accountId,
          mode: j.mode,
          targets: JSON.stringify(j.targets),
          status: j.status,
          total: j.total,
          done: j.done,
          tls: j.tls,
          schedule_id: j.scheduleId,
          summary: j.summary === null ? null : JSON.stringify(j.summary),
          error: j.error,
          created: j.created,
          updated: j.updated,
          finished: j.finished,
        })
        .execute();
    },
    async updateJob(id, u) {
      await db
        .updateTable('scan_jobs')
        .set({
          updated: u.updated,
          ...(u.status !== undefined ? { status: u.status } : {}),
          ...(u.total !== undefined ? { total: u.total } : {}),
          ...(u.done !== undefined ? { done: u.done } : {}),
          ...(u.tls !== undefined ? { tls: u.tls } : {}),
          ...(u.summary !== undefined
            ? { summary: u.summary === null ? null : JSON.stringify(u.summary) }
            : {}),
          ...(u.error !== undefined ? { error: u.error } : {}),
          ...(u.finished !== undefined ? { finished: u.finished } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async getJob(accountId, id) {
      const r = await db
        .selectFrom('scan_jobs')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r === undefined ? null : job(r);
    },
    async listJobs(accountId, limit) {
      const rows = await db
        .selectFrom('scan_jobs')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(job);
    },
    async createSchedule(s) {
      await db
        .insertInto('scan_schedules')
        .values({
          id: s.id,
          account_id: s.accountId,
          mode: s.mode,
          targets: JSON.stringify(s.targets),
          interval_minutes: s.intervalMinutes,
          next_run: s.nextRun,
          last_job_id: s.lastJobId,
          created: s.created,
        })
        .execute();
    },
    async listSchedules(accountId) {
      const rows = await db
        .selectFrom('scan_schedules')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created')
        .orderBy('id')
        .execute();
      return rows.map(schedule);
    },
    async deleteSchedule(accountId, id) {
      const r = await db
        .deleteFrom('scan_schedules')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async claimDueSchedules(now, nextRun, limit) {
      const due = await db
        .selectFrom('scan_schedules')
        .selectAll()
        .where('next_run', '<=', now)
        .orderBy('next_run')
        .limit(limit)
        .execute();
      const claimed: ScanScheduleRecord[] = [];
      for (const row of due.map(schedule)) {
        const r = await db
          .updateTable('scan_schedules')
          .set({ next_run: nextRun(row) })
          .where('id', '=', row.id)
          .where('next_run', '=', row.nextRun)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) claimed.push(row);
      }
      return claimed;
    },
    async failStaleJobs(before, error, at) {
      const r = await db
        .updateTable('scan_jobs')
        .set({ status: 'failed', error, finished: at, updated: at })
        .where('status', 'in', ['queued', 'running'])
        .where('updated', '<', before)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async setLastJob(scheduleId, jobId) {
      await db
        .updateTable('scan_schedules')
        .set({ last_job_id: jobId })
        .where('id', '=', scheduleId)
        .execute();
    },
  };
}
