import type { AccountsDeps } from './deps.js';
import { normalizePermissions, type Permission } from './permissions.js';
import { normalizeRole, type Role } from './roles.js';
import { hashPassword } from './secrets.js';
import { checkFullName, checkPasswordPolicy, checkUsername, requireAccount } from './validate.js';

export interface CreateUserInput {
  readonly customerName: string;
  readonly username: string;
  readonly password: string;
  /** Any spelling of a role: `Super User`, `super_user`, `pki-admin` … */
  readonly role: string;
  readonly fullName?: string | undefined;
  /** Permission names to grant (e.g. `CERTVIEW.API.ACCESS`); entries may be comma-separated. */
  readonly permissions?: readonly string[] | undefined;
}

export interface CreatedUser {
  readonly userId: number;
  readonly accountId: number;
  readonly username: string;
  readonly role: Role;
  readonly permissions: readonly Permission[];
}

/**
 * Adds a user with a password (scrypt) to an account.
 * @throws CertgridError NOT_FOUND field `customer_name`; INVALID_ARGUMENT / MISSING_ARGUMENT
 *   fields `username`, `password` (min 8 characters), `role`, `full_name`, `permissions`; ALREADY_EXISTS field
 *   `username` (user names are unique across accounts).
 */
export async function createUser(deps: AccountsDeps, input: CreateUserInput): Promise<CreatedUser> {
  const username = checkUsername(input.username);
  const role = normalizeRole(input.role);
  const password = checkPasswordPolicy(input.password);
  const fullName = checkFullName(input.fullName);
  const permissions = normalizePermissions(input.permissions ?? []);
  const account = await requireAccount(deps.repo, input.customerName);
  const passwordHash = await hashPassword(password, deps.random);
  const userId = await deps.repo.insertUser(account.id, {
    username,
    fullName,
    passwordHash,
    role,
    createdAt: deps.clock.now(),
    permissions,
  });
  return { userId, accountId: account.id, username, role, permissions };
}
