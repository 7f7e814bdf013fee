import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';
import { UsageError } from '../output.js';

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
  json?: boolean;
}

export async function customerSetCommand(opts: CustomerSetOptions, io: Io): Promise<void> {
  if (
    opts.apiApprovals === undefined &&
    opts.selfApproval === undefined &&
    opts.certviewApiAccess === undefined
  ) {
    throw new UsageError(
      'nothing to change: give --api-approvals, --self-approval and/or --certview-api-access',
    );
  }
  const onOff = (v: 'on' | 'off' | undefined) => (v === undefined ? undefined : v === 'on');
  await withContext(opts, async ({ certgrid }) => {
    const s = await certgrid.accounts.setAccountSettings({
      customerName: opts.name,
      apiApprovals: onOff(opts.apiApprovals),
      selfApproval: onOff(opts.selfApproval),
      certviewApiAccess: onOff(opts.certviewApiAccess),
    });
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: opts.name, ...s }) + '\n');
      return;
    }
    io.out(`customer ${opts.name} updated\n`);
  });
}
