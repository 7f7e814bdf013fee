import { table } from '../output.js';
import type { OrganizationInput } from '../../core/enrollment/catalog.js';
import { listProducts } from '../../core/enrollment/catalog.js';
import type { EvApproverRecord, OrganizationRecord } from '../../core/enrollment/repository.js';
import { CertgridError, invalid } from '../../core/errors.js';
import { resolveCustomer, withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

/**
 * `certgrid org …`, `certgrid ev-approver …` and `certgrid product list`: what a customer's CertView
 * enrollment orders may name (`digicertOrganizationId`, `digicertEVApproverUserIds`,
 * `digicertProductNameId`).
 */

interface CustomerOptions extends CommonOptions {
  customer: string;
  json?: boolean;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** A record as JSON prints it: without the account id, which is the customer named on the command line. */
const organizationJson = ({ accountId: _accountId, ...o }: OrganizationRecord) => o;
const evApproverJson = ({ accountId: _accountId, ...a }: EvApproverRecord) => ({
  ...a,
  name: `${a.firstName} ${a.lastName}`,
});

/** The core's field names, as this command line spells them. */
const OPTION_NAMES: Readonly<Record<string, string>> = {
  name: '--name',
  assumedName: '--assumed-name',
  country: '--country',
  state: '--state',
  locality: '--locality',
  evValidated: '--ev',
  jurisdictionCountry: '--jurisdiction-country',
  jurisdictionState: '--jurisdiction-state',
  jurisdictionLocality: '--jurisdiction-locality',
  businessCategory: '--business-category',
  registrationNumber: '--registration-number',
  firstName: '--first-name',
  lastName: '--last-name',
  email: '--email',
};
const FIELD_WORDS = new RegExp(`\\b(${Object.keys(OPTION_NAMES).join('|')})\\b`, 'g');

/** Runs a core call, naming the options the user typed in its errors instead of the core's field names. */
async function inOptionTerms<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof CertgridError) || e.field === undefined || !(e.field in OPTION_NAMES)) throw e;
    const message = e.message.replace(FIELD_WORDS, (w) => OPTION_NAMES[w] ?? w);
    throw new CertgridError(e.code, message, { field: e.field, ...(e.data ? { data: e.data } : {}) });
  }
}

/** An id given on the command line: digits only (a typo such as `12x` is an error, not 12). */
function parseId(value: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw invalid('id', 'a positive whole number');
  return Number(value);
}

export interface OrgCreateOptions extends CustomerOptions {
  name: string;
  assumedName?: string;
  country: string;
  state?: string;
  locality?: string;
  ev?: boolean;
  jurisdictionCountry?: string;
  jurisdictionState?: string;
  jurisdictionLocality?: string;
  businessCategory?: string;
  registrationNumber?: string;
}

/** `certgrid org create`: adds a validated organisation and prints its id (the orders' `digicertOrganizationId`). */
export async function orgCreateCommand(opts: OrgCreateOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const input: OrganizationInput = {
      name: opts.name,
      assumedName: opts.assumedName,
      country: opts.country,
      state: opts.state,
      locality: opts.locality,
      evValidated: opts.ev === true,
      jurisdictionCountry: opts.jurisdictionCountry,
      jurisdictionState: opts.jurisdictionState,
      jurisdictionLocality: opts.jurisdictionLocality,
      businessCategory: opts.businessCategory,
      registrationNumber: opts.registrationNumber,
    };
    const org = await inOptionTerms(() => certgrid.catalog.createOrganization(account.id, input));
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, ...organizationJson(org) }) + '\n');
      return;
    }
    io.out(
      `organization ${org.id} (${org.name}${org.evValidated ? ', EV' : ''}) created for customer ${account.name}; orders name it as digicertOrganizationId ${org.id}\n`,
    );
  });
}

