import { CertgridError } from '../errors.js';
import type { AccountsDeps } from './deps.js';
import { issueToken, type IssuedToken } from './issue-token.js';
import type { LoginThrottle } from './login-throttle.js';
import type { TokenSettings } from './token-settings.js';
import { verifyPassword } from './verify-password.js';

export interface LoginInput {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The client's address, for the per-address throttle. */
  readonly ip: string;
}

// Longer passwords fail without being hashed: scrypt of a megabyte is work an attacker should not get for free.
const MAX_PASSWORD_LENGTH = 1024;

/**
 * The CertView login (`POST /auth`): checks the password and issues a token. Throttled per user
 * name and per address before the password is looked at; a success resets the user's count.
 * Permissions and the account's licence are not checked here but on every call, so a change
 * takes effect at once rather than when the token expires.
 * @throws CertgridError MISSING_ARGUMENT (field `username` or `password`, data.names lists every
 *   missing one); RATE_LIMITED (data.retryAfterSeconds); AUTH_FAILED for any bad credentials —
 *   unknown user, wrong password, user without a password — alike.
 */
export async function login(
  deps: AccountsDeps & { readonly tokens: TokenSettings; readonly throttle: LoginThrottle },
  input: LoginInput,
): Promise<IssuedToken> {
  const username = typeof input.username === 'string' ? input.username : '';
  const password = typeof input.password === 'string' ? input.password : '';
  const names = [...(username === '' ? ['username'] : []), ...(password === '' ? ['password'] : [])];
  if (names.length > 0) {
    throw new CertgridError('MISSING_ARGUMENT', `Missing required parameter(s): ${names.join(', ')}`, {
      field: names[0] as string,
      data: { names },
    });
  }
  const attempt = { username, ip: input.ip };
  const now = deps.clock.now();
  const admission = await deps.throttle.admit(attempt, now);
  if (!admission.admitted) {
    throw new CertgridError('RATE_LIMITED', 'Too many failed logins; try again later.', {
      data: { retryAfterSeconds: Math.max(1, Math.ceil(admission.retryAfterMs / 1000)) },
    });
  }
  const user =
    password.length > MAX_PASSWORD_LENGTH ? null : await verifyPassword(deps, { username, password });
  if (user === null) throw new CertgridError('AUTH_FAILED', 'Bad username or password.');
  await deps.throttle.succeeded(attempt, now);
  return issueToken(deps.tokens, { userId: user.userId, accountId: user.accountId, username: user.username });
}
