import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { formatSerial } from '../format.js';
import { certsRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_retrieve_email_cert: a client certificate with its chain (client_id or serial). */
export const gridRetrieveEmailCert: GridAction = {
  name: 'grid_retrieve_email_cert',
  event: AUDIT_EVENTS.retrieveClientCertificate,
  read(p) {
    const ref = p.ref('client_id');
    return async (grid, ctx) => {
      const b = await grid.retrieveEmailCert(ctx, { clientId: ref.id, serial: ref.serial });
      return { client_id: b.clientId, serial: formatSerial(b.serialHex), certs: certsRecord(b) };
    };
  },
};
