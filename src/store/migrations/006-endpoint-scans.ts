import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * `endpoint_scans` (issue 4): the latest full assessment of each TLS endpoint an account scanned, the
 * source of `getEndpointData`. One row per (account, ip, port, protocol, fqdn): `fqdn` is the name
 * sent as SNI ('' for a scan by address), as on host instances. The summary columns are what
 * `analyze` answers and what the filters need; `details` is the SSL Labs-shaped EndpointDetails as
 * JSON text, written once per scan and read whole.
 */
export const m006EndpointScans: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
    await db.schema
      .createTable('endpoint_scans')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull().defaultTo('tcp'))
      .addColumn('fqdn', 'text', text)
      .addColumn('service', 'text', text)
      .addColumn('server_name', 'text', text)
      .addColumn('grade', 'text', text)
      .addColumn('grade_trust_ignored', 'text', text)
      .addColumn('has_warnings', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_exceptional', 'integer', (c) => c.notNull().defaultTo(0))
      /** Why the assessment could not finish ('' when it did): refused, timeout, no TLS … */
      .addColumn('status_message', 'text', text)
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('last_found', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('endpoint_scans_endpoint', ['account_id', 'ip', 'port', 'protocol', 'fqdn'])
      .execute();
  },
};
