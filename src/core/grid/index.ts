/**
 * The Grid use cases (spec/digicert-grid-api.md §2–4) behind one door: createGridService.
 * Each use case lives in its own file and records exactly one audit event, successful or failed.
 *
 * @example
 *   const grid = createGridService({ repo, ca, accounts, audit, clock, weakKeys, config: config.grid });
 *   const principal = await grid.authenticate('acme', apiKey, { ip, origin: 'api' });
 *   const { requestId } = await grid.requestHostCert({ principal, ip, origin: 'api' }, { commonName, csr });
 */
import { approveRequest } from './approve-request.js';
import { authenticate, recordFailure } from './authenticate.js';
import { certificateDetails } from './certificate-details.js';
import type { GridDeps } from './deps.js';
import { listPendingRequests } from './list-pending-requests.js';
import { rejectRequest } from './reject-request.js';
import { requestEmailCert } from './request-email-cert.js';
import { requestHostCert } from './request-host-cert.js';
import { requestHostRevoke } from './request-host-revoke.js';
import { retrieveEmailCert } from './retrieve-email-cert.js';
import { retrieveHostCert } from './retrieve-host-cert.js';
import { retrieveLogs } from './retrieve-logs.js';
import { revokeEmailCert } from './revoke-email-cert.js';
import type { GridService } from './types.js';

export type { GridAccounts, GridCa, GridConfig, GridDeps } from './deps.js';
export type {
  CertRequestRecord,
  Decision,
  GridRepository,
  NewCertRequest,
  NewOrder,
  OrderKind,
  OrderRecord,
  RequestStatus,
  RequestType,
} from './repository.js';
export { GRID_SERVER_TYPES, serverTypeName } from './server-types.js';
export { GRID_HOST_PRODUCT } from './request-host-cert.js';
export { maxValidityYears } from './validity.js';
export * from './types.js';

export function createGridService(deps: GridDeps): GridService {
  return {
    authenticate: (customerName, apiKey, caller) => authenticate(deps, customerName, apiKey, caller),
    requestHostCert: (ctx, input) => requestHostCert(deps, ctx, input),
    requestHostRevoke: (ctx, input) => requestHostRevoke(deps, ctx, input),
    listPendingRequests: (ctx) => listPendingRequests(deps, ctx),
    approveRequest: (ctx, input) => approveRequest(deps, ctx, input),
    rejectRequest: (ctx, input) => rejectRequest(deps, ctx, input),
    retrieveHostCert: (ctx, ref) => retrieveHostCert(deps, ctx, ref),
    certificateDetails: (ctx, ref) => certificateDetails(deps, ctx, ref),
    requestEmailCert: (ctx, input) => requestEmailCert(deps, ctx, input),
    retrieveEmailCert: (ctx, ref) => retrieveEmailCert(deps, ctx, ref),
    revokeEmailCert: (ctx, input) => revokeEmailCert(deps, ctx, input),
    retrieveLogs: (ctx, filter) => retrieveLogs(deps, ctx, filter),
    recordFailure: (caller, principal, event, message) =>
      recordFailure(deps, caller, principal, event, message),
  };
}
