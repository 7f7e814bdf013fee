import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';

describe('SQLite store transactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-sqlite-tx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('take the write lock at BEGIN, so a read-then-write transaction never loses its snapshot', async () => {
    const path = join(dir, 'tx.db');
    const store = await openStore({ sqlitePath: path });
    // Another process's connection, refusing to wait for locks.
    const other = new SqliteDatabase(path);
    other.pragma('busy_timeout = 0');
    try {
      let otherCouldWrite: boolean | undefined;
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('accounts').select('id').execute();
        try {
          other.exec('begin immediate; rollback;');
          otherCouldWrite = true;
        } catch {
          otherCouldWrite = false;
        }
        await trx.insertInto('accounts').values({ name: 'tx', created_at: 1 }).execute();
      });
      // A deferred BEGIN would have let the other writer in, and this transaction's write would then
      // have failed with SQLITE_BUSY_SNAPSHOT instead of waiting.
      expect(otherCouldWrite).toBe(false);
      expect(other.prepare('select count(*) as n from accounts').get()).toEqual({ n: 1 });
    } finally {
      other.close();
      await store.close();
    }
  });
});
