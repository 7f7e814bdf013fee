import { AUDIT_EVENTS } from '../audit/index.js';
import type { RevocationReason } from '../ca/types.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { checkComments } from './names.js';
import { certRevoked, resolveOrder } from './refs.js';
import { checkReason } from './request-host-revoke.js';
import type { ActionContext, ClientRef } from './types.js';

/**
 * Revokes a client certificate at once (no approval queue: client certificates are issued without
 * one too, and clients expect revocation to be immediate) and regenerates the CRL.
 */
export function revokeEmailCert(
  deps: GridDeps,
  ctx: ActionContext,
  input: ClientRef & { comments?: string | undefined; reason?: RevocationReason | undefined },
): Promise<{ clientId: number }> {
  return audited(deps, ctx, AUDIT_EVENTS.revokeClientCertificate, async () => {
    const comments = checkComments(input.comments);
    const reason = checkReason(input.reason) ?? 'unspecified';
    const order = await resolveOrder(deps, ctx.principal.accountId, 'client', {
      id: input.clientId,
      serial: input.serial,
    });
    if (order.status === 'revoked') throw certRevoked();
    await deps.repo.revokeOrder(
      { accountId: ctx.principal.accountId, orderId: order.id, revokedAt: deps.clock.now(), reason },
      deps.audit.toRecord(
        success(
          ctx,
          AUDIT_EVENTS.revokeClientCertificate,
          `Client certificate for: ${order.fullName} <${order.email}>, Client: ${order.id}, Serial: ${order.serialHex}, Reason: ${reason}` +
            (comments ? `, Comments: ${comments}` : ''),
        ),
      ),
    );
    await deps.ca.revocationChanged(order.caId);
    return { clientId: order.id };
  });
}
