import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

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

  it(
    '--workers 2 forks two workers sharing the port, and SIGTERM stops them all',
    { timeout: 60_000 },
    async () => {
      // dist/ was built by `npm start` above
      const dir = mkdtempSync(join(tmpdir(), 'certgrid-workers-'));
      const server = spawn(
        process.execPath,
        [join(root, 'dist/src/cli/bin.js'), 'serve', '--data', dir, '--port', '0', '--workers', '2'],
        {
          env: { ...process.env, CERTGRID_LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
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
        const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
        server.kill('SIGTERM');
        expect(await exited).toBe(0);
        for (const pid of workers) expect(() => process.kill(Number(pid), 0)).toThrow();
      } finally {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
