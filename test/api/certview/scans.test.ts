import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR, STALE_AFTER_MS } from '../../../src/core/analysis/scan-jobs.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { storeFactories } from '../../helpers/stores.js';
import { startTlsServer, type RunningTlsServer } from '../../helpers/tls-servers.js';

/** certgrid's scan API: `certgrid scan` as a background job, and schedules that repeat it. */
describe.each(storeFactories)('scan jobs and schedules on $name', (factory) => {
  let s: CertviewStack;
  let admin: string;
  let reader: string;
  let server: RunningTlsServer;

  const call = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    s.send(token, method, url, payload);

  beforeAll(async () => {
    [s, server] = await Promise.all([
      startCertviewStack(factory, { realTime: true }),
      startTlsServer('node-intermediate'),
    ]);
    await s.user('admin', { role: 'PKI Admin', permissions: ['CERTVIEW.API.ACCESS'] });
    await s.user('reader', { role: 'Reader', permissions: ['CERTVIEW.API.ACCESS'] });
    admin = await s.token('admin');
    reader = await s.token('reader');
  });
  afterAll(async () => {
    await Promise.all([s?.close(), server?.stop()]);
  });

  it('runs a submitted scan in the background and reports its progress and summary', async () => {
    const res = await call(admin, 'POST', '/certview/v1/scans', { targets: [`127.0.0.1:${server.port}`] });
    expect(res.statusCode, res.body).toBe(202);
    const queued = json(res);
    expect(queued).toMatchObject({
      status: 'queued',
      mode: 'discover',
      targets: [{ host: '127.0.0.1', ports: [server.port] }],
    });
    await s.certgrid.scanJobs.idle();
    const done = json(await call(reader, 'GET', `/certview/v1/scans/${queued.id}`));
    expect(done).toMatchObject({ id: queued.id, status: 'finished', total: 1, done: 1, tls: 1, error: null });
    expect(done.summary.endpoints[0]).toMatchObject({
      ip: '127.0.0.1',
      port: server.port,
      certificates: 2,
      subject: 'localhost',
    });
    expect(json(await call(reader, 'GET', '/certview/v1/scans')).map((j: { id: string }) => j.id)).toContain(
      queued.id,
    );
  });

  it('assesses with mode=assess and stores the result for getEndpointData', async () => {
    const res = await call(admin, 'POST', '/certview/v1/scans', {
      targets: '127.0.0.1',
      ports: String(server.port),
      mode: 'assess',
    });
    expect(res.statusCode, res.body).toBe(202);
    await s.certgrid.scanJobs.idle();
    const job = json(await call(admin, 'GET', `/certview/v1/scans/${json(res).id}`));
    expect(job.summary.endpoints[0].grade).toMatch(/^[A-FTM][+-]?$/);
    const stored = json(
      await call(admin, 'POST', '/certview/v1/getEndpointData', { ip: '127.0.0.1', port: server.port }),
    );
    expect(stored).toHaveLength(1);
  });

  it('refuses bad requests with the CertView codes, and scans to roles that may change the inventory', async () => {
    const code = async (token: string, body: unknown) => {
      const r = await call(token, 'POST', '/certview/v1/scans', body);
      return [r.statusCode, json(r).response?.code];
    };
    expect(await code(admin, {})).toEqual([400, 1903]);
    expect(await code(admin, { targets: ['10.0.0.0/8'] })).toEqual([400, 1905]);
    expect(await code(admin, { targets: ['127.0.0.1'], ports: 'x' })).toEqual([400, 1905]);
    expect(await code(admin, { targets: ['127.0.0.1'], mode: 'deep' })).toEqual([400, 1905]);
    expect(await code(reader, { targets: ['127.0.0.1'] })).toEqual([403, 148100]);
    const missing = await call(admin, 'GET', '/certview/v1/scans/00000000-0000-0000-0000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toMatchObject({ status: 404, message: 'No such scan job' });
  });

  it('starts a scheduled scan once when due, then once per interval', async () => {
    const res = await call(admin, 'POST', '/certview/v1/scans/schedules', {
      targets: [`127.0.0.1:${server.port}`],
      intervalMinutes: 60,
    });
    expect(res.statusCode, res.body).toBe(201);
    const schedule = json(res);
    expect(schedule).toMatchObject({ mode: 'discover', intervalMinutes: 60, lastJobId: null });
    // Two workers ticking at once: the compare-and-set on next_run lets only one start the run.
    const started = await Promise.all([
      s.certgrid.scanJobs.runDueSchedules(),
      s.certgrid.scanJobs.runDueSchedules(),
    ]);
    expect(started.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await s.certgrid.scanJobs.runDueSchedules()).toBe(0);
    s.clock.advance(61 * 60_000);
    expect(await s.certgrid.scanJobs.runDueSchedules()).toBe(1);
    await s.certgrid.scanJobs.idle();
    const [listed] = json(await call(reader, 'GET', '/certview/v1/scans/schedules'));
    expect(listed.lastJobId).not.toBeNull();
    const job = json(await call(reader, 'GET', `/certview/v1/scans/${listed.lastJobId}`));
    expect(job).toMatchObject({ status: 'finished', scheduleId: schedule.id, tls: 1 });

    expect((await call(reader, 'DELETE', `/certview/v1/scans/schedules/${schedule.id}`)).statusCode).toBe(
      403,
    );
    expect((await call(admin, 'DELETE', `/certview/v1/scans/schedules/${schedule.id}`)).statusCode).toBe(204);
    expect((await call(admin, 'DELETE', `/certview/v1/scans/schedules/${schedule.id}`)).statusCode).toBe(404);
    s.clock.advance(120 * 60_000);
    expect(await s.certgrid.scanJobs.runDueSchedules()).toBe(0);
  });

  it('refuses schedules more often than every 5 minutes or without an interval', async () => {
    const post = (body: object) =>
      call(admin, 'POST', '/certview/v1/scans/schedules', { targets: ['127.0.0.1'], ...body });
    expect(json(await post({ intervalMinutes: 1 })).response.code).toBe(1905);
    expect(json(await post({})).response.code).toBe(1903);
  });

  it('fails the jobs a stopped server left queued or running, and only those', async () => {
    const repo = createRepositories(s.store.db, s.store.dialect).scanJobs;
    const t = s.clock.now().getTime();
    const base = {
      accountId: s.accountId,
      mode: 'discover' as const,
      targets: [{ host: '127.0.0.1', ports: [server.port] }],
      total: 4,
      done: 1,
      tls: 1,
      scheduleId: null,
      summary: null,
      error: '',
      created: t - 3_600_000,
      finished: null,
    };
    const stale = { ...base, id: randomUUID(), status: 'running' as const, updated: t - STALE_AFTER_MS - 1 };
    const staleQueued = {
      ...base,
      id: randomUUID(),
      status: 'queued' as const,
      updated: t - STALE_AFTER_MS - 1,
    };
    const alive = {
      ...base,
      id: randomUUID(),
      status: 'running' as const,
      updated: t - STALE_AFTER_MS + 60_000,
    };
    const done = { ...base, id: randomUUID(), status: 'finished' as const, updated: t - 3_000_000 };
    for (const j of [stale, staleQueued, alive, done]) await repo.createJob(j);

    expect(await s.certgrid.scanJobs.failInterrupted()).toBe(2);
    const status = async (id: string) => json(await call(reader, 'GET', `/certview/v1/scans/${id}`));
    expect(await status(stale.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(await status(staleQueued.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(await status(alive.id)).toMatchObject({ status: 'running', error: null });
    expect(await status(done.id)).toMatchObject({ status: 'finished' });
    expect(await s.certgrid.scanJobs.failInterrupted()).toBe(0);
    // Cleaned up, so the other tests' listings are not disturbed.
    await repo.failStaleJobs(Number.MAX_SAFE_INTEGER, INTERRUPTED_ERROR, t);
  });
});
