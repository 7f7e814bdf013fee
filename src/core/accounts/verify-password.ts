import type { Principal } from '../grid/types.js';
import type { AccountsDeps } from './deps.js';
import { checkPassword, DUMMY_PASSWORD_HASH } from './secrets.js';
import { displayName } from './view.js';

export interface VerifiedUser extends Principal {
  readonly username: string;
  readonly role: string;
}

/**
 * Checks a user's password (for the dashboard / JWT login). Null for an unknown user, a user
 * without a password (API-only), a user of another account than `customerName` (when given) or
 * a wrong password; the same scrypt work is done in every case so timing reveals nothing.
 */
export async function verifyPassword(
  deps: AccountsDeps,
  input: { readonly username: string; readonly password: string; readonly customerName?: string | undefined },
): Promise<VerifiedUser | null> {
  const user = typeof input.username === 'string' ? await deps.repo.findUserByUsername(input.username) : null;
  const ok = await checkPassword(String(input.password ?? ''), user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!ok || user === null || user.passwordHash === null) return null;
  if (input.customerName !== undefined && input.customerName !== user.accountName) return null;
  return {
    accountId: user.accountId,
    accountName: user.accountName,
    userId: user.id,
    userName: displayName(user),
    username: user.username,
    role: user.role,
  };
}
