import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, type Io } from '../../src/cli/program.js';
import { dropPgSchema, openStore } from '../../src/store/db.js';
import { pgEnabled, pgTestUrl } from './stores.js';

/** Runs the certgrid CLI in-process; resolves to its exit status and what it printed. */
export async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const io: Io & { stdout: string; stderr: string } = {
    stdout: '',
    stderr: '',
    out(s) {
      io.stdout += s;
    },
    err(s) {
      io.stderr += s;
    },
  };
  const status = await runCli(argv, io);
  return { status, out: io.stdout, err: io.stderr };
}

/** The stores the CLI tests run on (PostgreSQL unless CERTGRID_TEST_PG=off). */
export const cliBackends: { name: 'sqlite' | 'postgres' }[] = [
  { name: 'sqlite' },
  ...(pgEnabled ? [{ name: 'postgres' as const }] : []),
];

/** A failure is one line, `certgrid: <reason>`. */
export function expectOneLineError(r: { err: string }): void {
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(/^certgrid: /);
}

export interface CliStore {
  readonly data: string;
  /** `certgrid <argv> --data <data>`. */
  run(...argv: string[]): ReturnType<typeof cli>;
  close(): Promise<void>;
}

/**
 * A data directory for the CLI and, on PostgreSQL, a schema of its own that the CLI reaches through
 * DATABASE_URL's search_path, as an operator's shell would point it.
 */
export async function openCliStore(backend: 'sqlite' | 'postgres', prefix: string): Promise<CliStore> {
  const data = mkdtempSync(join(tmpdir(), `certgrid-${prefix}-`));
  const schema = `t_${prefix.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`;
  if (backend === 'postgres') {
    await (await openStore({ databaseUrl: pgTestUrl, pgSchema: schema, migrate: false })).close();
    process.env.DATABASE_URL = `${pgTestUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  return {
    data,
    run: (...argv) => cli(...argv, '--data', data),
    async close() {
      delete process.env.DATABASE_URL;
      if (backend === 'postgres') await dropPgSchema(pgTestUrl, schema);
      rmSync(data, { recursive: true, force: true });
    },
  };
}
