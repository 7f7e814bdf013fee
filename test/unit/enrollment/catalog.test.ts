import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/deps.js';
import {
  BUSINESS_CATEGORIES,
  addEvApprover,
  checkEvApprover,
  checkOrganization,
  createEnrollmentCatalog,
  createOrganization,
  deactivateOrganization,
  activateOrganization,
  getOrderLicences,
  listEvApprovers,
  listOrganizations,
  listProducts,
  removeEvApprover,
  setOrderLicences,
  type CatalogDeps,
  type OrganizationInput,
} from '../../../src/core/enrollment/catalog.js';
import { PRODUCTS } from '../../../src/core/enrollment/products.js';
import type {
  EnrollmentRepository,
  EvApproverRecord,
  OrganizationRecord,
} from '../../../src/core/enrollment/repository.js';
import { expectCode } from '../../helpers/expect-code.js';

const T = new Date('2025-03-01T00:00:00.000Z');

/** The catalogue part of the repository, in memory; the order methods are not used here. */
function memoryRepo(): EnrollmentRepository {
  const orgs: OrganizationRecord[] = [];
  let approvers: EvApproverRecord[] = [];
  const licences = new Map<number, number | null>();
  let nextOrg = 500_001;
  let nextApprover = 1_500_001;
  const unused = () => Promise.reject(new Error('not used by the catalogue'));
  return {
    insertOrganization(accountId, org, at) {
      const id = nextOrg++;
      orgs.push({ ...org, id, accountId, active: true, created: at });
      return Promise.resolve(id);
    },
    listOrganizations: (accountId) => Promise.resolve(orgs.filter((o) => o.accountId === accountId)),
    findOrganization: (accountId, id) =>
      Promise.resolve(orgs.find((o) => o.accountId === accountId && o.id === id) ?? null),
    setOrganizationActive(accountId, id, active) {
      const i = orgs.findIndex((o) => o.accountId === accountId && o.id === id);
      if (i < 0) return Promise.resolve(false);
      orgs[i] = { ...orgs[i]!, active };
      return Promise.resolve(true);
    },
    insertEvApprover(accountId, a, at) {
      const id = nextApprover++;
      approvers.push({ ...a, id, accountId, created: at });
      return Promise.resolve(id);
    },
    listEvApprovers: (accountId) => Promise.resolve(approvers.filter((a) => a.accountId === accountId)),
    deleteEvApprover(accountId, id) {
      const before = approvers.length;
      approvers = approvers.filter((a) => !(a.accountId === accountId && a.id === id));
      return Promise.resolve(approvers.length < before);
    },
    getOrderLicences: (accountId) => Promise.resolve(licences.get(accountId) ?? null),
    setOrderLicences(accountId, n) {
      licences.set(accountId, n);
      return Promise.resolve();
    },
    insertOrder: unused,
    findOrder: unused,
    updateOrder: unused,
    countOpenRenewals: unused,
    listAwaitingCa: unused,
  };
}

const deps = (): CatalogDeps => ({ repo: memoryRepo(), clock: fixedClock(T) });

const ev: OrganizationInput = {
  name: 'Acme, Inc',
  country: 'US',
  evValidated: true,
  jurisdictionCountry: 'US',
  jurisdictionState: 'Delaware',
  businessCategory: 'Private Organization',
  registrationNumber: '1234567',
};

