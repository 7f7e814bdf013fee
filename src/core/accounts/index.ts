/**
 * Accounts: tenants (the Grid `customer_name`), users, roles, API keys and passwords.
 *
 * @example
 *   const accounts = createAccounts({ repo: repos.accounts, clock: systemClock, random: systemRandom });
 *   const { apiKey } = await accounts.createCustomer('acme');
 *   const principal = await accounts.authenticateApiKey('acme', apiKey);
 */
import type { Principal } from '../grid/types.js';
import { authenticateApiKey } from './authenticate-api-key.js';
import { createApiKey } from './create-api-key.js';
import { createCustomer, type CreateCustomerOptions, type CreatedCustomer } from './create-customer.js';
import { createUser, type CreateUserInput, type CreatedUser } from './create-user.js';
import type { AccountsDeps } from './deps.js';
import { getAccount, getAccountById } from './get-account.js';
import { setAccountSettings, type AccountSettingsInput } from './set-account-settings.js';
import { verifyPassword, type VerifiedUser } from './verify-password.js';
import type { AccountView } from './view.js';

export type { AccountsDeps } from './deps.js';
export type { AccountsRepository, AccountRecord, ApiKeyOwner, NewUser, UserRecord } from './repository.js';
export { ROLES, normalizeRole, type Role } from './roles.js';
export type {
  AccountSettingsInput,
  AccountView,
  CreateCustomerOptions,
  CreatedCustomer,
  CreateUserInput,
  CreatedUser,
  VerifiedUser,
};

export interface Accounts {
  createCustomer(name: string, opts?: CreateCustomerOptions): Promise<CreatedCustomer>;
  createUser(input: CreateUserInput): Promise<CreatedUser>;
  createApiKey(input: { customerName: string; username: string }): Promise<{ apiKey: string }>;
  setAccountSettings(input: AccountSettingsInput): Promise<AccountView>;
  /** How many accounts exist (the server creates a first one when there are none). */
  countAccounts(): Promise<number>;
  getAccount(name: string): Promise<AccountView | null>;
  getAccountById(id: number): Promise<AccountView | null>;
  authenticateApiKey(customerName: string, apiKey: string): Promise<Principal | null>;
  verifyPassword(input: {
    username: string;
    password: string;
    customerName?: string | undefined;
  }): Promise<VerifiedUser | null>;
}

export function createAccounts(deps: AccountsDeps): Accounts {
  return {
    createCustomer: (name, opts) => createCustomer(deps, name, opts),
    createUser: (input) => createUser(deps, input),
    createApiKey: (input) => createApiKey(deps, input),
    setAccountSettings: (input) => setAccountSettings(deps, input),
    countAccounts: () => deps.repo.countAccounts(),
    getAccount: (name) => getAccount(deps, name),
    getAccountById: (id) => getAccountById(deps, id),
    authenticateApiKey: (customerName, apiKey) => authenticateApiKey(deps, customerName, apiKey),
    verifyPassword: (input) => verifyPassword(deps, input),
  };
}