/** `certgrid org list`: the customer's organisations. */
export async function orgListCommand(opts: CustomerOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const orgs = await certgrid.catalog.listOrganizations(account.id);
    if (opts.json) {
      io.out(
        JSON.stringify({ customer_name: account.name, organizations: orgs.map(organizationJson) }) + '\n',
      );
      return;
    }
    if (orgs.length === 0) {
      io.out(`customer ${account.name} has no organizations: add one with 'certgrid org create'\n`);
      return;
    }
    io.out(
      table(
        ['ID', 'NAME', 'ASSUMED NAME', 'COUNTRY', 'STATE', 'LOCALITY', 'EV', 'ACTIVE', 'CREATED'],
        orgs.map((o) => [
          String(o.id),
          o.name,
          o.assumedName ?? '',
          o.country,
          o.state,
          o.locality,
          o.evValidated ? `yes (${o.businessCategory}, ${o.jurisdictionCountry})` : 'no',
          yesNo(o.active),
          day(o.created),
        ]),
      ),
    );
  });
}

export interface OrgIdOptions extends CustomerOptions {
  id: string;
}

/** `certgrid org activate|deactivate`: only active organisations may be named by new orders. */
export async function orgSetActiveCommand(opts: OrgIdOptions, active: boolean, io: Io): Promise<void> {
  const id = parseId(opts.id);
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const org = active
      ? await certgrid.catalog.activateOrganization(account.id, id)
      : await certgrid.catalog.deactivateOrganization(account.id, id);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, ...organizationJson(org) }) + '\n');
      return;
    }
    io.out(`organization ${org.id} (${org.name}) ${active ? 'activated' : 'deactivated'}\n`);
  });
}

export interface EvApproverAddOptions extends CustomerOptions {
  firstName: string;
  lastName: string;
  email?: string;
}

/** `certgrid ev-approver add`: prints the approver's id (an entry of the orders' `digicertEVApproverUserIds`). */
export async function evApproverAddCommand(opts: EvApproverAddOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const a = await inOptionTerms(() =>
      certgrid.catalog.addEvApprover(account.id, {
        firstName: opts.firstName,
        lastName: opts.lastName,
        email: opts.email,
      }),
    );
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, ...evApproverJson(a) }) + '\n');
      return;
    }
    io.out(`EV approver ${a.id} (${a.firstName} ${a.lastName}) added for customer ${account.name}\n`);
  });
}

/** `certgrid ev-approver list`: the customer's EV approvers. */
export async function evApproverListCommand(opts: CustomerOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const approvers = await certgrid.catalog.listEvApprovers(account.id);
    if (opts.json) {
      io.out(
        JSON.stringify({ customer_name: account.name, evApprovers: approvers.map(evApproverJson) }) + '\n',
      );
      return;
    }
    if (approvers.length === 0) {
      io.out(`customer ${account.name} has no EV approvers: add one with 'certgrid ev-approver add'\n`);
      return;
    }
    io.out(
      table(
        ['ID', 'NAME', 'EMAIL', 'CREATED'],
        approvers.map((a) => [String(a.id), `${a.firstName} ${a.lastName}`, a.email, day(a.created)]),
      ),
    );
  });
}

/** `certgrid ev-approver remove`. */
export async function evApproverRemoveCommand(opts: OrgIdOptions, io: Io): Promise<void> {
  const id = parseId(opts.id);
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    await certgrid.catalog.removeEvApprover(account.id, id);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, id, removed: true }) + '\n');
      return;
    }
    io.out(`EV approver ${id} removed from customer ${account.name}\n`);
  });
}

/** `certgrid product list`: the catalogue every customer's orders choose from; needs no data directory. */
export function productListCommand(opts: { json?: boolean }, io: Io): void {
  const products = listProducts();
  if (opts.json) {
    io.out(JSON.stringify({ products }) + '\n');
    return;
  }
  io.out(
    table(
      ['NAME ID', 'NAME', 'GROUP', 'NAMES', 'VALIDATION', 'PROFILE', 'MAX DAYS'],
      products.map((p) => [
        p.nameId,
        p.name,
        p.groupName,
        p.names,
        p.validation,
        p.profile,
        String(p.maxValidityDays),
      ]),
    ),
  );
}

/** `--order-licences N|unlimited`: a whole number of 0 or more, or null for `unlimited`. */
export function parseOrderLicences(value: string): number | null {
  if (value === 'unlimited') return null;
  if (!/^[0-9]{1,9}$/.test(value))
    throw invalid('order-licences', 'a whole number of 0 or more, or unlimited');
  return Number(value);
}
