import { normalizeSerialHex } from '../ca/index.js';
import { CertgridError, notFound } from '../errors.js';
import type { GridDeps } from './deps.js';
import type { OrderKind, OrderRecord } from './repository.js';

/**
 * Finds an order of the caller's account by id and/or serial. Orders of other accounts, of the
 * other kind, or that do not exist are all NOT_FOUND on the field the caller used, so nothing
 * about other tenants leaks.
 * @throws CertgridError SERIAL_OR_ORDER_ID_REQUIRED (field `order_id` / `client_id`) when neither is given.
 */
export async function resolveOrder(
  deps: GridDeps,
  accountId: number,
  kind: OrderKind,
  ref: { readonly id?: number | undefined; readonly serial?: string | undefined },
): Promise<OrderRecord> {
  const idField = kind === 'host' ? 'order_id' : 'client_id';
  const serialGiven = ref.serial !== undefined && ref.serial.trim() !== '';
  if (ref.id === undefined && !serialGiven) {
    throw new CertgridError(
      'SERIAL_OR_ORDER_ID_REQUIRED',
      kind === 'host'
        ? 'The serial number or the order id is required for this action.'
        : 'The serial number or the client id is required for this action.',
      { field: idField },
    );
  }
  if (ref.id !== undefined && (!Number.isSafeInteger(ref.id) || ref.id < 1)) throw notFound(idField);
  let serialHex: string | undefined;
  if (serialGiven) {
    try {
      serialHex = normalizeSerialHex(ref.serial as string);
    } catch {
      throw notFound('serial');
    }
  }
  const order = await deps.repo.findOrder(accountId, kind, { id: ref.id, serialHex });
  if (order !== null) return order;
  if (ref.id === undefined) throw notFound('serial');
  if (serialHex === undefined) throw notFound(idField);
  // Both given and no order has both: blame the serial when the id alone would have matched.
  const byId = await deps.repo.findOrder(accountId, kind, { id: ref.id });
  throw notFound(byId === null ? idField : 'serial');
}

export const certRevoked = (): CertgridError =>
  new CertgridError('CERT_REVOKED', 'The certificate has been revoked and is no longer available.');
