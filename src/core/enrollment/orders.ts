/**
 * CertView enrollment and renewal orders (spec chapter 5): place, edit, approve / reject / cancel, view.
 *
 * SUBMITTED ──approve──> APPROVED (sent to the CA) ──CA issues──> ISSUED
 *     └──reject / cancel──> REJECTED / CANCELLED
 *
 * Every state change and its audit row are written together with a compare-and-set on the order's
 * status, so of two approvers acting at once exactly one decides. The CA is reached only through a
 * CaConnector. A generated private key is returned once and never stored.
 */
import { auditingFailures } from '../audit/index.js';
import { toPem } from '../ca/pem.js';
import { CertgridError } from '../errors.js';
import { acceptCsr } from '../grid/csr.js';
import type { CaConnector, ConnectorIntermediate } from './connector.js';
import { generateCsr } from './generate-csr.js';
import { findProduct, type Product } from './products.js';
import type { OrderRecord, OrderStatus, OrganizationRecord } from './repository.js';
import type {
  CaReference,
  EnrollmentDeps,
  FixedFields,
  OrderContext,
  OrderInput,
  OrderResult,
  StatusChange,
} from './types.js';

const DAY_MS = 86_400_000;
/** A renewal may be ordered once the certificate expires within this many days (spec: 60). */
export const RENEWAL_WINDOW_DAYS = 60;
/** Roles an approver must hold (spec: "manager, PKI admin or approvers"); a Super User holds every right. */
export const APPROVER_ROLES: ReadonlySet<string> = new Set([
  'Super User',
  'Manager',
  'PKI Admin',
  'Approver',
]);
/** Roles that may decide any order of their account, named as approver or not. */
const ACCOUNT_DECIDERS: ReadonlySet<string> = new Set(['Super User', 'Manager', 'PKI Admin']);
/** Readers only read. */
const ORDERING_ROLES: ReadonlySet<string> = new Set(['Super User', 'Manager', 'PKI Admin', 'Approver']);
const MAX_DNS_NAMES = 250;
const MAX_COMMENT = 1024;

export const ORDER_EVENTS = {
  create: 'create order',
  update: 'update order',
  approve: 'approve order',
  reject: 'reject order',
  cancel: 'cancel order',
  issue: 'order issued',
} as const;

const invalidValue = (field: string, value: unknown, why: string): CertgridError =>
  new CertgridError('INVALID_ARGUMENT', why, { field, data: { value: shown(value) } });

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

const denied = (why: string): CertgridError => new CertgridError('PERMISSION_DENIED', why);

// ---------------------------------------------------------------------------------------------
// CAs

interface ResolvedCa {
  readonly connector: CaConnector;
  readonly intermediate: ConnectorIntermediate;
}

const normSerial = (s: string): string =>
  s
    .replace(/[:\s]/g, '')
    .toUpperCase()
    .replace(/^(00)+(?=[0-9A-F])/, '');

/**
 * The issuing CA an `intermediateCA` reference names: every identifier given must match. A CA that no
 * connector issues from (an unknown one, a public CA in the inventory, certgrid's root) → 140004; one
 * whose connector has no key configured → 140005.
 */
export async function resolveCa(deps: EnrollmentDeps, ref: CaReference): Promise<ResolvedCa> {
  for (const connector of deps.connectors) {
    for (const intermediate of await connector.intermediates()) {
      if (ref.certhash !== undefined && ref.certhash.trim().toLowerCase() !== intermediate.certhash) continue;
      if (
        ref.commonName !== undefined &&
        ref.commonName.trim().toLowerCase() !== intermediate.name.toLowerCase()
      )
        continue;
      if (
        ref.serialNumber !== undefined &&
        normSerial(ref.serialNumber) !== normSerial(intermediate.serialHex)
      )
        continue;
      if (!(await connector.ready())) {
        throw new CertgridError(
          'CA_NOT_CONFIGURED',
          `The ${connector.name} connector of CA "${intermediate.name}" has no key configured.`,
          { field: 'intermediateCA' },
        );
      }
      return { connector, intermediate };
    }
  }
  throw new CertgridError('CA_NOT_SUPPORTED', 'Enrollment is not supported for this CA.', {
    field: 'intermediateCA',
  });
}

