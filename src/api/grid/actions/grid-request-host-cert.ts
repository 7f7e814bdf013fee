import { AUDIT_EVENTS } from '../../../core/audit/events.js';
import type { GridAction } from './action.js';

/** grid_request_host_cert: queue a Grid Host certificate request; returns its request_id. */
export const gridRequestHostCert: GridAction = {
  name: 'grid_request_host_cert',
  event: AUDIT_EVENTS.makeRequest,
  read(p) {
    const input = {
      commonName: p.requiredString('common_name'),
      csr: p.csr(),
      serviceName: p.string('service_name'),
      sans: p.sans(),
      serverType: p.serverType(),
      comments: p.string('comments', 'comment'),
      orgUnit: p.string('org_unit'),
      validityYears: p.validity(),
      hash: p.hash(),
    };
    return async (grid, ctx) => {
      const { requestId } = await grid.requestHostCert(ctx, input);
      return { request_id: requestId };
    };
  },
};
