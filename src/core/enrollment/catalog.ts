/**
 * What an account's enrollment orders may name, as an operator manages it: validated organisations
 * (`digicertOrganizationId`), EV approvers (`digicertEVApproverUserIds`), the product catalogue
 * (`digicertProductNameId`) and the account's order licences.
 *
 * @example
 *   const catalog = createEnrollmentCatalog({ repo: repos.enrollment, clock: systemClock });
 *   const org = await catalog.createOrganization(accountId, { name: 'Acme, Inc', country: 'US' });
 *   // org.id is the digicertOrganizationId the account's orders name
 */
import type { Clock } from '../deps.js';
import { invalid, missing, notFound } from '../errors.js';
import { PRODUCTS, type Product } from './products.js';
import type {
  EnrollmentRepository,
  EvApproverRecord,
  NewEvApprover,
  NewOrganization,
  OrganizationRecord,
} from './repository.js';

export interface CatalogDeps {
  readonly repo: EnrollmentRepository;
  readonly clock: Clock;
}

/** The EV Guidelines' subject business categories (CA/Browser Forum EV Guidelines §7.1.4.2.3). */
export const BUSINESS_CATEGORIES = [
  'Private Organization',
  'Government Entity',
  'Business Entity',
  'Non-Commercial Entity',
] as const;
export type BusinessCategory = (typeof BUSINESS_CATEGORIES)[number];

/** An organisation as an operator enters it; omitted optional fields are empty. */
export interface OrganizationInput {
  readonly name: string;
  readonly assumedName?: string | null | undefined;
  /** ISO 3166-1 alpha-2, uppercase. */
  readonly country: string;
  readonly state?: string | undefined;
  readonly locality?: string | undefined;
  /** EV-validated: jurisdictionCountry, businessCategory and registrationNumber are then required. */
  readonly evValidated?: boolean | undefined;
  readonly jurisdictionCountry?: string | undefined;
  readonly jurisdictionState?: string | undefined;
  readonly jurisdictionLocality?: string | undefined;
  readonly businessCategory?: string | undefined;
  readonly registrationNumber?: string | undefined;
}

export interface EvApproverInput {
  readonly firstName: string;
  readonly lastName: string;
  readonly email?: string | undefined;
}

// Upper bounds of X.520 attributes (RFC 5280 Appendix A.1): the organisation's data becomes the
// certificate's subject, so what does not fit there is refused here rather than at issuance.
const UB_ORGANIZATION_NAME = 64;
const UB_STATE_NAME = 128;
const UB_LOCALITY_NAME = 128;
const UB_NAME_PART = 64;
const UB_REGISTRATION_NUMBER = 64;
const UB_EMAIL = 254;
const COUNTRY = /^[A-Z]{2}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A trimmed text field: '' when absent; refused when longer than `max` or holding control characters. */
function text(field: string, value: string | null | undefined, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(field, 'must be text');
  const v = value.trim();
  if (CONTROL.test(v)) throw invalid(field, 'must not contain control characters');
  if ([...v].length > max) throw invalid(field, `at most ${max} characters`);
  return v;
}

function required(field: string, value: string | null | undefined, max: number): string {
  const v = text(field, value, max);
  if (v === '') throw missing(field);
  return v;
}

function country(field: string, value: string | undefined): string {
  const v = text(field, value, UB_NAME_PART);
  if (v === '') throw missing(field);
  if (!COUNTRY.test(v)) throw invalid(field, 'two uppercase letters (ISO 3166-1 alpha-2), e.g. US');
  return v;
}

function businessCategory(value: string | undefined): BusinessCategory {
  const v = text('businessCategory', value, 64);
  if (v === '') throw missing('businessCategory');
  const found = BUSINESS_CATEGORIES.find((c) => c.toLowerCase() === v.toLowerCase());
  if (found === undefined) throw invalid('businessCategory', `one of ${BUSINESS_CATEGORIES.join(', ')}`);
  return found;
}

function positiveId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id < 1) throw invalid(field, 'a positive whole number');
  return id;
}

/**
 * Checks and normalises an organisation (trimmed text, canonical business category).
 * @throws CertgridError MISSING_ARGUMENT / INVALID_ARGUMENT fields `name`, `assumedName`, `country`,
 *   `state`, `locality`, `jurisdictionCountry`, `jurisdictionState`, `jurisdictionLocality`,
 *   `businessCategory`, `registrationNumber`.
 */