// ---------------------------------------------------------------------------------------------
// Rules

function requireRole(ctx: OrderContext, roles: ReadonlySet<string>, what: string): void {
  if (!roles.has(ctx.principal.role)) throw denied(`A ${ctx.principal.role} may not ${what}.`);
}

async function checkApprovers(
  deps: EnrollmentDeps,
  accountId: number,
  names: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const user = await deps.users.findUserByUsername(name);
    if (user === null || user.accountId !== accountId) {
      throw invalidValue('approverUserNames', name, 'no such user in this account');
    }
    if (!APPROVER_ROLES.has(user.role)) {
      throw invalidValue('approverUserNames', name, `a ${user.role} may not approve orders`);
    }
    if (!out.includes(user.username)) out.push(user.username);
  }
  return out;
}

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function checkName(field: string, raw: string, wildcardAllowed: boolean): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253 || !HOSTNAME.test(name)) {
    throw invalidValue(field, raw, 'not a valid DNS name');
  }
  if (name.startsWith('*.') && !wildcardAllowed) {
    throw invalidValue(field, raw, 'a wildcard name needs a wildcard product');
  }
  if (name.startsWith('*.') && !name.slice(2).includes('.')) {
    throw invalidValue(field, raw, 'a wildcard must cover a registered domain, not a top-level one');
  }
  return name;
}

/** The product's rules on names: one name, a wildcard common name, or several names. */
function checkNames(
  product: Product,
  input: OrderInput['certificate'],
): { commonName: string; dnsNames: string[] } {
  const wildcard = product.names === 'wildcard';
  const commonName = checkName('certificate.commonName', input.commonName, wildcard);
  if (wildcard && !commonName.startsWith('*.')) {
    throw invalidValue(
      'certificate.commonName',
      input.commonName,
      `product ${product.nameId} needs a wildcard name`,
    );
  }
  const given = input.dnsNames ?? [];
  if (product.names === 'single' && given.some((d) => d.trim().toLowerCase() !== commonName)) {
    throw invalidValue('certificate.dnsNames', given, `product ${product.nameId} covers one name only`);
  }
  if (given.length > MAX_DNS_NAMES) {
    throw invalidValue('certificate.dnsNames', given.length, `at most ${MAX_DNS_NAMES} names`);
  }
  const dnsNames: string[] = [];
  for (const d of given) {
    const name = checkName('certificate.dnsNames', d, wildcard || product.names === 'multi_domain');
    if (name !== commonName && !dnsNames.includes(name)) dnsNames.push(name);
  }
  if (product.profile === 'grid_host' && commonName.startsWith('*.')) {
    throw invalidValue('certificate.commonName', input.commonName, 'Grid host certificates name one host');
  }
  for (const ou of input.organizationUnits) {
    if (ou.trim() === '' || ou.length > 64)
      throw invalidValue('certificate.organizationUnits', ou, '1-64 characters');
  }
  return { commonName, dnsNames };
}

