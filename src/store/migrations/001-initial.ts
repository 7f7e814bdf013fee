import { PostgresAdapter, type Kysely, type Migration, type ColumnDefinitionBuilder } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export const m001Initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    // Portable id column: INTEGER PRIMARY KEY AUTOINCREMENT on SQLite, bigserial on PostgreSQL.
    const idType = pg ? 'bigserial' : 'integer';
    const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
    const blob = pg ? 'bytea' : 'blob';

    await db.schema
      .createTable('accounts')
      .addColumn('id', idType, id)
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('api_approvals', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('self_approval', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('cas')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('cert_der', blob, (c) => c.notNull())
      .addColumn('key_pem', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text', (c) => c.notNull())
      .addColumn('certhash', 'text', (c) => c.notNull().unique())
      .addColumn('serial_hex', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('crls')
      .addColumn('ca_id', 'text', (c) => c.primaryKey().references('cas.id'))
      .addColumn('crl_number', 'bigint', (c) => c.notNull())
      .addColumn('der', blob, (c) => c.notNull())
      .addColumn('this_update', 'bigint', (c) => c.notNull())
      .addColumn('next_update', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('orders')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('request_id', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('ca_id', 'text', (c) => c.notNull().references('cas.id'))
      // Serial uniqueness is a database guarantee, not a hope (RFC 5280 §4.1.2.2).
      .addColumn('serial_hex', 'text', (c) => c.notNull().unique())
      .addColumn('certhash', 'text', (c) => c.notNull())
      .addColumn('cert_der', blob, (c) => c.notNull())
      .addColumn('common_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('sans', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('server_type', 'integer', (c) => c.notNull().defaultTo(-1))
      .addColumn('org_unit', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('validity_years', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('full_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revocation_reason', 'text')
      .addColumn('requester_user_id', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('orders_account_idx')
      .on('orders')
      .columns(['account_id', 'kind', 'id'])
      .execute();
    await db.schema.createIndex('orders_revoked_idx').on('orders').columns(['ca_id', 'status']).execute();

    await db.schema
      .createTable('cert_requests')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('request_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requester_user_id', 'bigint', (c) => c.notNull())
      .addColumn('comments', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .addColumn('decided_by_user_id', 'bigint')
      .addColumn('decision_comments', 'text')
      .addColumn('product', 'text', (c) => c.notNull().defaultTo('grid_host'))
      .addColumn('common_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('service_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('sans', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('server_type', 'integer', (c) => c.notNull().defaultTo(-1))
      .addColumn('org_unit', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('validity_years', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('signature_hash', 'text', (c) => c.notNull().defaultTo('sha256'))
      .addColumn('csr_der', blob)
      .addColumn('order_id', 'bigint')
      .execute();
    await db.schema
      .createIndex('cert_requests_pending_idx')
      .on('cert_requests')
      .columns(['account_id', 'status', 'id'])
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint')
      .addColumn('user_id', 'bigint')
      .addColumn('user_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ip_address', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ip_country', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_account_idx')
      .on('audit_events')
      .columns(['account_id', 'created_at'])
      .execute();
  },
};
