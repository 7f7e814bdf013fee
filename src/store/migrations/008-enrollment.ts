import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Ids are numeric in DigiCert's API (`digicertOrganizationId: 525858`, EV approver `"userId": "1541521"`);
 * starting past these makes ours look alike, so a client that checks their width keeps working.
 */
const FIRST_ORGANIZATION_ID = 500_001;
const FIRST_EV_APPROVER_ID = 1_500_001;

/**
 * CertView enrollment (spec chapter 5):
 * - `enrollment_organizations`: the organisations whose subject data an operator validated; orders name
 *   one by id (`digicertOrganizationId`).
 * - `enrollment_ev_approvers`: the people who may approve EV orders (`digicertEVApproverUserIds`).
 * - `enrollment_orders`: one row per order, keyed by its uuid. Lists are JSON text, times epoch ms.
 *   `organization_id` is not a foreign key: with an external CA connector it is that CA's own id.
 * - `accounts.order_licences`: how many open or issued orders an account may hold (null: no limit).
 *   On the account row so that placing an order can lock it (PostgreSQL `SELECT … FOR UPDATE`).
 */
export const m008Enrollment: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    // The same portable id column as 001-initial: AUTOINCREMENT on SQLite, bigserial on PostgreSQL.
    const idType = pg ? 'bigserial' : 'integer';
    const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

    await db.schema.alterTable('accounts').addColumn('order_licences', 'integer').execute();

    await db.schema
      .createTable('enrollment_organizations')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('assumed_name', 'text')
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('locality', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ev_validated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('jurisdiction_country', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('jurisdiction_state', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('jurisdiction_locality', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('business_category', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('registration_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('enrollment_organizations_account')
      .on('enrollment_organizations')
      .columns(['account_id', 'id'])
      .execute();

    await db.schema
      .createTable('enrollment_ev_approvers')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('enrollment_ev_approvers_account')
      .on('enrollment_ev_approvers')
      .columns(['account_id', 'id'])
      .execute();

    // The first id each table hands out.
    for (const [table, first] of [
      ['enrollment_organizations', FIRST_ORGANIZATION_ID],
      ['enrollment_ev_approvers', FIRST_EV_APPROVER_ID],
    ] as const) {
      const name = sql.lit(table);
      if (pg) {
        await sql`select setval(pg_get_serial_sequence(${name}, 'id'), ${sql.lit(first)}, false)`.execute(db);
      } else {
        // AUTOINCREMENT continues from sqlite_sequence, which may be written like any table
        // (SQLite manual, "The AUTOINCREMENT Keyword").
        await sql`insert into sqlite_sequence (name, seq) values (${name}, ${sql.lit(first - 1)})`.execute(
          db,
        );
      }
    }

    await db.schema
      .createTable('enrollment_orders')
      .addColumn('uuid', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('requester_user_id', 'bigint', (c) => c.notNull())
      .addColumn('requester_user_name', 'text', (c) => c.notNull())
      .addColumn('approver_user_names', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('ca_id', 'text', (c) => c.notNull())
      .addColumn('intermediate_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('intermediate_certhash', 'text', (c) => c.notNull())
      .addColumn('common_name', 'text', (c) => c.notNull())
      .addColumn('organization_units', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('signature_hash', 'text', (c) => c.notNull())
      .addColumn('encoded_csr', 'text', (c) => c.notNull())
      .addColumn('auto_generated_csr', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('dns_names', 'text')
      .addColumn('renewal_of_certificate', 'text')
      .addColumn('previous_order_id', 'bigint')
      .addColumn('validity_years', 'integer')
      .addColumn('validity_days', 'integer')
      .addColumn('custom_expiration_date', 'text')
      .addColumn('organization_id', 'bigint', (c) => c.notNull())
      .addColumn('product_name_id', 'text', (c) => c.notNull())
      .addColumn('ev_approver_user_ids', 'text')
      .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('ca_status', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ca_order_id', 'text')
      .addColumn('certhash', 'text')
      .addColumn('decided_by_user_name', 'text')
      .addColumn('decision_comment', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .execute();
    // Licence counts (orders by status) and the account's order lists.
    await db.schema
      .createIndex('enrollment_orders_account_status')
      .on('enrollment_orders')
      .columns(['account_id', 'status'])
      .execute();
    // Open renewals of a certificate (a certificate in renewal may not be renewed again).
    await db.schema
      .createIndex('enrollment_orders_account_renewal')
      .on('enrollment_orders')
      .columns(['account_id', 'renewal_of_certificate'])
      .execute();
    // The status poller's queue: orders sent to a CA and not yet issued, oldest change first. Partial,
    // so it holds only the few in flight; queries must repeat the predicate with literals to use it.
    await db.schema
      .createIndex('enrollment_orders_awaiting_ca')
      .on('enrollment_orders')
      .columns(['updated', 'uuid'])
      .where(sql<boolean>`status = 'APPROVED' and ca_order_id is not null`)
      .execute();
  },
};
