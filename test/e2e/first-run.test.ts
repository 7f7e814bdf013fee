import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPgSchema, openStore } from '../../src/store/db.js';
import { makeCsr } from '../helpers/csr.js';
import { pgEnabled, pgTestUrl } from '../helpers/stores.js';

const root = join(import.meta.dirname, '../..');

/** Polls `check` every 100 ms until it holds; fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const backends = [{ name: 'sqlite' }, ...(pgEnabled ? [{ name: 'postgres' }] : [])];

/** The README's promise: `npm start` builds, initialises, prints a first customer's key once, then serves. */
describe('npm start on a fresh data directory', () => {
  const data = mkdtempSync(join(tmpdir(), 'certgrid-start-'));
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(data, { recursive: true, force: true });
  });

  it('serves the Grid API with the printed key', { timeout: 120_000 }, async () => {
    child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      detached: true,
      env: { ...process.env, CERTGRID_DATA_DIR: data, CERTGRID_PORT: '0', CERTGRID_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in:\n${output}`)), 110_000);
      const onData = (b: Buffer) => {
        output += b.toString();
        const m = /listening on (http:\/\/\S+?) /.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    const name = /customer_name: (\S+)/.exec(output)?.[1];
    const key = /api_key: +(\S+)/.exec(output)?.[1];
    expect(name).toBe('default');
    expect(key).toBeDefined();
    // the generated CA passphrase is private to the owner
    expect(statSync(join(data, 'ca-passphrase')).mode & 0o077).toBe(0);

    const res = await fetch(`${url}/enterprise/api/?action=grid_list_pending_requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ customer_name: name!, customer_api_key: key! }).toString(),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: { result: string } };
    expect(body.response.result).toBe('success');
  });

  it.each(backends)(
    '--workers 2 on $name: two workers share the port and the state, and SIGTERM stops them all',
    { timeout: 60_000 },
    async ({ name }) => {
      // dist/ was built by `npm start` above
      const dir = mkdtempSync(join(tmpdir(), 'certgrid-workers-'));
      const schema = `t_workers_${randomBytes(4).toString('hex')}`;
      const env: NodeJS.ProcessEnv = { ...process.env, CERTGRID_LOG_LEVEL: 'warn' };
      if (name === 'postgres') {
        await (await openStore({ databaseUrl: pgTestUrl, pgSchema: schema, migrate: false })).close();
        env.DATABASE_URL = `${pgTestUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      }
      const server = spawn(
        process.execPath,
        [join(root, 'dist/src/cli/bin.js'), 'serve', '--data', dir, '--port', '0', '--workers', '2'],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (b: Buffer) => {
          out += b.toString();
          const m = /listening on (http:\/\/\S+) with 2 workers/.exec(out);
          if (m) resolve(m[1]!);
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        server.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      try {
        const key = /api_key: +(\S+)/.exec(out)?.[1];
        // the store named is the one used
        expect(out).toMatch(
          name === 'postgres'
            ? /created CA hierarchy \(p256\) in PostgreSQL/
            : /created CA hierarchy \(p256\) in \//,
        );
        // the first-run customer is created once, by the primary, not once per worker
        expect(out.match(/First run: created a customer/g)).toHaveLength(1);
        const workers = execFileSync('pgrep', ['-P', String(server.pid)], { encoding: 'utf8' })
          .trim()
          .split('\n');
        expect(workers).toHaveLength(2);
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            fetch(`${url}/enterprise/api/?action=grid_list_pending_requests`, {
              method: 'POST',
              body: new URLSearchParams({ customer_name: 'default', customer_api_key: key! }),
            }).then((r) => r.json() as Promise<{ response: { result: string } }>),
          ),
        );
        expect(results.every((r) => r.response.result === 'success')).toBe(true);

        // Issue across workers, revoke one: every CRL answer, whichever worker gives it, lists it.
        const grid = async (action: string, fields: Record<string, string>) =>
          (await (
            await fetch(`${url}/enterprise/api/?action=${action}`, {
              method: 'POST',
              body: new URLSearchParams({ customer_name: 'default', customer_api_key: key!, ...fields }),
            })
          ).json()) as { response: { result: string; return: { serial: string; client_id: number } } };
        const issued = await Promise.all(
          ['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Di Eze'].map((fullName, i) =>
            grid('grid_request_email_cert', {
              full_name: fullName,
              email: `u${i}@example.com`,
              csr: makeCsr().pem,
            }),
          ),
        );
        expect(issued.every((r) => r.response.result === 'success')).toBe(true);
        const victim = issued[2]!.response.return;
        expect(
          (await grid('grid_email_revoke', { client_id: String(victim.client_id) })).response.result,
        ).toBe('success');
        for (let i = 0; i < 4; i++) {
          const crl = Buffer.from(await (await fetch(`${url}/crl/issuing-1.crl`)).arrayBuffer());
          expect(crl.includes(Buffer.from(victim.serial, 'hex'))).toBe(true);
        }

        // One worker follows the orders into the inventory, with no read to make it: the feed's cursor
        // reaches the last order on its own. When that worker dies, the other takes over.
        const followers = () =>
          [...out.matchAll(/worker (\d+) records issued certificates/g)].map((m) => m[1]);
        await until(() => followers().length === 1);
        expect(workers).toContain(followers()[0]);
        const store = await openStore(
          name === 'postgres'
            ? { databaseUrl: pgTestUrl, pgSchema: schema, migrate: false }
            : { sqlitePath: join(dir, 'certgrid.db'), migrate: false },
        );
        try {
          const caughtUp = async () => {
            const feed = await store.db
              .selectFrom('inventory_feeds')
              .select('last_id')
              .executeTakeFirstOrThrow();
            const last = await store.db
              .selectFrom('orders')
              .select((eb) => eb.fn.max('id').as('id'))
              .executeTakeFirstOrThrow();
            return Number(feed.last_id) === Number(last.id);
          };
          await until(caughtUp);
          process.kill(Number(followers()[0]), 'SIGKILL');
          await until(() => followers().length === 2);
          expect(followers()[1]).not.toBe(followers()[0]);
          expect(workers).toContain(followers()[1]);
          const more = await grid('grid_request_email_cert', {
            full_name: 'Ed Fox',
            email: 'ed@example.com',
            csr: makeCsr().pem,
          });
          expect(more.response.result).toBe('success');
          // Only a follower moves the cursor (nothing reads the inventory here).
          await until(caughtUp);
        } finally {
          await store.close();
        }
        // The supervisor replaces the worker it lost before the rest of the test counts them.
        await until(
          () =>
            execFileSync('pgrep', ['-P', String(server.pid)], { encoding: 'utf8' })
              .trim()
              .split('\n').length === 2,
        );
        workers.push(
          ...execFileSync('pgrep', ['-P', String(server.pid)], { encoding: 'utf8' })
            .trim()
            .split('\n'),
        );
        const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
        server.kill('SIGTERM');
        expect(await exited).toBe(0);
        for (const pid of workers) expect(() => process.kill(Number(pid), 0)).toThrow();
      } finally {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        if (name === 'postgres') await dropPgSchema(pgTestUrl, schema);
      }
    },
  );
});