/** The certificate's end for the order's validity, counted from `from`; checked against the product and the CA. */
export function notAfterFor(
  validity: OrderInput['validity'],
  from: Date,
  product: Product,
  caNotAfter: Date,
): Date {
  let end: Date;
  let field: string;
  let value: unknown;
  if (validity.validityYears !== undefined) {
    field = 'validity.validityYears';
    value = validity.validityYears;
    if (!Number.isSafeInteger(value) || validity.validityYears < 1)
      throw invalidValue(field, value, 'a whole number of years, at least 1');
    end = new Date(from);
    end.setUTCFullYear(end.getUTCFullYear() + validity.validityYears);
  } else if (validity.validityDays !== undefined) {
    field = 'validity.validityDays';
    value = validity.validityDays;
    if (!Number.isSafeInteger(value) || validity.validityDays < 1)
      throw invalidValue(field, value, 'a whole number of days, at least 1');
    end = new Date(from.getTime() + validity.validityDays * DAY_MS);
  } else if (validity.customExpirationDate !== undefined) {
    field = 'validity.customExpirationDate';
    value = validity.customExpirationDate;
    // The certificate is valid through the whole day named (UTC).
    end = new Date(`${validity.customExpirationDate}T23:59:59Z`);
    if (Number.isNaN(end.getTime())) throw invalidValue(field, value, 'a date as YYYY-MM-DD');
    if (end.getTime() <= from.getTime()) throw invalidValue(field, value, 'must be in the future');
  } else {
    throw new CertgridError('MISSING_ARGUMENT', 'validity needs one value.', {
      field: 'validity',
      data: { names: ['validity.validityYears|validityDays|customExpirationDate'] },
    });
  }
  const days = (end.getTime() - from.getTime()) / DAY_MS;
  if (days > product.maxValidityDays) {
    throw invalidValue(
      field,
      value,
      `product ${product.nameId} allows at most ${product.maxValidityDays} days`,
    );
  }
  if (end.getTime() > caNotAfter.getTime()) {
    throw invalidValue(field, value, `ends after the issuing CA (${caNotAfter.toISOString().slice(0, 10)})`);
  }
  return end;
}

async function checkOrganization(
  deps: EnrollmentDeps,
  accountId: number,
  id: number,
  product: Product,
): Promise<OrganizationRecord> {
  const org = await deps.repo.findOrganization(accountId, id);
  if (org === null) throw invalidValue('digicertOrganizationId', id, 'no such organization in this account');
  if (!org.active) throw invalidValue('digicertOrganizationId', id, 'the organization is not active');
  if (product.validation === 'ev' && !org.evValidated) {
    throw invalidValue(
      'digicertOrganizationId',
      id,
      `the organization is not validated for EV (${product.nameId})`,
    );
  }
  return org;
}

async function checkEvApprovers(
  deps: EnrollmentDeps,
  accountId: number,
  product: Product,
  ids: readonly string[] | null,
): Promise<string[] | null> {
  if (product.validation !== 'ev') {
    if (ids !== null && ids.length > 0) {
      throw invalidValue('digicertEVApproverUserIds', ids, `product ${product.nameId} is not an EV product`);
    }
    return null;
  }
  if (ids === null || ids.length === 0) {
    throw new CertgridError('MISSING_ARGUMENT', 'EV products need EV approvers.', {
      field: 'digicertEVApproverUserIds',
      data: { names: ['digicertEVApproverUserIds'] },
    });
  }
  const known = new Set((await deps.repo.listEvApprovers(accountId)).map((a) => String(a.id)));
  for (const id of ids) {
    if (!known.has(String(id))) throw invalidValue('digicertEVApproverUserIds', id, 'no such EV approver');
  }
  return [...new Set(ids.map(String))];
}

/** The certificate a renewal replaces: a leaf of the account, not being renewed, expiring within 60 days. */
async function checkRenewal(deps: EnrollmentDeps, accountId: number, certhash: string): Promise<void> {
  const fail = (why: string): never => {
    throw new CertgridError('INVALID_RENEWAL', `Invalid renewal certificate: ${why}.`, {
      field: 'renewal.renewalOfCertificate',
    });
  };
  const hash = certhash.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) fail('not a certhash');
  const cert = await deps.inventory.findCertificate(accountId, hash);
  if (cert === null) return fail('certificate not found in inventory');
  if (cert.isCa || cert.certType !== 'Leaf') fail('certificate is not a leaf certificate');
  if (cert.orderStatus === 'IN_RENEWAL' || (await deps.repo.countOpenRenewals(accountId, hash)) > 0) {
    fail('certificate is already in the process of being renewed');
  }
  if (cert.validTo - deps.clock.now().getTime() > RENEWAL_WINDOW_DAYS * DAY_MS) {
    fail(`certificate is not going to expire in the next ${RENEWAL_WINDOW_DAYS} days`);
  }
}

