import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { resolveOrder } from './refs.js';
import type { ActionContext, CertificateDetailsView, OrderRef } from './types.js';
import { toDetailsView } from './views.js';

/**
 * grid_certificate_details. Works for revoked certificates too and then reports status
 * `revoked` (the spec only shows `issued`), so a client can learn why retrieval fails.
 */
export function certificateDetails(
  deps: GridDeps,
  ctx: ActionContext,
  ref: OrderRef,
): Promise<CertificateDetailsView> {
  return audited(deps, ctx, AUDIT_EVENTS.certificateDetails, async () => {
    const order = await resolveOrder(deps, ctx.principal.accountId, 'host', {
      id: ref.orderId,
      serial: ref.serial,
    });
    await deps.audit.record(
      success(
        ctx,
        AUDIT_EVENTS.certificateDetails,
        `Certificate with common name: ${order.commonName}, Order: ${order.id}, Serial: ${order.serialHex}`,
      ),
    );
    return toDetailsView(order);
  });
}
