/**
 * Every Grid use case records exactly one audit event: successful ones inside their own
 * transaction (or right after a read), failed ones here. Internal to grid/.
 */
import { auditingFailures, type AuditEvent } from '../audit/index.js';
import { CertgridError } from '../errors.js';
import type { ActionContext, CallerInfo, Principal } from './types.js';
import type { GridDeps } from './deps.js';

export function eventFor(
  caller: CallerInfo,
  principal: Principal | null,
  event: string,
  status: AuditEvent['status'],
  message: string,
): AuditEvent {
  return {
    accountId: principal?.accountId ?? null,
    userId: principal?.userId ?? null,
    userName: principal?.userName ?? '',
    ip: caller.ip,
    status,
    event,
    message,
    origin: caller.origin,
  };
}

export const success = (ctx: ActionContext, event: string, message: string): AuditEvent =>
  eventFor(ctx, ctx.principal, event, 'successful', message);

/**
 * Runs a use case; when it fails, records a failed event carrying the error's message (coded
 * errors only; anything else is logged as an internal error without detail) and rethrows.
 */
export function audited<T>(
  deps: GridDeps,
  ctx: ActionContext,
  event: string,
  fn: () => Promise<T>,
): Promise<T> {
  return auditingFailures(
    deps.audit,
    (message) => eventFor(ctx, ctx.principal, event, 'failed', message),
    fn,
  );
}

const MAX_SERIAL_ATTEMPTS = 3;

/**
 * Serial uniqueness is the database's job (orders.serial_hex UNIQUE). With 126 random bits a
 * collision means a broken random source or an attack, so retry a couple of times with a fresh
 * serial and then give up loudly.
 */
export async function withFreshSerial<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(CertgridError.is(e, 'ALREADY_EXISTS') && e.field === 'serial')) throw e;
      if (i >= MAX_SERIAL_ATTEMPTS) {
        throw new CertgridError('INTERNAL', `Could not allocate a unique serial number in ${i} attempts.`);
      }
    }
  }
}
