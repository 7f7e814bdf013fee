import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… ; when absent, SQLite at sqlitePath. */
  readonly databaseUrl?: string | undefined;
  /** File path, or ':memory:'. */
  readonly sqlitePath?: string | undefined;
  /** PostgreSQL schema to use (created if missing); tests use one each. */
  readonly pgSchema?: string | undefined;
  /** Run pending migrations (default true). */
  readonly migrate?: boolean;
  readonly poolSize?: number;
}

// int8 columns (epoch ms, ids) come back from pg as strings by default; every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the store and brings its schema up to date (forward-only migrations). */
export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: Dialect;
  let migrationSchema: string | undefined;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const schema = opts.pgSchema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new TypeError('invalid schema name');
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    if (schema) {
      const c = await pool.connect();
      try {
        await c.query(`create schema if not exists ${schema}`);
      } finally {
        c.release();
      }
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // Kysely looks for its migration tables in every schema unless told which: name ours, or a neighbour's
    // tables (another tenant database, a parallel test) would be taken for ours.
    const cur = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    migrationSchema = cur.rows[0]?.s ?? 'public';
  } else {
    dialect = 'sqlite';
    const path = opts.sqlitePath ?? ':memory:';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const file = new SqliteDatabase(path);
    // The file holds encrypted CA keys and API key hashes: owner only. SQLite gives its -wal/-shm the same mode.
    if (path !== ':memory:') chmodSync(path, 0o600);
    // WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes in WAL mode.
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = NORMAL');
    file.pragma('foreign_keys = ON');
    file.pragma('busy_timeout = 5000');
    // SQLite's default page cache is 2 MiB; the inventory's indexes outgrow it early, and every miss
    // is a read from the OS. 64 MiB is a ceiling, allocated as used. One run of a 100,000-certificate
    // ingest went from 4,569/s to 5,434/s with it, within the ±15% that reruns vary
    // (`npm run bench -- inventory --count 100000 --stores sqlite --ingest-only`).
    file.pragma('cache_size = -65536');
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }),
    });
  }
  if (opts.migrate !== false) await migrateToLatest(db, migrationSchema);
  return { db, dialect, close: () => db.destroy() };
}

/**
 * Kysely prepares every query afresh; preparing was 6% of an issuance profile. Statements are reused by SQL text.
 * Safe because Kysely's SQLite driver runs each statement to completion synchronously on its one connection.
 */
function withStatementCache(file: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => file.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt === undefined) {
        stmt = file.prepare(sqlText);
        // QQL and filters make many distinct texts: bound the cache rather than grow without limit.
        if (cache.size >= 2000) cache.clear();
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}

export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const why = error instanceof Error ? error.message : failed ? failed.migrationName : String(error);
    throw new Error(`database migration failed: ${why}`);
  }
}

/** Drops a test schema on PostgreSQL. */
export async function dropPgSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError('invalid schema name');
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
  });
  try {
    await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
  } finally {
    await db.destroy();
  }
}

/**
 * SQLite transactions begin IMMEDIATE: the write lock is taken at BEGIN, where busy_timeout
 * waits for it. A deferred transaction that reads first and writes later cannot wait: when another
 * process (a `--workers` sibling, the CLI) committed in between, its upgrade fails at once with
 * SQLITE_BUSY_SNAPSHOT. Every transaction certgrid opens writes, so nothing is lost.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
