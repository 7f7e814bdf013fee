import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import type { GridAction } from './action.js';

/**
 * grid_email_revoke: revoke a client certificate (client_id or serial). Not in the spec, but
 * clients of DigiCert's Grid API call it; client certificates are revoked at once, with no
 * approval step, as they are issued.
 */
export const gridEmailRevoke: GridAction = {
  name: 'grid_email_revoke',
  event: AUDIT_EVENTS.revokeClientCertificate,
  read(p) {
    const ref = p.ref('client_id');
    const comments = p.string('comments', 'comment');
    const reason = p.reason();
    return async (grid, ctx) => {
      const { clientId } = await grid.revokeEmailCert(ctx, {
        clientId: ref.id,
        serial: ref.serial,
        comments,
        reason,
      });
      return { client_id: clientId };
    };
  },
};
