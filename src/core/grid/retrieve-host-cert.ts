import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { certRevoked, resolveOrder } from './refs.js';
import type { ActionContext, HostCertBundle, OrderRef } from './types.js';

/** grid_retrieve_host_cert: the certificate, its chain and a PKCS#7 of all three. */
export function retrieveHostCert(deps: GridDeps, ctx: ActionContext, ref: OrderRef): Promise<HostCertBundle> {
  return audited(deps, ctx, AUDIT_EVENTS.retrieveCertificate, async () => {
    const order = await resolveOrder(deps, ctx.principal.accountId, 'host', {
      id: ref.orderId,
      serial: ref.serial,
    });
    if (order.status === 'revoked') throw certRevoked();
    const bundle = await deps.ca.bundleFor(order.certDer);
    await deps.audit.record(
      success(
        ctx,
        AUDIT_EVENTS.retrieveCertificate,
        `Certificate with common name: ${order.commonName}, Order: ${order.id}, Serial: ${order.serialHex}`,
      ),
    );
    return { orderId: order.id, serialHex: order.serialHex, ...bundle };
  });
}
