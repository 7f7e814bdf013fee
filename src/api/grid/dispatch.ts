import { AUDIT_EVENTS } from '../../core/audit/events.js';
import { missing } from '../../core/errors.js';
import type { CallerInfo, GridService, Principal } from '../../core/grid/types.js';
import { GRID_ACTIONS } from './actions/index.js';
import type { GridRecord } from './envelope.js';
import { specError, toGridError, type GridError } from './errors.js';
import { ParamReader, type RawParams } from './params.js';

/**
 * One Grid API call, framework-free: authenticate, find the action, read its parameters
 * (collecting every error), make its one core call, map the result or the error.
 */

export interface GridRequest {
  /** The `action` parameter (query string first, then body). */
  readonly action: string | undefined;
  readonly params: RawParams;
  readonly caller: CallerInfo;
}

export type GridOutcome =
  | { readonly ok: true; readonly ret: GridRecord }
  | { readonly ok: false; readonly errors: readonly GridError[] };

/** Where operator-facing failures go; Fastify's request logger (which carries the request id) fits. */
export interface DispatchLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Audit event of a call naming no known action (the core's AUDIT_EVENTS has none for it). */
export const UNKNOWN_ACTION_EVENT = 'api request';

const fail = (errors: readonly GridError[]): GridOutcome => ({ ok: false, errors });

export async function dispatchGridRequest(
  grid: GridService,
  req: GridRequest,
  log: DispatchLog,
): Promise<GridOutcome> {
  const p = new ParamReader(req.params);
  const customerName = p.string('customer_name');
  const apiKey = p.string('customer_api_key');
  if (customerName === undefined || apiKey === undefined) {
    const errors = [
      ...(customerName === undefined ? [missing('customer_name')] : []),
      ...(apiKey === undefined ? [missing('customer_api_key')] : []),
    ];
    await recordFailure(
      grid,
      req.caller,
      null,
      AUDIT_EVENTS.login,
      errors.map((e) => e.message).join(' '),
      log,
    );
    return fail(errors.map((e) => toGridError(e).error));
  }

  let principal: Principal;
  try {
    principal = await grid.authenticate(customerName, apiKey, req.caller);
  } catch (e) {
    return fail([mapAndLog(e, 'authenticate', log)]);
  }

  const action = req.action === undefined ? undefined : GRID_ACTIONS.get(req.action);
  if (action === undefined) {
    const shown =
      req.action === undefined ? 'no action' : `unknown action ${JSON.stringify(req.action.slice(0, 64))}`;
    await recordFailure(
      grid,
      req.caller,
      principal,
      UNKNOWN_ACTION_EVENT,
      `The API was called with ${shown}.`,
      log,
    );
    return fail([specError('api_request_action_unavailable')]);
  }

  const call = action.read(p);
  if (p.errors.length > 0) {
    const message = p.errors.map((e) => e.message).join(' ');
    await recordFailure(grid, req.caller, principal, action.event, message, log);
    return fail(p.errors.map((e) => toGridError(e).error));
  }

  try {
    return { ok: true, ret: await call(grid, { ...req.caller, principal }) };
  } catch (e) {
    return fail([mapAndLog(e, action.name, log)]);
  }
}

function mapAndLog(e: unknown, action: string, log: DispatchLog): GridError {
  const mapped = toGridError(e);
  if (mapped.log !== undefined) {
    log[mapped.log]({ err: e, action }, `grid action failed: ${mapped.error.code}`);
  }
  return mapped.error;
}

/** Auditing a rejected call must not turn the client's answer into an internal error. */
async function recordFailure(
  grid: GridService,
  caller: CallerInfo,
  principal: Principal | null,
  event: string,
  message: string,
  log: DispatchLog,
): Promise<void> {
  try {
    await grid.recordFailure(caller, principal, event, message);
  } catch (err) {
    log.error({ err, event }, 'could not audit a rejected grid call');
  }
}
