import { CertgridError } from '../errors.js';
import type { AccountsDeps } from './deps.js';
import { CERTVIEW_API_ACCESS, effectivePermissions, type Permission } from './permissions.js';
import type { TokenSettings } from './token-settings.js';
import { verifyToken } from './verify-token.js';

/** The user a CertView call acts as. */
export interface CertviewPrincipal {
  readonly accountId: number;
  readonly accountName: string;
  readonly userId: number;
  readonly username: string;
  readonly role: string;
  /** Effective permissions: granted ones, or all of them for a Super User. */
  readonly permissions: readonly Permission[];
}

/**
 * Resolves a CertView bearer token to the user it was issued to, as that user and account are
 * now: the store is read on every call (one primary-key lookup), so deleting the user, revoking
 * the permission or turning the account's licence off takes effect at once.
 * @throws CertgridError TOKEN_EXPIRED; TOKEN_INVALID (bad token, or its user no longer exists);
 *   LICENSE_DENIED when the account's CertView API access is off; PERMISSION_DENIED without
 *   CERTVIEW.API.ACCESS. The licence is checked first: it is the account's switch, whoever calls.
 */
export async function authenticateToken(
  deps: AccountsDeps & { readonly tokens: TokenSettings },
  token: string,
): Promise<CertviewPrincipal> {
  const claims = await verifyToken(deps.tokens, token);
  const user = await deps.repo.findPrincipalById(claims.userId);
  // The account and name must still match: a token never moves to another tenant.
  if (user === null || user.accountId !== claims.accountId || user.username !== claims.username) {
    throw new CertgridError('TOKEN_INVALID', 'Invalid token: its user no longer exists.');
  }
  if (!user.certviewApiAccess) {
    throw new CertgridError('LICENSE_DENIED', 'The account is not licensed for the CertView API.');
  }
  const permissions = effectivePermissions(user.role, user.permissions);
  if (!permissions.includes(CERTVIEW_API_ACCESS)) {
    throw new CertgridError('PERMISSION_DENIED', `The user lacks the ${CERTVIEW_API_ACCESS} permission.`, {
      data: { permission: CERTVIEW_API_ACCESS },
    });
  }
  return {
    accountId: user.accountId,
    accountName: user.accountName,
    userId: user.userId,
    username: user.username,
    role: user.role,
    permissions,
  };
}