function checkComment(comment: string, field = 'comment'): string {
  if (comment.length > MAX_COMMENT) throw invalidValue(field, comment, `at most ${MAX_COMMENT} characters`);
  return comment;
}

// ---------------------------------------------------------------------------------------------
// Building an order

interface Drafted {
  readonly fields: Omit<
    OrderRecord,
    | 'uuid'
    | 'accountId'
    | 'requesterUserId'
    | 'requesterUserName'
    | 'status'
    | 'caStatus'
    | 'caOrderId'
    | 'certhash'
    | 'decidedByUserName'
    | 'decisionComment'
    | 'created'
    | 'updated'
  >;
  readonly privateKeyPem: string | null;
}

/** Checks everything an order says and turns it into the stored fields (the CSR made here when asked). */
async function draft(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  input: OrderInput,
  ca: ResolvedCa,
): Promise<Drafted> {
  const accountId = ctx.principal.accountId;
  const approverUserNames = await checkApprovers(deps, accountId, input.approverUserNames);
  const product = findProduct(input.digicertProductNameId);
  if (product === undefined) {
    throw invalidValue('digicertProductNameId', input.digicertProductNameId, "not a product: see 'products'");
  }
  await checkOrganization(deps, accountId, input.digicertOrganizationId, product);
  const evApproverUserIds = await checkEvApprovers(deps, accountId, product, input.digicertEVApproverUserIds);
  const { commonName, dnsNames } = checkNames(product, input.certificate);
  notAfterFor(input.validity, deps.clock.now(), product, ca.intermediate.notAfter);
  const comment = checkComment(input.comment);

  let encodedCsr: string;
  let privateKeyPem: string | null = null;
  if (input.certificate.autoGenerateCSR) {
    const generated = await generateCsr({
      commonName,
      organizationUnits: input.certificate.organizationUnits,
      dnsNames,
    });
    encodedCsr = generated.csrPem;
    privateKeyPem = generated.privateKeyPem;
  } else {
    const csr = acceptOrderCsr(deps, input.certificate.encodedCSR ?? '');
    encodedCsr = toPem(csr.der, 'CERTIFICATE REQUEST');
  }
  return {
    fields: {
      approverUserNames,
      caId: ca.intermediate.caId,
      intermediateName: ca.intermediate.name,
      intermediateCerthash: ca.intermediate.certhash,
      commonName,
      organizationUnits: [...input.certificate.organizationUnits],
      signatureHash: input.certificate.signatureHash,
      encodedCsr,
      autoGeneratedCsr: input.certificate.autoGenerateCSR,
      dnsNames: input.certificate.dnsNames === null ? null : dnsNames,
      renewalOfCertificate: input.renewal?.renewalOfCertificate.trim().toLowerCase() ?? null,
      previousOrderId: input.renewal?.digicertPreviousOrderId ?? null,
      validityYears: input.validity.validityYears ?? null,
      validityDays: input.validity.validityDays ?? null,
      customExpirationDate: input.validity.customExpirationDate ?? null,
      organizationId: input.digicertOrganizationId,
      productNameId: product.nameId,
      evApproverUserIds,
      comment,
    },
    privateKeyPem,
  };
}

/** The CA's CSR checks (parse, signature, key strength, weak keys), reported against `encodedCSR`. */
function acceptOrderCsr(deps: EnrollmentDeps, text: string) {
  try {
    return acceptCsr(text, deps.weakKeys);
  } catch (e) {
    if (CertgridError.is(e) && (e.field === 'csr' || e.field === undefined)) {
      throw new CertgridError(e.code, e.message, {
        field: 'certificate.csr.encodedCSR',
        data: { ...e.data, value: shown(text.trim()) },
      });
    }
    throw e;
  }
}

