import { AUDIT_EVENTS } from '../audit/index.js';
import { REVOCATION_REASONS, type RevocationReason } from '../ca/types.js';
import { CertgridError } from '../errors.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { checkComments } from './names.js';
import { certRevoked, resolveOrder } from './refs.js';
import { GRID_HOST_PRODUCT } from './request-host-cert.js';
import type { ActionContext, OrderRef } from './types.js';

export function checkReason(reason: RevocationReason | undefined): RevocationReason | null {
  if (reason === undefined) return null;
  // certificateHold is reversible and removeFromCRL only exists in delta CRLs (RFC 5280 §5.3.1); neither is a revocation.
  if (
    !Object.hasOwn(REVOCATION_REASONS, reason) ||
    reason === 'certificateHold' ||
    reason === 'removeFromCRL'
  ) {
    throw new CertgridError('INVALID_ARGUMENT', 'reason: not a revocation reason certgrid accepts', {
      field: 'reason',
    });
  }
  return reason;
}

/**
 * grid_request_host_revoke: queues revocation of an issued host certificate for approval.
 * Only one revocation request per certificate can be pending: asking again returns the pending
 * request's id (idempotent, so a client retrying after a timeout does not queue duplicates).
 */
export function requestHostRevoke(
  deps: GridDeps,
  ctx: ActionContext,
  input: OrderRef & { comments?: string | undefined; reason?: RevocationReason | undefined },
): Promise<{ requestId: number }> {
  return audited(deps, ctx, AUDIT_EVENTS.revokeRequest, async () => {
    const comments = checkComments(input.comments);
    const reason = checkReason(input.reason);
    const accountId = ctx.principal.accountId;
    const order = await resolveOrder(deps, accountId, 'host', { id: input.orderId, serial: input.serial });
    if (order.status === 'revoked') throw certRevoked();

    const base = `Revocation of certificate with common names: ${[order.commonName, ...order.sans].join(', ')}, Order: ${order.id}`;
    const pending = (requestId: number) => `${base}, already pending as request ${requestId}`;
    const existing = await deps.repo.findPendingRevokeRequest(accountId, order.id);
    if (existing !== null) {
      await deps.audit.record(success(ctx, AUDIT_EVENTS.revokeRequest, pending(existing)));
      return { requestId: existing };
    }
    try {
      const requestId = await deps.repo.insertRequest(
        {
          accountId,
          requestType: 'revoke',
          requesterUserId: ctx.principal.userId,
          comments,
          createdAt: deps.clock.now(),
          product: GRID_HOST_PRODUCT,
          commonName: order.commonName,
          serviceName: '',
          sans: order.sans,
          serverType: order.serverType,
          orgUnit: order.orgUnit,
          validityYears: order.validityYears,
          signatureHash: '',
          csrDer: null,
          orderId: order.id,
          revocationReason: reason,
        },
        deps.audit.toRecord(success(ctx, AUDIT_EVENTS.revokeRequest, base)),
      );
      return { requestId };
    } catch (e) {
      // Lost a race with another node queueing the same revocation: theirs is the one.
      if (!(CertgridError.is(e, 'ALREADY_EXISTS') && e.field === 'order_id')) throw e;
      const winner = await deps.repo.findPendingRevokeRequest(accountId, order.id);
      if (winner === null) throw e;
      await deps.audit.record(success(ctx, AUDIT_EVENTS.revokeRequest, pending(winner)));
      return { requestId: winner };
    }
  });
}
