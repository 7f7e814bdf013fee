/**
 * Audit event names, in the Grid API's own style (lowercase verb phrases, see the spec's
 * grid_retrieve_logs example: `make request`, `login`, `approve request`).
 */
export const AUDIT_EVENTS = {
  login: 'login',
  makeRequest: 'make request',
  revokeRequest: 'revoke request',
  approveRequest: 'approve request',
  rejectRequest: 'reject request',
  retrieveCertificate: 'retrieve certificate',
  certificateDetails: 'certificate details',
  listRequests: 'list requests',
  requestClientCertificate: 'request client certificate',
  retrieveClientCertificate: 'retrieve client certificate',
  revokeClientCertificate: 'revoke client certificate',
  retrieveLogs: 'retrieve logs',
} as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[keyof typeof AUDIT_EVENTS];
