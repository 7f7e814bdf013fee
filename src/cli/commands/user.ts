import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

export interface UserCreateOptions extends CommonOptions {
  customer: string;
  username: string;
  password: string;
  role: string;
  fullName?: string;
  json?: boolean;
}

export async function userCreateCommand(opts: UserCreateOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const u = await certgrid.accounts.createUser({
      customerName: opts.customer,
      username: opts.username,
      password: opts.password,
      role: opts.role,
      fullName: opts.fullName,
    });
    if (opts.json) {
      io.out(
        JSON.stringify({
          customer_name: opts.customer,
          username: opts.username,
          role: u.role,
          user_id: u.userId,
        }) + '\n',
      );
      return;
    }
    io.out(`user ${opts.username} (${u.role}) created for customer ${opts.customer}\n`);
  });
}

export interface ApiKeyCreateOptions extends CommonOptions {
  customer: string;
  username: string;
  json?: boolean;
}

export async function apiKeyCreateCommand(opts: ApiKeyCreateOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const k = await certgrid.accounts.createApiKey({ customerName: opts.customer, username: opts.username });
    if (opts.json) {
      io.out(
        JSON.stringify({ customer_name: opts.customer, username: opts.username, api_key: k.apiKey }) + '\n',
      );
      return;
    }
    io.out(`api_key: ${k.apiKey}\n`);
    io.err('Store this API key now: certgrid keeps only its hash and cannot show it again.\n');
  });
}
