import { AUDIT_EVENTS } from '../audit/index.js';
import { CertgridError } from '../errors.js';
import { pendingRequestFor } from './approvals.js';
import { audited, success } from './audited.js';
import type { GridDeps } from './deps.js';
import { checkComments } from './names.js';
import type { ActionContext } from './types.js';
import { displayCommonName } from './views.js';

/**
 * grid_reject_request: comments are required (the spec's required_param:note). Rejecting your own
 * request is allowed whatever self_approval says: it is a withdrawal and grants nothing.
 */
export function rejectRequest(
  deps: GridDeps,
  ctx: ActionContext,
  input: { requestId: number; comments: string },
): Promise<{ commonName: string }> {
  return audited(deps, ctx, AUDIT_EVENTS.rejectRequest, async () => {
    const comments = checkComments(input.comments);
    if (comments === '') {
      throw new CertgridError(
        'MISSING_ARGUMENT',
        'The comments parameter is required for the API request you are making.',
        {
          field: 'note',
        },
      );
    }
    const { request } = await pendingRequestFor(deps, ctx, input.requestId);
    const commonName = displayCommonName(request);
    await deps.repo.rejectRequest(
      {
        accountId: ctx.principal.accountId,
        requestId: request.id,
        decidedAt: deps.clock.now(),
        decidedByUserId: ctx.principal.userId,
        decisionComments: comments,
      },
      deps.audit.toRecord(
        success(
          ctx,
          AUDIT_EVENTS.rejectRequest,
          `Rejected ${request.requestType === 'revoke' ? 'revocation' : 'certificate'} request for ${commonName}`,
        ),
      ),
    );
    return { commonName };
  });
}