describe('organizations', () => {
  it('creates an organisation with empty optional fields, active, stamped by the clock', async () => {
    const d = deps();
    const org = await createOrganization(d, 1, { name: '  Acme, Inc ', country: 'US' });
    expect(org).toEqual({
      id: 500_001,
      accountId: 1,
      name: 'Acme, Inc',
      assumedName: null,
      country: 'US',
      state: '',
      locality: '',
      evValidated: false,
      jurisdictionCountry: '',
      jurisdictionState: '',
      jurisdictionLocality: '',
      businessCategory: '',
      registrationNumber: '',
      active: true,
      created: T,
    });
    expect(await listOrganizations(d, 1)).toEqual([org]);
    expect(await listOrganizations(d, 2)).toEqual([]);
  });

  it('keeps the assumed name, state and locality', () => {
    expect(
      checkOrganization({
        name: 'Acme, Inc',
        assumedName: 'Acme',
        country: 'DE',
        state: 'Bayern',
        locality: 'München',
      }),
    ).toMatchObject({ assumedName: 'Acme', state: 'Bayern', locality: 'München' });
    expect(checkOrganization({ name: 'Acme', country: 'US', assumedName: ' ' }).assumedName).toBeNull();
  });

  it('requires a name of at most 64 characters', async () => {
    await expectCode(createOrganization(deps(), 1, { name: '', country: 'US' }), 'MISSING_ARGUMENT', 'name');
    await expectCode(
      createOrganization(deps(), 1, { name: '   ', country: 'US' }),
      'MISSING_ARGUMENT',
      'name',
    );
    expect(checkOrganization({ name: 'a'.repeat(64), country: 'US' }).name).toHaveLength(64);
    // characters, not UTF-16 units or bytes
    expect(checkOrganization({ name: 'é'.repeat(64), country: 'US' }).name).toHaveLength(64);
    expect(() => checkOrganization({ name: 'a'.repeat(65), country: 'US' })).toThrow(/name: at most 64/);
    await expectCode(
      createOrganization(deps(), 1, { name: 'a'.repeat(65), country: 'US' }),
      'INVALID_ARGUMENT',
      'name',
    );
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme\nInc', country: 'US' }),
      'INVALID_ARGUMENT',
      'name',
    );
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', assumedName: 'b'.repeat(65), country: 'US' }),
      'INVALID_ARGUMENT',
      'assumedName',
    );
  });

  it('requires the country as two uppercase letters', async () => {
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', country: '' }),
      'MISSING_ARGUMENT',
      'country',
    );
    for (const country of ['us', 'USA', 'U', 'U1', 'Us']) {
      await expectCode(
        createOrganization(deps(), 1, { name: 'Acme', country }),
        'INVALID_ARGUMENT',
        'country',
      );
    }
  });

  it('checks the lengths of state and locality', async () => {
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', country: 'US', state: 's'.repeat(129) }),
      'INVALID_ARGUMENT',
      'state',
    );
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', country: 'US', locality: 'l'.repeat(129) }),
      'INVALID_ARGUMENT',
      'locality',
    );
  });

  it('an EV-validated organisation needs its jurisdiction, business category and registration number', async () => {
    const org = await createOrganization(deps(), 1, ev);
    expect(org).toMatchObject({
      evValidated: true,
      jurisdictionCountry: 'US',
      jurisdictionState: 'Delaware',
      jurisdictionLocality: '',
      businessCategory: 'Private Organization',
      registrationNumber: '1234567',
    });
    await expectCode(
      createOrganization(deps(), 1, { ...ev, jurisdictionCountry: undefined }),
      'MISSING_ARGUMENT',
      'jurisdictionCountry',
    );
    await expectCode(
      createOrganization(deps(), 1, { ...ev, jurisdictionCountry: 'usa' }),
      'INVALID_ARGUMENT',
      'jurisdictionCountry',
    );
    await expectCode(
      createOrganization(deps(), 1, { ...ev, businessCategory: undefined }),
      'MISSING_ARGUMENT',
      'businessCategory',
    );
    await expectCode(
      createOrganization(deps(), 1, { ...ev, businessCategory: 'Sole Trader' }),
      'INVALID_ARGUMENT',
      'businessCategory',
    );
    await expectCode(
      createOrganization(deps(), 1, { ...ev, registrationNumber: '' }),
      'MISSING_ARGUMENT',
      'registrationNumber',
    );
  });

  it('accepts every EV business category, in any case, and stores its canonical spelling', () => {
    for (const c of BUSINESS_CATEGORIES) {
      expect(checkOrganization({ ...ev, businessCategory: c }).businessCategory).toBe(c);
      expect(checkOrganization({ ...ev, businessCategory: c.toUpperCase() }).businessCategory).toBe(c);
    }
    expect(BUSINESS_CATEGORIES).toEqual([
      'Private Organization',
      'Government Entity',
      'Business Entity',
      'Non-Commercial Entity',
    ]);
  });

  it('refuses EV data on an organisation that is not EV-validated', async () => {
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', country: 'US', jurisdictionCountry: 'US' }),
      'INVALID_ARGUMENT',
      'jurisdictionCountry',
    );
    await expectCode(
      createOrganization(deps(), 1, { ...ev, evValidated: false }),
      'INVALID_ARGUMENT',
      'jurisdictionCountry',
    );
    await expectCode(
      createOrganization(deps(), 1, { name: 'Acme', country: 'US', registrationNumber: '1' }),
      'INVALID_ARGUMENT',
      'registrationNumber',
    );
  });

  it('activates and deactivates an organisation of the account, NOT_FOUND otherwise', async () => {
    const d = deps();
    const org = await createOrganization(d, 1, { name: 'Acme', country: 'US' });
    expect((await deactivateOrganization(d, 1, org.id)).active).toBe(false);
    expect((await activateOrganization(d, 1, org.id)).active).toBe(true);
    await expectCode(deactivateOrganization(d, 2, org.id), 'NOT_FOUND', 'organization');
    await expectCode(activateOrganization(d, 1, 42), 'NOT_FOUND', 'organization');
    await expectCode(activateOrganization(d, 1, 0), 'INVALID_ARGUMENT', 'id');
    await expectCode(activateOrganization(d, 1, 1.5), 'INVALID_ARGUMENT', 'id');
    await expectCode(activateOrganization(d, 1, Number.NaN), 'INVALID_ARGUMENT', 'id');
  });
});

