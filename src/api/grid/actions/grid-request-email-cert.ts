import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { formatSerial } from '../format.js';
import { certsRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_request_email_cert: issue a Grid client certificate at once; returns it with its chain. */
export const gridRequestEmailCert: GridAction = {
  name: 'grid_request_email_cert',
  event: AUDIT_EVENTS.requestClientCertificate,
  read(p) {
    const input = {
      fullName: p.requiredString('full_name'),
      email: p.requiredString('email'),
      csr: p.csr(),
      orgUnit: p.string('org_unit'),
      validityYears: p.validity(),
      hash: p.hash(),
    };
    return async (grid, ctx) => {
      const b = await grid.requestEmailCert(ctx, input);
      return { client_id: b.clientId, serial: formatSerial(b.serialHex), certs: certsRecord(b) };
    };
  },
};
