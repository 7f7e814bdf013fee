import type { Migration, MigrationProvider } from 'kysely';
import { m001Initial } from './001-initial.js';

/** Forward-only: migrations are never edited once released, only appended. */
export const migrations: Record<string, Migration> = {
  '001-initial': m001Initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
