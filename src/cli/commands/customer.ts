import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';
import { UsageError } from '../output.js';
import { parseOrderLicences } from './enrollment.js';

export interface CustomerCreateOptions extends CommonOptions {
  name: string;
  json?: boolean;
}

export async function customerCreateCommand(opts: CustomerCreateOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const c = await certgrid.accounts.createCustomer(opts.name);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: c.customerName, api_key: c.apiKey }) + '\n');
      return;
    }
    io.out(`customer_name: ${c.customerName}\napi_key:       ${c.apiKey}\n`);
    io.err('Store this API key now: certgrid keeps only its hash and cannot show it again.\n');
  });
}

export interface CustomerSetOptions extends CommonOptions {
  name: string;
  apiApprovals?: 'on' | 'off';
  selfApproval?: 'on' | 'off';
  certviewApiAccess?: 'on' | 'off';
  /** A whole number, or `unlimited`. */
  orderLicences?: string;
  json?: boolean;
}

export async function customerSetCommand(opts: CustomerSetOptions, io: Io): Promise<void> {
  if (
    opts.apiApprovals === undefined &&
    opts.selfApproval === undefined &&
    opts.certviewApiAccess === undefined &&
    opts.orderLicences === undefined
  ) {
    throw new UsageError(
      'nothing to change: give --api-approvals, --self-approval, --certview-api-access and/or --order-licences',
    );
  }
  const licences = opts.orderLicences === undefined ? undefined : parseOrderLicences(opts.orderLicences);
  const onOff = (v: 'on' | 'off' | undefined) => (v === undefined ? undefined : v === 'on');
  await withContext(opts, async ({ certgrid }) => {
    // With no setting given this changes nothing and returns the account (or NOT_FOUND for an unknown name).
    const s = await certgrid.accounts.setAccountSettings({
      customerName: opts.name,
      apiApprovals: onOff(opts.apiApprovals),
      selfApproval: onOff(opts.selfApproval),
      certviewApiAccess: onOff(opts.certviewApiAccess),
    });
    const orderLicences =
      licences === undefined
        ? await certgrid.catalog.getOrderLicences(s.id)
        : await certgrid.catalog.setOrderLicences(s.id, licences);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: opts.name, ...s, orderLicences }) + '\n');
      return;
    }
    const licencesNote =
      licences === undefined
        ? ''
        : `; order licences: ${orderLicences === null ? 'unlimited' : orderLicences}`;
    io.out(`customer ${opts.name} updated${licencesNote}\n`);
  });
}
