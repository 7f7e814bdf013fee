import type {
  CertBundle,
  CertificateDetailsView,
  LogEntry,
  PendingRequestView,
} from '../../core/grid/types.js';
import { gridList, type GridRecord } from './envelope.js';
import {
  formatDate,
  formatDateTime,
  formatOrderId,
  formatRequestDate,
  formatSerial,
  formatValidity,
} from './format.js';

/** `certs`: certificate, intermediate, root and the PKCS#7 of all three, as PEM text. */
export function certsRecord(b: CertBundle): GridRecord {
  return {
    certificate: b.certificatePem,
    intermediate: b.intermediatePem,
    root: b.rootPem,
    pkcs7: b.pkcs7Pem,
  };
}

const sansList = (sans: readonly string[]) => gridList('san', sans);

/** One `request` of grid_list_pending_requests. */
export function pendingRequestRecord(r: PendingRequestView): GridRecord {
  return {
    request_details: {
      request_id: r.requestId,
      status: r.status,
      request_type: r.requestType,
      comments: r.comments,
      request_date: formatRequestDate(r.requestDate),
    },
    submitted_details: {
      product_name: r.productName,
      server_type: r.serverType,
      validity: formatValidity(r.validityYears),
      org_unit: r.orgUnit,
      common_name: r.commonName,
      sans: sansList(r.sans),
    },
  };
}

/** The return of grid_certificate_details. */
export function certificateDetailsRecord(d: CertificateDetailsView): GridRecord {
  return {
    order_details: { status: d.status, order_id: formatOrderId(d.orderId) },
    certificate_details: {
      product_name: d.productName,
      server_type: d.serverType,
      validity: formatValidity(d.validityYears),
      org_unit: d.orgUnit,
      common_name: d.commonName,
      sans: sansList(d.sans),
      serial_number: formatSerial(d.serialHex),
      valid_from: formatDate(d.validFrom),
      valid_till: formatDate(d.validTill),
      certificate: d.certificatePem,
    },
  };
}

/** One `log` of grid_retrieve_logs. */
export function logRecord(l: LogEntry): GridRecord {
  return {
    date_time: formatDateTime(l.dateTime),
    user_id: l.userId,
    user_name: l.userName,
    ip_address: l.ipAddress,
    ip_country: l.ipCountry,
    status: l.status,
    event: l.event,
    message: l.message,
  };
}
