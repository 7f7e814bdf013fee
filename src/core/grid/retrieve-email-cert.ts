import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { certRevoked, resolveOrder } from './refs.js';
import type { ActionContext, ClientCertBundle, ClientRef } from './types.js';

/** grid_retrieve_email_cert: a client certificate by client_id and/or serial, with its chain. */
export function retrieveEmailCert(
  deps: GridDeps,
  ctx: ActionContext,
  ref: ClientRef,
): Promise<ClientCertBundle> {
  return audited(deps, ctx, AUDIT_EVENTS.retrieveClientCertificate, async () => {
    const order = await resolveOrder(deps, ctx.principal.accountId, 'client', {
      id: ref.clientId,
      serial: ref.serial,
    });
    if (order.status === 'revoked') throw certRevoked();
    const bundle = await deps.ca.bundleFor(order.certDer);
    await deps.audit.record(
      success(
        ctx,
        AUDIT_EVENTS.retrieveClientCertificate,
        `Client certificate for: ${order.fullName} <${order.email}>, Client: ${order.id}, Serial: ${order.serialHex}`,
      ),
    );
    return { clientId: order.id, serialHex: order.serialHex, ...bundle };
  });
}
