/**
 * Accounts: tenants (the Grid `customer_name`), users, roles, permissions, API keys, passwords and
 * CertView tokens (JWT).
 *
 * @example
 *   const accounts = createAccounts({ repo: repos.accounts, clock: systemClock, random: systemRandom });
 *   const { apiKey } = await accounts.createCustomer('acme');
 *   const principal = await accounts.authenticateApiKey('acme', apiKey);
 *
 *   const { token } = await accounts.login({ username: 'alice', password: '…', ip: '192.0.2.1' });
 *   const user = await accounts.authenticateToken(token); // CertviewPrincipal, or a coded error
 */
import type { Principal } from '../grid/types.js';
import { authenticateApiKey } from './authenticate-api-key.js';
import { authenticateToken, type CertviewPrincipal } from './authenticate-token.js';
import { createApiKey } from './create-api-key.js';
import { createCustomer, type CreateCustomerOptions, type CreatedCustomer } from './create-customer.js';
import { createUser, type CreateUserInput, type CreatedUser } from './create-user.js';
import type { AccountsDeps } from './deps.js';
import { getAccount, getAccountById } from './get-account.js';
import type { IssuedToken } from './issue-token.js';
import { login, type LoginInput } from './login.js';
import { createMemoryLoginThrottle } from './login-throttle.js';
import { setAccountSettings, type AccountSettingsInput } from './set-account-settings.js';
import {
  grantPermission,
  revokePermission,
  type UserPermissionsInput,
  type UserPermissionsView,
} from './set-permissions.js';
import { createSigningKeyRing } from './signing-keys.js';
import { DEFAULT_TOKEN_TTL_MINUTES, type TokenSettings } from './token-settings.js';
import { verifyPassword, type VerifiedUser } from './verify-password.js';
import type { AccountView } from './view.js';

export type { AccountsDeps } from './deps.js';
export type {
  AccountsRepository,
  AccountRecord,
  ApiKeyOwner,
  NewUser,
  PrincipalRecord,
  SigningKeyRecord,
  UserRecord,
} from './repository.js';
export { ROLES, normalizeRole, type Role } from './roles.js';
export {
  CERTVIEW_API_ACCESS,
  PERMISSIONS,
  hasPermission,
  normalizePermission,
  type Permission,
} from './permissions.js';
export {
  DEFAULT_LOGIN_THROTTLE_LIMITS,
  createMemoryLoginThrottle,
  type LoginAdmission,
  type LoginAttempt,
  type LoginThrottle,
  type LoginThrottleLimits,
} from './login-throttle.js';
export { DEFAULT_TOKEN_TTL_MINUTES, TOKEN_ISSUER } from './token-settings.js';
export type {
  AccountSettingsInput,
  AccountView,
  CertviewPrincipal,
  CreateCustomerOptions,
  CreatedCustomer,
  CreateUserInput,
  CreatedUser,
  IssuedToken,
  LoginInput,
  UserPermissionsInput,
  UserPermissionsView,
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
  /**
   * CertView login: password → token, throttled per user name and address.
   * @throws CertgridError MISSING_ARGUMENT, RATE_LIMITED, AUTH_FAILED (see login.ts).
   */
  login(input: LoginInput): Promise<IssuedToken>;
  /**
   * A CertView bearer token → the user it acts as, re-read from the store on every call.
   * @throws CertgridError TOKEN_INVALID, TOKEN_EXPIRED, LICENSE_DENIED, PERMISSION_DENIED.
   */
  authenticateToken(token: string): Promise<CertviewPrincipal>;
  grantPermission(input: UserPermissionsInput): Promise<UserPermissionsView>;
  revokePermission(input: UserPermissionsInput): Promise<UserPermissionsView>;
  /**
   * A new token signing key for every process sharing the store; tokens signed by older keys
   * stay valid until they expire.
   */
  rotateTokenKey(): Promise<{ kid: string }>;
}

export function createAccounts(deps: AccountsDeps): Accounts {
  const tokens: TokenSettings = {
    clock: deps.clock,
    keys: createSigningKeyRing(deps),
    ttlMinutes: deps.tokenTtlMinutes ?? DEFAULT_TOKEN_TTL_MINUTES,
  };
  const withTokens = { ...deps, tokens, throttle: deps.loginThrottle ?? createMemoryLoginThrottle() };
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
    login: (input) => login(withTokens, input),
    authenticateToken: (token) => authenticateToken(withTokens, token),
    grantPermission: (input) => grantPermission(deps, input),
    revokePermission: (input) => revokePermission(deps, input),
    rotateTokenKey: async () => ({ kid: (await tokens.keys.rotate()).kid }),
  };
}
