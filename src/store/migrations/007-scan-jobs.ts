import { type Kysely, type Migration } from 'kysely';

/**
 * Scan jobs and schedules (issue 4). A job is one `scan` run submitted through the API (or started by a
 * schedule): its targets, progress and, once finished, its summary as JSON text. A schedule repeats a
 * scan every `interval_minutes`; workers claim a due schedule by moving its `next_run` with a
 * compare-and-set, so with several workers each run starts once.
 */
export const m007ScanJobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('scan_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('targets', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('tls', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('schedule_id', 'text')
      .addColumn('summary', 'text')
      .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addColumn('finished', 'bigint')
      .execute();
    await db.schema
      .createIndex('scan_jobs_account')
      .on('scan_jobs')
      .columns(['account_id', 'created'])
      .execute();
    await db.schema
      .createTable('scan_schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('targets', 'text', (c) => c.notNull())
      .addColumn('interval_minutes', 'integer', (c) => c.notNull())
      .addColumn('next_run', 'bigint', (c) => c.notNull())
      .addColumn('last_job_id', 'text')
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scan_schedules_due').on('scan_schedules').column('next_run').execute();
  },
};
