import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { formatOrderId, formatSerial } from '../format.js';
import { certsRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_retrieve_host_cert: an issued host certificate with its chain and PKCS#7 (order_id or serial). */
export const gridRetrieveHostCert: GridAction = {
  name: 'grid_retrieve_host_cert',
  event: AUDIT_EVENTS.retrieveCertificate,
  read(p) {
    const ref = p.ref('order_id', 'id');
    return async (grid, ctx) => {
      const b = await grid.retrieveHostCert(ctx, { orderId: ref.id, serial: ref.serial });
      return { order_id: formatOrderId(b.orderId), serial: formatSerial(b.serialHex), certs: certsRecord(b) };
    };
  },
};