function auditFor(
  ctx: OrderContext,
  event: string,
  message: string,
  status: 'successful' | 'failed' = 'successful',
) {
  return {
    accountId: ctx.principal.accountId,
    userId: ctx.principal.userId,
    userName: ctx.principal.username,
    ip: ctx.ip,
    status,
    event,
    message,
    origin: 'api' as const,
  };
}

/** Runs a use case; a coded failure is written to the audit log as a failed event, then rethrown. */
function audited<T>(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  event: string,
  fn: () => Promise<T>,
): Promise<T> {
  return auditingFailures(deps.audit, (message) => auditFor(ctx, event, message, 'failed'), fn);
}

function describe(o: OrderRecord): string {
  const names = [o.commonName, ...(o.dnsNames ?? [])].join(', ');
  const kind = o.renewalOfCertificate === null ? 'enrollment' : `renewal of ${o.renewalOfCertificate}`;
  return `Order ${o.uuid} (${kind}, ${o.productNameId}) for names: ${names}`;
}

// ---------------------------------------------------------------------------------------------
// Use cases

/**
 * POST …/orders. @throws CertgridError PERMISSION_DENIED (148100), CA_NOT_SUPPORTED (140004),
 * CA_NOT_CONFIGURED (140005), INVALID_ARGUMENT / MISSING_ARGUMENT / CSR_* (1905 / 1903),
 * INVALID_RENEWAL (140006), LICENCES_EXHAUSTED (148101).
 */
export function createOrder(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  input: OrderInput,
): Promise<OrderResult> {
  return audited(deps, ctx, ORDER_EVENTS.create, async () => {
    requireRole(ctx, ORDERING_ROLES, 'place certificate orders');
    const ca = await resolveCa(deps, input.intermediateCA);
    // Before the draft, which may generate a key pair for nothing.
    if (input.renewal !== null) {
      await checkRenewal(deps, ctx.principal.accountId, input.renewal.renewalOfCertificate);
    }
    const { fields, privateKeyPem } = await draft(deps, ctx, input, ca);
    const now = deps.clock.now();
    const order: OrderRecord = {
      ...fields,
      uuid: deps.newUuid(),
      accountId: ctx.principal.accountId,
      requesterUserId: ctx.principal.userId,
      requesterUserName: ctx.principal.username,
      status: 'SUBMITTED',
      caStatus: '',
      caOrderId: null,
      certhash: null,
      decidedByUserName: null,
      decisionComment: '',
      created: now,
      updated: now,
    };
    const licences = await deps.repo.getOrderLicences(ctx.principal.accountId);
    const placed = await deps.repo.insertOrder(
      order,
      deps.audit.toRecord(auditFor(ctx, ORDER_EVENTS.create, describe(order))),
      licences,
    );
    if (!placed) {
      throw new CertgridError(
        'LICENCES_EXHAUSTED',
        `The account's ${licences ?? 0} order licences are all in use.`,
      );
    }
    if (order.renewalOfCertificate !== null) {
      await deps.inventory.setOrderStatus(order.accountId, order.renewalOfCertificate, 'IN_RENEWAL');
    }
    return { order, privateKeyPem };
  });
}

async function requireOrder(deps: EnrollmentDeps, ctx: OrderContext, uuid: string): Promise<OrderRecord> {
  const order = /^[0-9a-f-]{36}$/i.test(uuid)
    ? await deps.repo.findOrder(ctx.principal.accountId, uuid.toLowerCase())
    : null;
  if (order === null) {
    throw new CertgridError('NOT_FOUND', `No certificate order ${shown(uuid)} in this account.`, {
      field: 'uuid',
    });
  }
  return order;
}

const notEditable = (o: OrderRecord): CertgridError =>
  new CertgridError('REQUEST_NOT_PENDING', `Order ${o.uuid} is ${o.status} and can no longer be changed.`);

