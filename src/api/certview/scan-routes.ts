/**
 * certgrid's scan API (not in the CertView spec; see docs/compatibility.md): `certgrid scan` as an
 * authenticated background job, and schedules that repeat it. Registered inside the guarded `/certview`
 * scope; each handler reads its parameters, makes one core call and renders.
 */
import type { FastifyInstance } from 'fastify';
import {
  parsePortList,
  type ScanJobRecord,
  type ScanJobs,
  type ScanMode,
  type ScanScheduleRecord,
} from '../../core/analysis/index.js';
import { CertgridError } from '../../core/errors.js';
import { GatewayError, invalidParameter, missingParameters } from './errors.js';
import { bodyObject, type Body } from './params.js';
import { principalOf } from './principal.js';

export interface ScanRoutesDeps {
  readonly scanJobs: ScanJobs;
}

// Scans write to the inventory: the roles that may import may scan.
const SCAN_ROLES = new Set(['Super User', 'Manager', 'PKI Admin']);

function targetsOf(body: Body): string[] {
  const v = body.targets;
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
    throw missingParameters(['targets']);
  }
  const list = typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string' && t.trim() !== '')) {
    throw invalidParameter('targets', JSON.stringify(v), 'must be a list of hosts, addresses or CIDR blocks');
  }
  return list as string[];
}

function portsOf(body: Body): number[] | undefined {
  const v = body.ports;
  if (v === undefined || v === null || v === '') return undefined;
  const text = Array.isArray(v) ? v.join(',') : String(v);
  return parsePortList(text);
}

function modeOf(body: Body): ScanMode {
  const v = body.mode;
  if (v === undefined || v === null || v === '') return 'discover';
  if (v !== 'discover' && v !== 'assess') throw invalidParameter('mode', v, 'must be discover or assess');
  return v;
}

const jobView = (j: ScanJobRecord) => ({
  id: j.id,
  status: j.status,
  mode: j.mode,
  targets: j.targets,
  total: j.total,
  done: j.done,
  tls: j.tls,
  scheduleId: j.scheduleId,
  created: j.created,
  updated: j.updated,
  finished: j.finished,
  error: j.error || null,
  summary: j.summary,
});

const scheduleView = (s: ScanScheduleRecord) => ({
  id: s.id,
  mode: s.mode,
  targets: s.targets,
  intervalMinutes: s.intervalMinutes,
  nextRun: s.nextRun,
  lastJobId: s.lastJobId,
  created: s.created,
});

/** The core's NOT_FOUND means "not yours or not there": a 404 in the gateway's shape (no CertView code fits). */
async function orNotFound<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (CertgridError.is(e, 'NOT_FOUND')) throw new GatewayError(404, `No such ${what}`);
    throw e;
  }
}

export async function registerScanRoutes(scope: FastifyInstance, deps: ScanRoutesDeps): Promise<void> {
  const { scanJobs } = deps;
  const writer = (role: string) => {
    if (!SCAN_ROLES.has(role)) {
      throw new CertgridError(
        'PERMISSION_DENIED',
        'Scanning needs the Super User, Manager or PKI Admin role.',
      );
    }
  };

  scope.post('/v1/scans', async (req, reply) => {
    const principal = principalOf(req);
    writer(principal.role);
    const body = bodyObject(req.body);
    const job = await scanJobs.submit(principal.accountId, {
      targets: targetsOf(body),
      ports: portsOf(body),
      mode: modeOf(body),
    });
    return reply.code(202).send(jobView(job));
  });

  scope.get('/v1/scans', async (req) => (await scanJobs.list(principalOf(req).accountId)).map(jobView));

  scope.get<{ Params: { id: string } }>('/v1/scans/:id', async (req) =>
    jobView(await orNotFound('scan job', () => scanJobs.get(principalOf(req).accountId, req.params.id))),
  );

  scope.post('/v1/scans/schedules', async (req, reply) => {
    const principal = principalOf(req);
    writer(principal.role);
    const body = bodyObject(req.body);
    const interval = body.intervalMinutes;
    if (interval === undefined || interval === null || interval === '')
      throw missingParameters(['intervalMinutes']);
    const schedule = await scanJobs.addSchedule(principal.accountId, {
      targets: targetsOf(body),
      ports: portsOf(body),
      mode: modeOf(body),
      intervalMinutes: typeof interval === 'number' ? interval : Number(interval),
    });
    return reply.code(201).send(scheduleView(schedule));
  });

  scope.get('/v1/scans/schedules', async (req) =>
    (await scanJobs.listSchedules(principalOf(req).accountId)).map(scheduleView),
  );

  scope.delete<{ Params: { id: string } }>('/v1/scans/schedules/:id', async (req, reply) => {
    const principal = principalOf(req);
    writer(principal.role);
    await orNotFound('scan schedule', () => scanJobs.removeSchedule(principal.accountId, req.params.id));
    return reply.code(204).send();
  });
}
