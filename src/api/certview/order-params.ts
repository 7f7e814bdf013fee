/**
 * Reading chapter 5 request bodies (create / update order, status change, the CA reference of the
 * catalogue endpoints) into the core's inputs, with the errors a wrong shape earns: 1903 missing (all
 * missing names at once), 1904 more than one validity, 1905 a wrong type or value, 1907
 * `autoGenerateCSR: true` with an `encodedCSR`, 1922 a CA reference naming nothing, 140001 not a JSON
 * object. Rules about what the values mean (users, CAs, products, renewals) are the core's.
 */
import type {
  CaReference,
  FixedFields,
  OrderInput,
  OrderSignatureHash,
  StatusChange,
} from '../../core/enrollment/index.js';
import { ORDER_SIGNATURE_HASHES } from '../../core/enrollment/index.js';
import {
  atLeastOneOf,
  invalidParameter,
  missingParameters,
  onlyOneOf,
  unsupportedCombination,
  type CertviewError,
} from './errors.js';
import { bodyObject, type Body } from './params.js';

const absent = (v: unknown): boolean => v === undefined || v === null;
const blank = (v: unknown): boolean => absent(v) || (typeof v === 'string' && v.trim() === '');

function objectAt(body: Body, field: string, path: string): Body | undefined {
  const v = body[field];
  if (absent(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw invalidParameter(path, JSON.stringify(v), 'must be an object');
  return v as Body;
}

function stringAt(body: Body, field: string, path: string): string | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw invalidParameter(path, JSON.stringify(v), 'must be a string');
  return String(v).trim();
}

function integerAt(body: Body, field: string, path: string): number | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParameter(path, JSON.stringify(v), 'must be a whole number');
  return n;
}

function stringListAt(body: Body, field: string, path: string): string[] | undefined {
  const v = body[field];
  if (absent(v)) return undefined;
  if (
    !Array.isArray(v) ||
    !v.every((x) => (typeof x === 'string' && x.trim() !== '') || typeof x === 'number')
  ) {
    throw invalidParameter(path, JSON.stringify(v), 'must be a list of strings');
  }
  return v.map((x) => String(x).trim());
}

function booleanAt(body: Body, field: string, path: string): boolean | undefined {
  const v = body[field];
  if (absent(v)) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalidParameter(path, JSON.stringify(v), 'must be true or false');
}

function signatureHash(v: string, path: string): OrderSignatureHash {
  const canonical = v.toUpperCase().replace(/^SHA-?/, 'SHA-');
  const hash = ORDER_SIGNATURE_HASHES.find((h) => h === canonical);
  if (hash === undefined)
    throw invalidParameter(path, v, `must be one of ${ORDER_SIGNATURE_HASHES.join(', ')}`);
  return hash;
}

/** `YYYY-MM-DD`, or an ISO 8601 date-time whose date is taken. */
function expirationDate(v: string, path: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  const day = m?.[1];
  if (
    day === undefined ||
    Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
    new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
  ) {
    throw invalidParameter(path, v, 'must be a date as YYYY-MM-DD');
  }
  return day;
}

/** An `intermediateCA` object, or the catalogue endpoints' body: certhash, commonName, serialNumber. */
export function caReference(body: Body, prefix = ''): CaReference {
  const ref = {
    certhash: stringAt(body, 'certhash', `${prefix}certhash`),
    commonName: stringAt(body, 'commonName', `${prefix}commonName`),
    serialNumber: stringAt(body, 'serialNumber', `${prefix}serialNumber`),
  };
  if (ref.certhash === undefined && ref.commonName === undefined && ref.serialNumber === undefined) {
    throw atLeastOneOf([`${prefix}certhash`, `${prefix}commonName`, `${prefix}serialNumber`]);
  }
  return ref;
}

/** The body of the organizations, products and evApprovers endpoints. */
export function catalogQuery(raw: unknown): CaReference {
  return caReference(bodyObject(raw));
}