export function checkOrganization(input: OrganizationInput): NewOrganization {
  const name = required('name', input.name, UB_ORGANIZATION_NAME);
  const assumedName = text('assumedName', input.assumedName, UB_ORGANIZATION_NAME);
  const base = {
    name,
    assumedName: assumedName === '' ? null : assumedName,
    country: country('country', input.country),
    state: text('state', input.state, UB_STATE_NAME),
    locality: text('locality', input.locality, UB_LOCALITY_NAME),
  };
  if (input.evValidated !== true) {
    // EV data on an organisation that is not EV-validated is a mistake (a forgotten --ev), not data to keep.
    for (const field of [
      'jurisdictionCountry',
      'jurisdictionState',
      'jurisdictionLocality',
      'businessCategory',
      'registrationNumber',
    ] as const) {
      const v = input[field];
      if (v !== undefined && String(v).trim() !== '') {
        throw invalid(field, 'applies only to an EV-validated organization (evValidated)');
      }
    }
    return {
      ...base,
      evValidated: false,
      jurisdictionCountry: '',
      jurisdictionState: '',
      jurisdictionLocality: '',
      businessCategory: '',
      registrationNumber: '',
    };
  }
  return {
    ...base,
    evValidated: true,
    jurisdictionCountry: country('jurisdictionCountry', input.jurisdictionCountry),
    jurisdictionState: text('jurisdictionState', input.jurisdictionState, UB_STATE_NAME),
    jurisdictionLocality: text('jurisdictionLocality', input.jurisdictionLocality, UB_LOCALITY_NAME),
    businessCategory: businessCategory(input.businessCategory),
    registrationNumber: required('registrationNumber', input.registrationNumber, UB_REGISTRATION_NUMBER),
  };
}

/**
 * Adds a validated organisation to an account; it starts active.
 * @throws CertgridError as checkOrganization.
 */
export async function createOrganization(
  deps: CatalogDeps,
  accountId: number,
  input: OrganizationInput,
): Promise<OrganizationRecord> {
  const org = checkOrganization(input);
  const created = deps.clock.now();
  const id = await deps.repo.insertOrganization(accountId, org, created);
  return { ...org, id, accountId, active: true, created };
}

/** The account's organisations, oldest first, active or not. */
export function listOrganizations(deps: CatalogDeps, accountId: number): Promise<OrganizationRecord[]> {
  return deps.repo.listOrganizations(accountId);
}

/** One of the account's organisations, or null (another account's id reads as null too). */
export function findOrganization(
  deps: CatalogDeps,
  accountId: number,
  id: number,
): Promise<OrganizationRecord | null> {
  return deps.repo.findOrganization(accountId, id);
}

/**
 * Activates or deactivates an organisation: new orders may name only active ones; existing orders keep theirs.
 * @throws CertgridError INVALID_ARGUMENT field `id`; NOT_FOUND field `organization`.
 */
export async function setOrganizationActive(
  deps: CatalogDeps,
  accountId: number,
  id: number,
  active: boolean,
): Promise<OrganizationRecord> {
  positiveId('id', id);
  if (!(await deps.repo.setOrganizationActive(accountId, id, active))) throw notFound('organization');
  const org = await deps.repo.findOrganization(accountId, id);
  if (org === null) throw notFound('organization');
  return org;
}

/** @throws CertgridError as setOrganizationActive. */
export const activateOrganization = (deps: CatalogDeps, accountId: number, id: number) =>
  setOrganizationActive(deps, accountId, id, true);

/** @throws CertgridError as setOrganizationActive. */
export const deactivateOrganization = (deps: CatalogDeps, accountId: number, id: number) =>
  setOrganizationActive(deps, accountId, id, false);

/**
 * Checks and normalises an EV approver (trimmed names; the e-mail address is optional).
 * @throws CertgridError MISSING_ARGUMENT / INVALID_ARGUMENT fields `firstName`, `lastName`, `email`.
 */
