import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * The CertView inventory (issue 3): certificates by certhash, assets, their interfaces and tags,
 * host instances (asset + port), where each certificate was seen, and each instance's
 * vulnerabilities. Every row is scoped by account, directly or through its parent.
 *
 * Certificates keep one column per QQL token (subject/issuer/root parts, validity, key, flags) so
 * every filter is a plain column predicate; lists shown in responses are JSON text, and the
 * searchable multi-valued names (SAN entries) also go to `certificate_names`, one row each.
 * `instance_count` / `asset_count` are maintained by the repository so sorting by them needs no
 * aggregate over a million rows.
 */
export const m004Inventory: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    const idType = pg ? 'bigserial' : 'integer';
    const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
    const blob = pg ? 'bytea' : 'blob';
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
    const list = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('[]');
    const zero = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

    let certificates = db.schema
      .createTable('certificates')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('certhash', 'text', (c) => c.notNull())
      .addColumn('der', blob, (c) => c.notNull())
      .addColumn('serial_number', 'text', (c) => c.notNull())
      .addColumn('key_algorithm', 'text', (c) => c.notNull())
      .addColumn('key_size', 'integer', (c) => c.notNull())
      .addColumn('signature_algorithm', 'text', (c) => c.notNull())
      .addColumn('cert_type', 'text', (c) => c.notNull())
      .addColumn('self_signed', 'integer', zero)
      .addColumn('extended_validation', 'integer', zero)
      .addColumn('issuer_category', 'text', (c) => c.notNull().defaultTo('unapproved'))
      .addColumn('valid_from', 'bigint', (c) => c.notNull())
      .addColumn('valid_to', 'bigint', (c) => c.notNull());
    for (const part of ['subject', 'issuer', 'root']) {
      certificates = certificates
        .addColumn(`${part}_name`, 'text', text)
        .addColumn(`${part}_organization`, 'text', text)
        .addColumn(`${part}_organization_unit`, 'text', list)
        .addColumn(`${part}_locality`, 'text', text)
        .addColumn(`${part}_state`, 'text', text)
        .addColumn(`${part}_country`, 'text', text);
    }
    await certificates
      .addColumn('subject_dn', 'text', text)
      .addColumn('issuer_dn', 'text', text)
      // Chain links, resolved by the repository as certificates arrive in any order; null = not known.
      .addColumn('issuer_certhash', 'text')
      .addColumn('root_certhash', 'text')
      .addColumn('san_dns', 'text', list)
      .addColumn('san_ip', 'text', list)
      .addColumn('key_usage', 'text', list)
      .addColumn('enhanced_key_usage', 'text', list)
      .addColumn('subject_key_id', 'text')
      .addColumn('auth_key_id', 'text')
      .addColumn('is_ca', 'integer', zero)
      .addColumn('sources', 'text', list)
      .addColumn('imported', 'integer', zero)
      .addColumn('order_status', 'text', text)
      .addColumn('instance_count', 'integer', zero)
      .addColumn('asset_count', 'integer', zero)
      .addColumn('first_found', 'bigint', (c) => c.notNull())
      .addColumn('last_found', 'bigint', (c) => c.notNull())
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('certificates_account_certhash', ['account_id', 'certhash'])
      .execute();
    // The default sort, expiry groups, the common exact lookups and chain linking.
    for (const cols of [
      // Sort keys end with id, the listing's tie-breaker, so a sorted page is an index walk.
      ['last_found', 'id'],
      ['valid_to', 'id'],
      ['serial_number'],
      ['auth_key_id'],
      ['issuer_certhash'],
    ]) {
      await db.schema
        .createIndex(`certificates_account_${cols.join('_')}`)
        .on('certificates')
        .columns(['account_id', ...cols])
        .execute();
    }

    await db.schema
      .createTable('certificate_names')
      .addColumn('certificate_id', 'bigint', (c) => c.notNull().references('certificates.id'))
      .addColumn('account_id', 'bigint', (c) => c.notNull())
      /** dns | ip | email | uri */
      .addColumn('kind', 'text', (c) => c.notNull())
      /** Lowercased, so equality and prefix searches use the index. */
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('certificate_names_pk', ['certificate_id', 'kind', 'value'])
      .execute();
    await db.schema
      .createIndex('certificate_names_lookup')
      .on('certificate_names')
      .columns(['account_id', 'kind', 'value'])
      .execute();

    await db.schema
      .createTable('assets')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('uuid', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('netbios_name', 'text', text)
      .addColumn('operating_system', 'text', text)
      .addColumn('primary_ip', 'text', text)
      /** 1: a managed asset (scanned or registered); 0: only known from an imported file. */
      .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('certificate_count', 'integer', zero)
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('assets_account_name', ['account_id', 'name'])
      .execute();

    await db.schema
      .createTable('asset_interfaces')
      .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
      .addColumn('hostname', 'text', text)
      .addColumn('address', 'text', text)
      .addPrimaryKeyConstraint('asset_interfaces_pk', ['asset_id', 'hostname', 'address'])
      .execute();
    await db.schema
      .createTable('tags')
      .addColumn('id', idType, id)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('uuid', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addUniqueConstraint('tags_account_name', ['account_id', 'name'])
      .execute();
    await db.schema
      .createTable('asset_tags')
      .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
      .addColumn('tag_id', 'bigint', (c) => c.notNull().references('tags.id'))
      .addPrimaryKeyConstraint('asset_tags_pk', ['asset_id', 'tag_id'])
      .execute();
    await db.schema.createIndex('asset_tags_tag').on('asset_tags').column('tag_id').execute();

    await db.schema
      .createTable('host_instances')
      .addColumn('id', idType, id)
      .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull().defaultTo('tcp'))
      .addColumn('fqdn', 'text', text)
      .addColumn('service', 'text', text)
      /** SSL Labs-style grade of the last assessment ('' until assessed). */
      .addColumn('grade', 'text', text)
      .addColumn('ssl_protocols', 'text', list)
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('host_instances_endpoint', ['asset_id', 'port', 'protocol', 'fqdn'])
      .execute();

    await db.schema
      .createTable('instance_vulnerabilities')
      .addColumn('host_instance_id', 'bigint', (c) => c.notNull().references('host_instances.id'))
      .addColumn('qid', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('severity', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('instance_vulnerabilities_pk', ['host_instance_id', 'qid'])
      .execute();

    // Where a certificate was seen: on an asset (imports may name only the asset) and, for scans, on
    // one of its host instances.
    await db.schema
      .createTable('certificate_assets')
      .addColumn('certificate_id', 'bigint', (c) => c.notNull().references('certificates.id'))
      .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
      .addColumn('created', 'bigint', (c) => c.notNull())
      .addColumn('updated', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('certificate_assets_pk', ['certificate_id', 'asset_id'])
      .execute();
    await db.schema
      .createIndex('certificate_assets_asset')
      .on('certificate_assets')
      .column('asset_id')
      .execute();
    await db.schema
      .createTable('certificate_instances')
      .addColumn('certificate_id', 'bigint', (c) => c.notNull().references('certificates.id'))
      .addColumn('host_instance_id', 'bigint', (c) => c.notNull().references('host_instances.id'))
      .addColumn('last_found', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('certificate_instances_pk', ['certificate_id', 'host_instance_id'])
      .execute();
    await db.schema
      .createIndex('certificate_instances_instance')
      .on('certificate_instances')
      .column('host_instance_id')
      .execute();

    // The account's approved issuing CAs (issuerCategory), by the CA certificate's certhash.
    await db.schema
      .createTable('approved_cas')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('certhash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('approved_cas_pk', ['account_id', 'certhash'])
      .execute();

    // Chain linking looks issuers up among CA certificates only: small partial indexes, the same
    // syntax on SQLite and PostgreSQL, so a bulk import does not scan every leaf per batch.
    await sql`create index certificates_ca_subject on certificates (account_id, subject_dn) where is_ca = 1`.execute(
      db,
    );
    await sql`create index certificates_ca_key_id on certificates (account_id, subject_key_id) where is_ca = 1`.execute(
      db,
    );
    // Text tokens match case-insensitively (QQL compares lower(column) with a lowered value), so
    // the names users look up most get expression indexes; same syntax on SQLite and PostgreSQL.
    // Related rows are found by name or address in filters (`asset:(name:…)`), also case-insensitively.
    for (const [table, col] of [
      ['assets', 'name'],
      ['asset_interfaces', 'hostname'],
      ['asset_interfaces', 'address'],
      ['tags', 'name'],
    ] as const) {
      await sql`create index ${sql.raw(`${table}_${col}_lower`)} on ${sql.raw(table)} (lower(${sql.ref(col)}))`.execute(
        db,
      );
    }
    // Each ends with the default sort (lastFound, id): an issuer or organisation holds many
    // certificates, and `issuer.name:X` sorted by lastFound is then an index walk that stops after
    // one page instead of a sort of every match.
    for (const col of ['subject_name', 'issuer_name', 'subject_organization', 'issuer_organization']) {
      await sql`create index ${sql.raw(`certificates_account_${col}_lower`)} on certificates (account_id, lower(${sql.ref(col)}), last_found, id)`.execute(
        db,
      );
    }
  },
};