describe('EV approvers', () => {
  it('adds, lists and removes an account’s approvers', async () => {
    const d = deps();
    const john = await addEvApprover(d, 1, {
      firstName: ' John ',
      lastName: 'White',
      email: 'john@example.com',
    });
    expect(john).toEqual({
      id: 1_500_001,
      accountId: 1,
      firstName: 'John',
      lastName: 'White',
      email: 'john@example.com',
      created: T,
    });
    const kelly = await addEvApprover(d, 1, { firstName: 'Kelly', lastName: 'Smith' });
    expect(kelly.email).toBe('');
    expect((await listEvApprovers(d, 1)).map((a) => a.id)).toEqual([john.id, kelly.id]);
    await expectCode(removeEvApprover(d, 2, john.id), 'NOT_FOUND', 'evApprover');
    await removeEvApprover(d, 1, john.id);
    await expectCode(removeEvApprover(d, 1, john.id), 'NOT_FOUND', 'evApprover');
    await expectCode(removeEvApprover(d, 1, -1), 'INVALID_ARGUMENT', 'id');
    expect((await listEvApprovers(d, 1)).map((a) => a.id)).toEqual([kelly.id]);
  });

  it('requires first and last names of at most 64 characters, and a plausible e-mail address', () => {
    expect(() => checkEvApprover({ firstName: '', lastName: 'White' })).toThrow(/firstName/);
    expect(() => checkEvApprover({ firstName: 'John', lastName: ' ' })).toThrow(/lastName/);
    expect(() => checkEvApprover({ firstName: 'J'.repeat(65), lastName: 'White' })).toThrow(/at most 64/);
    expect(() => checkEvApprover({ firstName: 'John', lastName: 'White', email: 'john' })).toThrow(/email/);
    expect(() => checkEvApprover({ firstName: 'John', lastName: 'White', email: 'a b@example.com' })).toThrow(
      /email/,
    );
  });

  it('reports which field is wrong with its code', async () => {
    await expectCode(
      addEvApprover(deps(), 1, { firstName: '', lastName: 'W' }),
      'MISSING_ARGUMENT',
      'firstName',
    );
    await expectCode(
      addEvApprover(deps(), 1, { firstName: 'J', lastName: '' }),
      'MISSING_ARGUMENT',
      'lastName',
    );
    await expectCode(
      addEvApprover(deps(), 1, { firstName: 'J', lastName: 'W', email: 'nope' }),
      'INVALID_ARGUMENT',
      'email',
    );
  });
});

describe('order licences', () => {
  it('are a whole number of 0 or more, or null for no limit', async () => {
    const d = deps();
    expect(await getOrderLicences(d, 1)).toBeNull();
    expect(await setOrderLicences(d, 1, 5)).toBe(5);
    expect(await getOrderLicences(d, 1)).toBe(5);
    expect(await setOrderLicences(d, 1, 0)).toBe(0);
    expect(await getOrderLicences(d, 1)).toBe(0);
    expect(await setOrderLicences(d, 1, null)).toBeNull();
    expect(await getOrderLicences(d, 1)).toBeNull();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      await expectCode(setOrderLicences(d, 1, bad), 'INVALID_ARGUMENT', 'orderLicences');
    }
    expect(await getOrderLicences(d, 1)).toBeNull();
  });
});

describe('createEnrollmentCatalog', () => {
  it('binds every function to its dependencies', async () => {
    const catalog = createEnrollmentCatalog(deps());
    const org = await catalog.createOrganization(3, { name: 'Acme', country: 'US' });
    expect(await catalog.findOrganization(3, org.id)).toEqual(org);
    expect(await catalog.findOrganization(4, org.id)).toBeNull();
    expect((await catalog.deactivateOrganization(3, org.id)).active).toBe(false);
    expect((await catalog.activateOrganization(3, org.id)).active).toBe(true);
    expect(await catalog.listOrganizations(3)).toHaveLength(1);
    const a = await catalog.addEvApprover(3, { firstName: 'J', lastName: 'W' });
    expect(await catalog.listEvApprovers(3)).toEqual([a]);
    await catalog.removeEvApprover(3, a.id);
    expect(await catalog.setOrderLicences(3, 2)).toBe(2);
    expect(await catalog.getOrderLicences(3)).toBe(2);
    expect(catalog.listProducts()).toBe(PRODUCTS);
    expect(listProducts().map((p) => p.nameId)).toContain('private_ssl_plus');
  });
});
