import type { UserPermissionsView } from '../../core/accounts/index.js';
import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

export interface UserCreateOptions extends CommonOptions {
  customer: string;
  username: string;
  password: string;
  role: string;
  fullName?: string;
  permissions?: string;
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
      permissions: opts.permissions === undefined ? undefined : [opts.permissions],
    });
    if (opts.json) {
      io.out(
        JSON.stringify({
          customer_name: opts.customer,
          username: opts.username,
          role: u.role,
          user_id: u.userId,
          permissions: u.permissions,
        }) + '\n',
      );
      return;
    }
    const granted = u.permissions.length > 0 ? `, permissions: ${u.permissions.join(', ')}` : '';
    io.out(`user ${opts.username} (${u.role}${granted}) created for customer ${opts.customer}\n`);
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

export interface UserPermissionOptions extends CommonOptions {
  username: string;
  permission: string;
  json?: boolean;
}

function printPermissions(v: UserPermissionsView, json: boolean | undefined, io: Io): void {
  if (json) {
    io.out(JSON.stringify({ username: v.username, role: v.role, permissions: v.permissions }) + '\n');
    return;
  }
  const list = v.permissions.length > 0 ? v.permissions.join(', ') : 'none';
  const implicit = v.role === 'Super User' ? ' (a Super User holds every permission regardless)' : '';
  io.out(`user ${v.username} (${v.role}) permissions: ${list}${implicit}\n`);
}

export async function userGrantCommand(opts: UserPermissionOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const v = await certgrid.accounts.grantPermission({
      username: opts.username,
      permission: opts.permission,
    });
    printPermissions(v, opts.json, io);
  });
}

export async function userRevokeCommand(opts: UserPermissionOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const v = await certgrid.accounts.revokePermission({
      username: opts.username,
      permission: opts.permission,
    });
    printPermissions(v, opts.json, io);
  });
}