export function checkEvApprover(input: EvApproverInput): NewEvApprover {
  const email = text('email', input.email, UB_EMAIL);
  if (email !== '' && !EMAIL.test(email)) throw invalid('email', 'an e-mail address, e.g. jane@example.com');
  return {
    firstName: required('firstName', input.firstName, UB_NAME_PART),
    lastName: required('lastName', input.lastName, UB_NAME_PART),
    email,
  };
}

/**
 * Adds a person who may approve the account's EV orders.
 * @throws CertgridError as checkEvApprover.
 */
export async function addEvApprover(
  deps: CatalogDeps,
  accountId: number,
  input: EvApproverInput,
): Promise<EvApproverRecord> {
  const approver = checkEvApprover(input);
  const created = deps.clock.now();
  const id = await deps.repo.insertEvApprover(accountId, approver, created);
  return { ...approver, id, accountId, created };
}

/** The account's EV approvers, oldest first. */
export function listEvApprovers(deps: CatalogDeps, accountId: number): Promise<EvApproverRecord[]> {
  return deps.repo.listEvApprovers(accountId);
}

/**
 * Removes an EV approver; orders that named them keep the id they were placed with.
 * @throws CertgridError INVALID_ARGUMENT field `id`; NOT_FOUND field `evApprover`.
 */
export async function removeEvApprover(deps: CatalogDeps, accountId: number, id: number): Promise<void> {
  positiveId('id', id);
  if (!(await deps.repo.deleteEvApprover(accountId, id))) throw notFound('evApprover');
}

/** How many open or issued orders the account may hold; null: no limit. */
export function getOrderLicences(deps: CatalogDeps, accountId: number): Promise<number | null> {
  return deps.repo.getOrderLicences(accountId);
}

/**
 * Sets the account's order licences: a whole number ≥ 0, or null for no limit. Lowering it below
 * the orders already held refuses new orders until enough are rejected or cancelled; it revokes nothing.
 * @throws CertgridError INVALID_ARGUMENT field `orderLicences`.
 */
export async function setOrderLicences(
  deps: CatalogDeps,
  accountId: number,
  licences: number | null,
): Promise<number | null> {
  if (licences !== null && (!Number.isSafeInteger(licences) || licences < 0)) {
    throw invalid('orderLicences', 'a whole number of 0 or more, or unlimited');
  }
  await deps.repo.setOrderLicences(accountId, licences);
  return licences;
}

/** The products orders may name (the same for every account). */
export function listProducts(): readonly Product[] {
  return PRODUCTS;
}

/** The catalogue bound to its dependencies, as the composition root hands it to the adapters. */
export interface EnrollmentCatalog {
  createOrganization(accountId: number, input: OrganizationInput): Promise<OrganizationRecord>;
  listOrganizations(accountId: number): Promise<OrganizationRecord[]>;
  findOrganization(accountId: number, id: number): Promise<OrganizationRecord | null>;
  activateOrganization(accountId: number, id: number): Promise<OrganizationRecord>;
  deactivateOrganization(accountId: number, id: number): Promise<OrganizationRecord>;
  addEvApprover(accountId: number, input: EvApproverInput): Promise<EvApproverRecord>;
  listEvApprovers(accountId: number): Promise<EvApproverRecord[]>;
  removeEvApprover(accountId: number, id: number): Promise<void>;
  getOrderLicences(accountId: number): Promise<number | null>;
  setOrderLicences(accountId: number, licences: number | null): Promise<number | null>;
  listProducts(): readonly Product[];
}

export function createEnrollmentCatalog(deps: CatalogDeps): EnrollmentCatalog {
  return {
    createOrganization: (accountId, input) => createOrganization(deps, accountId, input),
    listOrganizations: (accountId) => listOrganizations(deps, accountId),
    findOrganization: (accountId, id) => findOrganization(deps, accountId, id),
    activateOrganization: (accountId, id) => activateOrganization(deps, accountId, id),
    deactivateOrganization: (accountId, id) => deactivateOrganization(deps, accountId, id),
    addEvApprover: (accountId, input) => addEvApprover(deps, accountId, input),
    listEvApprovers: (accountId) => listEvApprovers(deps, accountId),
    removeEvApprover: (accountId, id) => removeEvApprover(deps, accountId, id),
    getOrderLicences: (accountId) => getOrderLicences(deps, accountId),
    setOrderLicences: (accountId, licences) => setOrderLicences(deps, accountId, licences),
    listProducts,
  };
}
