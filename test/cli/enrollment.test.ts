import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/core/enrollment/products.js';
import { cli, cliBackends, expectOneLineError, openCliStore, type CliStore } from '../helpers/cli.js';

describe.each(cliBackends)('certgrid enrollment commands on $name', ({ name }) => {
  let store: CliStore;
  const run = (...argv: string[]) => store.run(...argv);
  /** `org create` for customer acme, with its two required fields and any others. */
  const createOrg = (orgName: string, country: string, ...more: string[]) =>
    run('org', 'create', '--customer', 'acme', '--name', orgName, '--country', country, ...more);

  beforeAll(async () => {
    store = await openCliStore(name, 'cli-enrollment');
    expect((await run('init')).status).toBe(0);
    expect((await run('customer', 'create', '--name', 'acme')).status).toBe(0);
    expect((await run('customer', 'create', '--name', 'globex')).status).toBe(0);
  });
  afterAll(() => store.close());

  it('org create prints the new id; org list shows it as a table and as JSON', async () => {
    const empty = await run('org', 'list', '--customer', 'acme');
    expect(empty.status).toBe(0);
    expect(empty.out).toMatch(/no organizations/);

    const created = await createOrg(
      'Acme, Inc',
      'US',
      '--assumed-name',
      'Acme',
      '--state',
      'California',
      '--locality',
      'Foster City',
    );
    expect(created.status).toBe(0);
    const id = Number(/^organization (\d+) /.exec(created.out)?.[1]);
    expect(id).toBeGreaterThan(500_000);
    expect(created.out).toMatch(new RegExp(`digicertOrganizationId ${id}`));

    const ev = await createOrg(
      'Acme EV',
      'US',
      '--ev',
      '--jurisdiction-country',
      'US',
      '--jurisdiction-state',
      'Delaware',
      '--business-category',
      'Private Organization',
      '--registration-number',
      '1234567',
      '--json',
    );
    expect(ev.status).toBe(0);
    const evOrg = JSON.parse(ev.out) as Record<string, unknown>;
    expect(evOrg).toMatchObject({
      customer_name: 'acme',
      id: id + 1,
      name: 'Acme EV',
      evValidated: true,
      jurisdictionCountry: 'US',
      jurisdictionState: 'Delaware',
      businessCategory: 'Private Organization',
      registrationNumber: '1234567',
      active: true,
    });
    expect(evOrg).not.toHaveProperty('accountId');

    const table = await run('org', 'list', '--customer', 'acme');
    expect(table.status).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+NAME\s+ASSUMED NAME\s+COUNTRY\s+STATE\s+LOCALITY\s+EV\s+ACTIVE\s+CREATED$/,
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^${id}\\s+Acme, Inc\\s+Acme\\s+US\\s+California\\s+Foster City\\s+no\\s+yes`),
    );
    expect(lines[2]).toMatch(/Acme EV .*yes \(Private Organization, US\)\s+yes/);

    const json = await run('org', 'list', '--customer', 'acme', '--json');
    const parsed = JSON.parse(json.out) as { customer_name: string; organizations: { id: number }[] };
    expect(parsed.customer_name).toBe('acme');
    expect(parsed.organizations.map((o) => o.id)).toEqual([id, id + 1]);

    // another customer sees none of them
    const other = await run('org', 'list', '--customer', 'globex', '--json');
    expect(JSON.parse(other.out)).toEqual({ customer_name: 'globex', organizations: [] });
  });

  it('org deactivate and activate, only on the customer’s own organizations', async () => {
    const created = await createOrg('Toggle', 'GB', '--json');
    const { id } = JSON.parse(created.out) as { id: number };
    const off = await run('org', 'deactivate', '--customer', 'acme', '--id', String(id));
    expect(off.status).toBe(0);
    expect(off.out).toBe(`organization ${id} (Toggle) deactivated\n`);
    const listed = JSON.parse((await run('org', 'list', '--customer', 'acme', '--json')).out) as {
      organizations: { id: number; active: boolean }[];
    };
    expect(listed.organizations.find((o) => o.id === id)?.active).toBe(false);
    const on = await run('org', 'activate', '--customer', 'acme', '--id', String(id), '--json');
    expect(on.status).toBe(0);
    expect(JSON.parse(on.out)).toMatchObject({ id, active: true });

    const foreign = await run('org', 'deactivate', '--customer', 'globex', '--id', String(id));
    expect(foreign.status).toBe(66);
    expectOneLineError(foreign);
    const badId = await run('org', 'activate', '--customer', 'acme', '--id', '12x');
    expect(badId.status).toBe(65);
    expectOneLineError(badId);
  });

  it('org create refuses bad data with one line and a non-zero status', async () => {
    const lower = await run('org', 'create', '--customer', 'acme', '--name', 'Acme', '--country', 'us');
    expect(lower.status).toBe(65);
    expectOneLineError(lower);
    expect(lower.err).toMatch(/^certgrid: --country: two uppercase letters/);

    const long = await createOrg('a'.repeat(65), 'US');
    expect(long.status).toBe(65);
    expect(long.err).toMatch(/at most 64/);

    const evMissing = await createOrg(
      'Acme',
      'US',
      '--ev',
      '--business-category',
      'Government Entity',
      '--registration-number',
      '1',
    );
    expect(evMissing.status).toBe(64);
    expectOneLineError(evMissing);
    expect(evMissing.err).toBe('certgrid: --jurisdiction-country is a required parameter.\n');

    const noEv = await createOrg('Acme', 'US', '--registration-number', '1');
    expect(noEv.status).toBe(65);
    expect(noEv.err).toBe(
      'certgrid: --registration-number: applies only to an EV-validated organization (--ev)\n',
    );

    const category = await createOrg('Acme', 'US', '--ev', '--business-category', 'Sole Trader');
    expect(category.status).toBe(64);
    expect(category.err).toMatch(/business-category/);

    const nobody = await run('org', 'create', '--customer', 'nobody', '--name', 'Acme', '--country', 'US');
    expect(nobody.status).toBe(66);
    expectOneLineError(nobody);

    const usage = await run('org', 'create', '--customer', 'acme', '--country', 'US');
    expect(usage.status).toBe(64);
    expect(usage.err).toMatch(/--name/);

    // nothing was created by the failures
    const listed = JSON.parse((await run('org', 'list', '--customer', 'acme', '--json')).out) as {
      organizations: { name: string }[];
    };
    expect(listed.organizations.map((o) => o.name)).not.toContain('Acme');
  });

  it('ev-approver add, list and remove', async () => {
    const empty = await run('ev-approver', 'list', '--customer', 'globex');
    expect(empty.status).toBe(0);
    expect(empty.out).toMatch(/no EV approvers/);

    const john = await run(
      'ev-approver',
      'add',
      '--customer',
      'globex',
      '--first-name',
      'John',
      '--last-name',
      'White',
      '--email',
      'john@example.com',
    );
    expect(john.status).toBe(0);
    const johnId = Number(
      /^EV approver (\d+) \(John White\) added for customer globex\n$/.exec(john.out)?.[1],
    );
    expect(johnId).toBeGreaterThan(1_500_000);

    const kelly = await run(
      'ev-approver',
      'add',
      '--customer',
      'globex',
      '--first-name',
      'Kelly',
      '--last-name',
      'Smith',
      '--json',
    );
    expect(kelly.status).toBe(0);
    const k = JSON.parse(kelly.out) as Record<string, unknown>;
    expect(k).toMatchObject({
      customer_name: 'globex',
      firstName: 'Kelly',
      lastName: 'Smith',
      name: 'Kelly Smith',
      email: '',
    });

    const table = await run('ev-approver', 'list', '--customer', 'globex');
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+EMAIL\s+CREATED$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${johnId}\\s+John White\\s+john@example.com\\s+\\d{4}-\\d\\d-\\d\\d$`),
    );
    expect(lines[2]).toMatch(/Kelly Smith/);

    const foreign = await run('ev-approver', 'remove', '--customer', 'acme', '--id', String(johnId));
    expect(foreign.status).toBe(66);
    expectOneLineError(foreign);
    const removed = await run('ev-approver', 'remove', '--customer', 'globex', '--id', String(johnId));
    expect(removed.status).toBe(0);
    expect(removed.out).toBe(`EV approver ${johnId} removed from customer globex\n`);
    const again = await run(
      'ev-approver',
      'remove',
      '--customer',
      'globex',
      '--id',
      String(johnId),
      '--json',
    );
    expect(again.status).toBe(66);

    const json = JSON.parse((await run('ev-approver', 'list', '--customer', 'globex', '--json')).out) as {
      evApprovers: { id: number; name: string }[];
    };
    expect(json.evApprovers.map((a) => a.name)).toEqual(['Kelly Smith']);

    const bad = await run(
      'ev-approver',
      'add',
      '--customer',
      'globex',
      '--first-name',
      'J',
      '--last-name',
      'W',
      '--email',
      'x',
    );
    expect(bad.status).toBe(65);
    expectOneLineError(bad);
    expect(bad.err).toMatch(/^certgrid: --email: /);
    const usage = await run('ev-approver', 'add', '--customer', 'globex', '--first-name', 'J');
    expect(usage.status).toBe(64);
    expect(usage.err).toMatch(/--last-name/);
  });

  it('product list prints the catalogue as a table and as JSON, without a data directory', async () => {
    const table = await cli('product', 'list');
    expect(table.status).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME ID\s+NAME\s+GROUP\s+NAMES\s+VALIDATION\s+PROFILE\s+MAX DAYS$/);
    expect(lines).toHaveLength(PRODUCTS.length + 1);
    expect(table.out).toMatch(
      /^private_ssl_plus\s+Private SSL\s+private_ssl_certificate\s+single\s+private/m,
    );
    const json = await cli('product', 'list', '--json');
    expect(JSON.parse(json.out)).toEqual({ products: PRODUCTS });
  });

  it('customer set --order-licences sets a number or unlimited', async () => {
    const five = await run('customer', 'set', '--name', 'acme', '--order-licences', '5');
    expect(five.status).toBe(0);
    expect(five.out).toBe('customer acme updated; order licences: 5\n');
    const json = await run('customer', 'set', '--name', 'acme', '--self-approval', 'off', '--json');
    expect(JSON.parse(json.out)).toMatchObject({
      customer_name: 'acme',
      selfApproval: false,
      orderLicences: 5,
    });
    const zero = await run('customer', 'set', '--name', 'acme', '--order-licences', '0', '--json');
    expect(JSON.parse(zero.out)).toMatchObject({ orderLicences: 0 });
    const unlimited = await run('customer', 'set', '--name', 'acme', '--order-licences', 'unlimited');
    expect(unlimited.out).toBe('customer acme updated; order licences: unlimited\n');
    const after = await run('customer', 'set', '--name', 'acme', '--self-approval', 'on', '--json');
    expect(JSON.parse(after.out)).toMatchObject({ orderLicences: null });
    // the other customer was never touched
    const globex = await run('customer', 'set', '--name', 'globex', '--self-approval', 'on', '--json');
    expect(JSON.parse(globex.out)).toMatchObject({ orderLicences: null });

    for (const bad of ['-1', 'lots', '1.5', '']) {
      const r = await run('customer', 'set', '--name', 'acme', '--order-licences', bad);
      expect(r.status).toBe(65);
      expectOneLineError(r);
    }
    const nobody = await run('customer', 'set', '--name', 'nobody', '--order-licences', '3');
    expect(nobody.status).toBe(66);
    expectOneLineError(nobody);
  });

  it('every enrollment command has --help', async () => {
    for (const cmd of [
      ['org'],
      ['org', 'create'],
      ['org', 'list'],
      ['org', 'activate'],
      ['org', 'deactivate'],
      ['ev-approver'],
      ['ev-approver', 'add'],
      ['ev-approver', 'list'],
      ['ev-approver', 'remove'],
      ['product'],
      ['product', 'list'],
    ]) {
      const r = await cli(...cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/Usage: certgrid/);
    }
    const set = await cli('customer', 'set', '--help');
    expect(set.out).toMatch(/--order-licences/);
    const create = await cli('org', 'create', '--help');
    expect(create.out).toMatch(/--business-category/);
  });
});