/** The response's date format (`2020-09-01T08:54:50.473+0000`), for comparing a repeated `created`. */
export function orderDate(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

function checkFixedFields(order: OrderRecord, fixed: FixedFields): void {
  const current: Record<keyof FixedFields, string> = {
    uuid: order.uuid,
    requesterUserName: order.requesterUserName,
    status: order.status,
    caStatus: order.caStatus,
    created: orderDate(order.created),
    updated: orderDate(order.updated),
  };
  for (const key of Object.keys(current) as (keyof FixedFields)[]) {
    const given = fixed[key];
    if (given === undefined) continue;
    // `updated` moves with every edit: a client echoing a stale copy is not changing it.
    if (key === 'updated') continue;
    if (String(given) !== current[key]) {
      throw new CertgridError('FIELD_NOT_EDITABLE', `${key} is not editable.`, { field: key });
    }
  }
}

/**
 * PUT …/orders/{uuid}: the order's fields replaced by the body's, checked as at creation. Only its
 * requester or an account-wide decider may edit it, only while SUBMITTED (1920 after), never across
 * enrollment ↔ renewal (140007), and never to another CA or another certificate to renew (140002).
 */
export function updateOrder(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  uuid: string,
  input: OrderInput,
  fixed: FixedFields = {},
): Promise<OrderResult> {
  return audited(deps, ctx, ORDER_EVENTS.update, async () => {
    requireRole(ctx, ORDERING_ROLES, 'edit certificate orders');
    const order = await requireOrder(deps, ctx, uuid);
    if (order.requesterUserId !== ctx.principal.userId && !ACCOUNT_DECIDERS.has(ctx.principal.role)) {
      throw denied('Only the requester or a Manager or PKI Admin may edit an order.');
    }
    if (order.status !== 'SUBMITTED') throw notEditable(order);
    if ((order.renewalOfCertificate === null) !== (input.renewal === null)) {
      throw new CertgridError(
        'ORDER_TYPE_NOT_EDITABLE',
        'An enrollment cannot become a renewal or the reverse.',
        {
          field: 'renewal',
        },
      );
    }
    if (
      input.renewal !== null &&
      input.renewal.renewalOfCertificate.trim().toLowerCase() !== order.renewalOfCertificate
    ) {
      throw new CertgridError('FIELD_NOT_EDITABLE', 'renewal.renewalOfCertificate is not editable.', {
        field: 'renewal.renewalOfCertificate',
      });
    }
    checkFixedFields(order, fixed);
    const ca = await resolveCa(deps, input.intermediateCA);
    if (ca.intermediate.caId !== order.caId) {
      throw new CertgridError('FIELD_NOT_EDITABLE', 'intermediateCA is not editable.', {
        field: 'intermediateCA',
      });
    }
    const { fields, privateKeyPem } = await draft(deps, ctx, input, ca);
    const next: OrderRecord = { ...order, ...fields, updated: deps.clock.now() };
    const ok = await deps.repo.updateOrder(order, next, [
      deps.audit.toRecord(auditFor(ctx, ORDER_EVENTS.update, describe(next))),
    ]);
    if (!ok) throw notEditable((await deps.repo.findOrder(order.accountId, order.uuid)) ?? order);
    return { order: next, privateKeyPem };
  });
}

/** GET …/orders/{uuid}, refreshing `caStatus` from the CA while the order waits for it. */
export async function viewOrder(deps: EnrollmentDeps, ctx: OrderContext, uuid: string): Promise<OrderRecord> {
  const order = await requireOrder(deps, ctx, uuid);
  if (order.status === 'APPROVED' && order.caOrderId !== null) return (await pollCa(deps, order)) ?? order;
  return order;
}

/**
 * PUT …/orders/{uuid}/status. APPROVED sends the order to its CA at once; REJECTED and CANCELLED end
 * it. Deciders: an approver the order names (holding an approver role now), or any Manager, PKI Admin
 * or Super User of the account; the requester may also cancel their own order. Only a SUBMITTED
 * order changes status (an approved one is with the CA: 1920).
 */
export function changeOrderStatus(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  uuid: string,
  change: { readonly status: StatusChange; readonly comment: string },
): Promise<OrderRecord> {
  const event =
    change.status === 'APPROVED'
      ? ORDER_EVENTS.approve
      : change.status === 'REJECTED'
        ? ORDER_EVENTS.reject
        : ORDER_EVENTS.cancel;
  return audited(deps, ctx, event, async () => {
    const comment = checkComment(change.comment);
    const order = await requireOrder(deps, ctx, uuid);
    const named =
      order.approverUserNames.includes(ctx.principal.username) && APPROVER_ROLES.has(ctx.principal.role);
    const cancelsOwn = change.status === 'CANCELLED' && order.requesterUserId === ctx.principal.userId;
    if (!named && !ACCOUNT_DECIDERS.has(ctx.principal.role) && !cancelsOwn) {
      throw denied(
        `${ctx.principal.username} may not ${change.status === 'APPROVED' ? 'approve' : change.status === 'REJECTED' ? 'reject' : 'cancel'} this order.`,
      );
    }
    if (order.status !== 'SUBMITTED') throw notEditable(order);
    const now = deps.clock.now();
    const decided: OrderRecord = {
      ...order,
      status: change.status,
      decidedByUserName: ctx.principal.username,
      decisionComment: comment,
      updated: now,
    };
    if (change.status !== 'APPROVED') {
      const ok = await deps.repo.updateOrder(order, decided, [
        deps.audit.toRecord(auditFor(ctx, event, `${describe(order)}: ${change.status}. ${comment}`)),
      ]);
      if (!ok) throw notEditable((await deps.repo.findOrder(order.accountId, order.uuid)) ?? order);
      // The certificate it would have renewed is free to be renewed again.
      if (order.renewalOfCertificate !== null) {
        await deps.inventory.setOrderStatus(order.accountId, order.renewalOfCertificate, '');
      }
      return decided;
    }
    return approve(deps, ctx, order, decided);
  });
}

async function approve(
  deps: EnrollmentDeps,
  ctx: OrderContext,
  order: OrderRecord,
  decided: OrderRecord,
): Promise<OrderRecord> {
  const ca = await resolveCa(deps, { certhash: order.intermediateCerthash });
  const product = findProduct(order.productNameId);
  if (product === undefined)
    throw new CertgridError('INTERNAL', `Order ${order.uuid} names an unknown product.`);
  const now = decided.updated;
  // Checked again now: the key may have been listed as weak, the CA may be nearer its end.
  const csr = acceptOrderCsr(deps, order.encodedCsr);
  const notAfter = notAfterFor(
    {
      validityYears: order.validityYears ?? undefined,
      validityDays: order.validityDays ?? undefined,
      customExpirationDate: order.customExpirationDate ?? undefined,
    },
    now,
    product,
    ca.intermediate.notAfter,
  );
  const org =
    product.profile === 'tls_server'
      ? await deps.repo.findOrganization(order.accountId, order.organizationId)
      : null;
  const approved: OrderRecord = { ...decided, caStatus: 'pending' };
  const ok = await deps.repo.updateOrder(order, approved, [
    deps.audit.toRecord(
      auditFor(ctx, ORDER_EVENTS.approve, `${describe(order)}: APPROVED. ${decided.decisionComment}`),
    ),
  ]);
  if (!ok) throw notEditable((await deps.repo.findOrder(order.accountId, order.uuid)) ?? order);

  let result;
  try {
    result = await ca.connector.submit({
      accountId: order.accountId,
      orderUuid: order.uuid,
      requesterUserId: order.requesterUserId,
      caId: ca.intermediate.caId,
      productNameId: product.nameId,
      profile: product.profile,
      commonName: order.commonName,
      dnsNames: order.dnsNames ?? [],
      organizationUnits: order.organizationUnits,
      ...(org === null
        ? {}
        : {
            organization: { name: org.name, country: org.country, state: org.state, locality: org.locality },
            ...(product.validation === 'ev'
              ? {
                  ev: {
                    jurisdictionCountry: org.jurisdictionCountry,
                    jurisdictionState: org.jurisdictionState,
                    jurisdictionLocality: org.jurisdictionLocality,
                    businessCategory: org.businessCategory,
                    registrationNumber: org.registrationNumber,
                  },
                }
              : {}),
          }),
      spkiDer: csr.spkiDer,
      signatureHash: order.signatureHash,
      notBefore: now,
      notAfter,
    });
  } catch (e) {
    // The order stays APPROVED with the CA's failure as its caStatus; the operator sees why in the log.
    deps.logger.error({ err: e, order: order.uuid }, 'enrollment: the CA refused an approved order');
    const failed: OrderRecord = { ...approved, caStatus: 'failed', updated: deps.clock.now() };
    await deps.repo.updateOrder(approved, failed, [
      deps.audit.toRecord(
        auditFor(
          ctx,
          ORDER_EVENTS.issue,
          `${describe(order)}: the CA refused it: ${CertgridError.is(e) ? e.message : 'internal error'}`,
          'failed',
        ),
      ),
    ]);
    return failed;
  }
  const sent: OrderRecord = {
    ...approved,
    caOrderId: result.caOrderId,
    caStatus: result.caStatus,
    updated: deps.clock.now(),
  };
  return (await settle(deps, approved, sent, result.certificate)) ?? sent;
}

/** Records what the CA answered; once the certificate exists the order is ISSUED and the inventory knows it. */
async function settle(
  deps: EnrollmentDeps,
  expected: OrderRecord,
  next: OrderRecord,
  certificate: { readonly certhash: string } | undefined,
): Promise<OrderRecord | null> {
  const status: OrderStatus = certificate === undefined ? next.status : 'ISSUED';
  const final: OrderRecord = { ...next, status, certhash: certificate?.certhash ?? null };
  const audit =
    status === 'ISSUED'
      ? [
          deps.audit.toRecord({
            accountId: final.accountId,
            userId: null,
            userName: '',
            ip: '',
            status: 'successful',
            event: ORDER_EVENTS.issue,
            message: `${describe(final)}: ISSUED by the CA as order ${final.caOrderId}, certificate ${final.certhash}`,
            origin: 'api',
          }),
        ]
      : [];
  if (!(await deps.repo.updateOrder(expected, final, audit))) return null;
  if (certificate !== undefined) {
    await deps.inventory.recordIssued();
    await deps.inventory.setOrderStatus(final.accountId, certificate.certhash, 'ISSUED');
    if (final.renewalOfCertificate !== null) {
      await deps.inventory.setOrderStatus(final.accountId, final.renewalOfCertificate, 'RENEWED');
    }
  }
  return final;
}

/** Asks the CA about an order it has not issued yet; the new state, or null when nothing changed. */
async function pollCa(deps: EnrollmentDeps, order: OrderRecord): Promise<OrderRecord | null> {
  const connector = (
    await Promise.all(deps.connectors.map(async (c) => ({ c, ids: await c.intermediates() })))
  ).find(({ ids }) => ids.some((i) => i.caId === order.caId))?.c;
  if (connector === undefined || order.caOrderId === null) return null;
  const result = await connector.status(order.accountId, order.caOrderId);
  if (result.caStatus === order.caStatus && result.certificate === undefined) return null;
  return settle(
    deps,
    order,
    { ...order, caStatus: result.caStatus, updated: deps.clock.now() },
    result.certificate,
  );
}

/** Orders approved but not yet issued, asked about again (a server calls this on a timer). */
export async function pollAwaitingCa(deps: EnrollmentDeps, limit = 100): Promise<number> {
  let changed = 0;
  for (const order of await deps.repo.listAwaitingCa(limit)) {
    try {
      if ((await pollCa(deps, order)) !== null) changed++;
    } catch (e) {
      deps.logger.warn({ err: e, order: order.uuid }, 'enrollment: CA status poll failed');
    }
  }
  return changed;
}