/** The create / update body. */
export function orderInput(raw: unknown): { input: OrderInput; fixed: FixedFields } {
  const body = bodyObject(raw);
  const missing: string[] = [];
  const need = <T>(value: T | undefined, name: string): T | undefined => {
    if (value === undefined) missing.push(name);
    return value;
  };
  let firstError: CertviewError | undefined;
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (e) {
      firstError ??= e as CertviewError;
      return undefined;
    }
  };

  const approvers = need(
    attempt(() => stringListAt(body, 'approverUserNames', 'approverUserNames')),
    'approverUserNames',
  );
  if (approvers !== undefined && approvers.length === 0) missing.push('approverUserNames');
  const ca = need(
    attempt(() => objectAt(body, 'intermediateCA', 'intermediateCA')),
    'intermediateCA',
  );
  const cert = need(
    attempt(() => objectAt(body, 'certificate', 'certificate')),
    'certificate',
  );
  const commonName =
    cert &&
    need(
      attempt(() => stringAt(cert, 'commonName', 'certificate.commonName')),
      'certificate.commonName',
    );
  const csr =
    cert &&
    need(
      attempt(() => objectAt(cert, 'csr', 'certificate.csr')),
      'certificate.csr',
    );
  const hash =
    cert &&
    need(
      attempt(() => stringAt(cert, 'signatureHash', 'certificate.signatureHash')),
      'certificate.signatureHash',
    );
  const validity = need(
    attempt(() => objectAt(body, 'validity', 'validity')),
    'validity',
  );
  const orgId = need(
    attempt(() => integerAt(body, 'digicertOrganizationId', 'digicertOrganizationId')),
    'digicertOrganizationId',
  );
  const productField =
    blank(body.digicertProductNameId) && !blank(body.digicertProductId)
      ? 'digicertProductId'
      : 'digicertProductNameId';
  const product = need(
    attempt(() => stringAt(body, productField, productField)),
    'digicertProductNameId',
  );

  let autoGenerate: boolean | undefined;
  let encodedCSR: string | undefined;
  if (csr !== undefined) {
    autoGenerate = attempt(() => booleanAt(csr, 'autoGenerateCSR', 'certificate.csr.autoGenerateCSR'));
    encodedCSR = attempt(() => stringAt(csr, 'encodedCSR', 'certificate.csr.encodedCSR'));
    if (autoGenerate !== true && encodedCSR === undefined) missing.push('certificate.csr.encodedCSR');
  }
  const validityKeys = ['validityYears', 'validityDays', 'customExpirationDate'] as const;
  const validityGiven = validity === undefined ? [] : validityKeys.filter((k) => !blank(validity[k]));
  if (validity !== undefined && validityGiven.length === 0)
    missing.push(...validityKeys.map((k) => `validity.${k}`));

  if (missing.length > 0) throw missingParameters(missing);
  if (firstError !== undefined) throw firstError;
  if (validityGiven.length > 1) throw onlyOneOf(validityGiven.map((k) => `validity.${k}`));
  if (autoGenerate === true && encodedCSR !== undefined) {
    throw unsupportedCombination({ autoGenerateCSR: true, encodedCSR });
  }

  const renewalBody = objectAt(body, 'renewal', 'renewal');
  let renewal: OrderInput['renewal'] = null;
  if (renewalBody !== undefined) {
    const of = stringAt(renewalBody, 'renewalOfCertificate', 'renewal.renewalOfCertificate');
    if (of === undefined) throw missingParameters(['renewal.renewalOfCertificate']);
    renewal = {
      renewalOfCertificate: of,
      digicertPreviousOrderId:
        integerAt(renewalBody, 'digicertPreviousOrderId', 'renewal.digicertPreviousOrderId') ?? null,
    };
  }
  const v = validity as Body;
  const input: OrderInput = {
    approverUserNames: approvers as string[],
    intermediateCA: caReference(ca as Body, 'intermediateCA.'),
    certificate: {
      commonName: commonName as string,
      autoGenerateCSR: autoGenerate === true,
      encodedCSR,
      organizationUnits:
        stringListAt(cert as Body, 'organizationUnits', 'certificate.organizationUnits') ?? [],
      signatureHash: signatureHash(hash as string, 'certificate.signatureHash'),
      dnsNames: stringListAt(cert as Body, 'dnsNames', 'certificate.dnsNames') ?? null,
    },
    renewal,
    validity: {
      validityYears: integerAt(v, 'validityYears', 'validity.validityYears'),
      validityDays: integerAt(v, 'validityDays', 'validity.validityDays'),
      customExpirationDate: (() => {
        const d = stringAt(v, 'customExpirationDate', 'validity.customExpirationDate');
        return d === undefined ? undefined : expirationDate(d, 'validity.customExpirationDate');
      })(),
    },
    digicertOrganizationId: orgId as number,
    digicertProductNameId: product as string,
    digicertEVApproverUserIds:
      stringListAt(body, 'digicertEVApproverUserIds', 'digicertEVApproverUserIds') ?? null,
    comment: stringAt(body, 'comment', 'comment') ?? '',
  };
  const fixed: FixedFields = {
    uuid: body.uuid ?? undefined,
    requesterUserName: body.requesterUserName ?? undefined,
    status: body.status ?? undefined,
    caStatus: body.caStatus ?? undefined,
    created: body.created ?? undefined,
    updated: body.updated ?? undefined,
  };
  return { input, fixed };
}

const STATUS_CHANGES: readonly StatusChange[] = ['APPROVED', 'CANCELLED', 'REJECTED'];

/** The status body: `status` (APPROVED | CANCELLED | REJECTED) and a required `comment`. */
export function statusChange(raw: unknown): { status: StatusChange; comment: string } {
  const body = bodyObject(raw);
  const status = stringAt(body, 'status', 'status');
  const comment = stringAt(body, 'comment', 'comment');
  const missing = [status === undefined ? 'status' : '', comment === undefined ? 'comment' : ''].filter(
    Boolean,
  );
  if (missing.length > 0) throw missingParameters(missing);
  const s = STATUS_CHANGES.find((c) => c === (status as string).toUpperCase());
  if (s === undefined)
    throw invalidParameter('status', status, `must be one of ${STATUS_CHANGES.join(', ')}`);
  return { status: s, comment: comment as string };
}
