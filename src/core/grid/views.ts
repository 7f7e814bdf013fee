import type { CertRequestRecord, OrderRecord } from './repository.js';
import { GRID_HOST_PRODUCT } from './request-host-cert.js';
import { serverTypeName } from './server-types.js';
import type { CertificateDetailsView, PendingRequestView } from './types.js';
import { toPem } from '../ca/index.js';

/** The CN as it appears in the certificate: `service/name` when a service name was given. */
export const displayCommonName = (r: { commonName: string; serviceName: string }): string =>
  r.serviceName ? `${r.serviceName}/${r.commonName}` : r.commonName;

export function toPendingView(r: CertRequestRecord): PendingRequestView {
  return {
    requestId: r.id,
    status: r.status,
    requestType: r.requestType,
    comments: r.comments,
    requestDate: r.createdAt,
    productName: r.product || GRID_HOST_PRODUCT,
    serverType: serverTypeName(r.serverType),
    validityYears: r.validityYears,
    orgUnit: r.orgUnit,
    commonName: displayCommonName(r),
    sans: r.sans,
  };
}

export function toDetailsView(o: OrderRecord): CertificateDetailsView {
  return {
    status: o.status,
    orderId: o.id,
    productName: GRID_HOST_PRODUCT,
    serverType: serverTypeName(o.serverType),
    validityYears: o.validityYears,
    orgUnit: o.orgUnit,
    commonName: o.commonName,
    sans: o.sans,
    serialHex: o.serialHex,
    validFrom: o.notBefore,
    validTill: o.notAfter,
    certificatePem: toPem(o.certDer, 'CERTIFICATE'),
  };
}
