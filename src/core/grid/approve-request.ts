import { AUDIT_EVENTS } from '../audit/index.js';
import type { SignatureHash } from '../ca/types.js';
import { CertgridError } from '../errors.js';
import { checkSelfApproval, pendingRequestFor } from './approvals.js';
import { audited, success, withFreshSerial } from './audited.js';
import { acceptCsr } from './csr.js';
import type { GridDeps } from './deps.js';
import { checkComments } from './names.js';
import type { CertRequestRecord, Decision } from './repository.js';
import type { ActionContext } from './types.js';
import { validityWindow } from './validity.js';
import { displayCommonName } from './views.js';

/**
 * grid_approve_request. Approving an issue request issues the certificate at once and records
 * the order, the decision and the audit event in one transaction. Approving a revoke request
 * revokes the order and regenerates its CA's CRL.
 */
export function approveRequest(
  deps: GridDeps,
  ctx: ActionContext,
  input: { requestId: number; comments?: string | undefined },
): Promise<{ orderId: number; requestType: 'issue' | 'revoke' }> {
  return audited(deps, ctx, AUDIT_EVENTS.approveRequest, async () => {
    const comments = checkComments(input.comments);
    const { request, account } = await pendingRequestFor(deps, ctx, input.requestId);
    checkSelfApproval(ctx, request, account);
    const decision: Decision = {
      accountId: ctx.principal.accountId,
      requestId: request.id,
      decidedAt: deps.clock.now(),
      decidedByUserId: ctx.principal.userId,
      decisionComments: comments,
    };
    if (request.requestType === 'revoke') return approveRevoke(deps, ctx, request, decision);
    return approveIssue(deps, ctx, request, decision);
  });
}

async function approveIssue(
  deps: GridDeps,
  ctx: ActionContext,
  request: CertRequestRecord,
  decision: Decision,
): Promise<{ orderId: number; requestType: 'issue' }> {
  if (request.csrDer === null) throw new CertgridError('INTERNAL', `Request ${request.id} has no CSR.`);
  // Re-checked: weak-key lists may have grown since the request was queued.
  const csr = acceptCsr(request.csrDer, deps.weakKeys);
  const { notBefore, notAfter } = validityWindow(decision.decidedAt, request.validityYears);
  const hash = (['sha256', 'sha384', 'sha512'] as const).find((h) => h === request.signatureHash) as
    SignatureHash | undefined;
  const message = `Certificate with common names: ${[request.commonName, ...request.sans].join(', ')}`;

  const orderId = await withFreshSerial(async () => {
    const cert = await deps.ca.issue(
      {
        profile: 'grid_host',
        commonName: request.commonName,
        serviceName: request.serviceName || undefined,
        dnsNames: request.sans,
        orgUnit: request.orgUnit || undefined,
      },
      csr.spkiDer,
      { notBefore, notAfter, hash },
    );
    return deps.repo.approveIssueRequest(
      decision,
      {
        accountId: request.accountId,
        kind: 'host',
        requestId: request.id,
        caId: cert.caId,
        serialHex: cert.serialHex,
        certhash: cert.certhash,
        certDer: cert.der,
        commonName: displayCommonName(request),
        sans: request.sans,
        serverType: request.serverType,
        orgUnit: request.orgUnit,
        validityYears: request.validityYears,
        fullName: '',
        email: '',
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        requesterUserId: request.requesterUserId,
        createdAt: decision.decidedAt,
      },
      deps.audit.toRecord(success(ctx, AUDIT_EVENTS.approveRequest, message)),
    );
  });
  return { orderId, requestType: 'issue' };
}

async function approveRevoke(
  deps: GridDeps,
  ctx: ActionContext,
  request: CertRequestRecord,
  decision: Decision,
): Promise<{ orderId: number; requestType: 'revoke' }> {
  const orderId = request.orderId;
  if (orderId === null) throw new CertgridError('INTERNAL', `Revocation request ${request.id} has no order.`);
  const order = await deps.repo.findOrder(ctx.principal.accountId, 'host', { id: orderId });
  if (order === null)
    throw new CertgridError('INTERNAL', `Order ${orderId} of request ${request.id} is missing.`);
  const reason = request.revocationReason ?? 'unspecified';
  await deps.repo.approveRevokeRequest(
    decision,
    { orderId, revokedAt: decision.decidedAt, reason },
    deps.audit.toRecord(
      success(
        ctx,
        AUDIT_EVENTS.approveRequest,
        `Revocation of certificate with common names: ${[request.commonName, ...request.sans].join(', ')}, Order: ${orderId}, Serial: ${order.serialHex}, Reason: ${reason}`,
      ),
    ),
  );
  // After the commit: the CRL is derived from the orders table, so it must see the revocation.
  await deps.ca.revocationChanged(order.caId);
  return { orderId, requestType: 'revoke' };
}
