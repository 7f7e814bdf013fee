import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import { certificateDetailsRecord } from '../mappers.js';
import type { GridAction } from './action.js';

/** grid_certificate_details: order and certificate details of an issued host certificate. */
export const gridCertificateDetails: GridAction = {
  name: 'grid_certificate_details',
  event: AUDIT_EVENTS.certificateDetails,
  read(p) {
    const ref = p.ref('order_id', 'id');
    return async (grid, ctx) =>
      certificateDetailsRecord(await grid.certificateDetails(ctx, { orderId: ref.id, serial: ref.serial }));
  },
};
