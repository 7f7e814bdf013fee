import { notFound } from '../errors.js';
import type { AccountsDeps } from './deps.js';
import { knownPermissions, normalizePermission, type Permission } from './permissions.js';

export interface UserPermissionsInput {
  readonly username: string;
  /** Any spelling of a permission name (case-insensitive). */
  readonly permission: string;
}

export interface UserPermissionsView {
  readonly username: string;
  readonly role: string;
  /** Granted permissions, after the change (a Super User holds all of them regardless). */
  readonly permissions: readonly Permission[];
}

/**
 * Grants a permission to a user (idempotent).
 * @throws CertgridError INVALID_ARGUMENT field `permission`; NOT_FOUND field `username`.
 */
export async function grantPermission(
  deps: AccountsDeps,
  input: UserPermissionsInput,
): Promise<UserPermissionsView> {
  const p = normalizePermission(input.permission);
  return change(deps, input.username, (current) => [...new Set([...knownPermissions(current), p])].sort());
}

/**
 * Takes a permission back (idempotent); effective at the user's next call.
 * @throws CertgridError INVALID_ARGUMENT field `permission`; NOT_FOUND field `username`.
 */
export async function revokePermission(
  deps: AccountsDeps,
  input: UserPermissionsInput,
): Promise<UserPermissionsView> {
  const p = normalizePermission(input.permission);
  return change(deps, input.username, (current) => knownPermissions(current).filter((x) => x !== p));
}

async function change(
  deps: AccountsDeps,
  username: string,
  update: (current: readonly string[]) => Permission[],
): Promise<UserPermissionsView> {
  const user = typeof username === 'string' ? await deps.repo.findUserByUsername(username) : null;
  if (user === null) throw notFound('username');
  const after = await deps.repo.updateUserPermissions(user.id, update);
  if (after === null) throw notFound('username');
  return { username: user.username, role: user.role, permissions: knownPermissions(after) };
}
