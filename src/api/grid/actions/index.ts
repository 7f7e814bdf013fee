import type { GridAction } from './action.js';
import { gridApproveRequest } from './grid-approve-request.js';
import { gridCertificateDetails } from './grid-certificate-details.js';
import { gridEmailRevoke } from './grid-email-revoke.js';
import { gridListPendingRequests } from './grid-list-pending-requests.js';
import { gridRejectRequest } from './grid-reject-request.js';
import { gridRequestEmailCert } from './grid-request-email-cert.js';
import { gridRequestHostCert } from './grid-request-host-cert.js';
import { gridRequestHostRevoke } from './grid-request-host-revoke.js';
import { gridRetrieveEmailCert } from './grid-retrieve-email-cert.js';
import { gridRetrieveHostCert } from './grid-retrieve-host-cert.js';
import { gridRetrieveLogs } from './grid-retrieve-logs.js';

export type { GridAction, GridCall } from './action.js';

/** Every `action` the Grid API answers, by name. */
export const GRID_ACTIONS: ReadonlyMap<string, GridAction> = new Map(
  [
    gridRequestHostCert,
    gridRequestHostRevoke,
    gridListPendingRequests,
    gridApproveRequest,
    gridRejectRequest,
    gridRetrieveHostCert,
    gridCertificateDetails,
    gridRequestEmailCert,
    gridRetrieveEmailCert,
    gridEmailRevoke,
    gridRetrieveLogs,
  ].map((a) => [a.name, a]),
);
