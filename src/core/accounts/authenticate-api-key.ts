import type { Principal } from '../grid/types.js';
import type { AccountsDeps } from './deps.js';
import { digestsEqual, hashApiKey } from './secrets.js';
import { displayName } from './view.js';

// Compared against when no key matches, so both paths run the same constant-time comparison.
const NO_MATCH = '0'.repeat(64);

/**
 * Resolves `customer_name` + `customer_api_key` to the acting user, or null for any mismatch
 * (unknown key, revoked key, key of another account). Callers must not tell these apart.
 */
export async function authenticateApiKey(
  deps: AccountsDeps,
  customerName: string,
  apiKey: string,
): Promise<Principal | null> {
  if (typeof apiKey !== 'string' || apiKey.length === 0 || apiKey.length > 512) return null;
  const digest = hashApiKey(apiKey);
  // The lookup is by digest (an index probe, no timing oracle on the key itself); the
  // timingSafeEqual below re-checks it so a lax collation or a driver quirk cannot widen a match.
  const owner = await deps.repo.findApiKeyOwner(digest);
  const same = digestsEqual(owner?.keyHash ?? NO_MATCH, digest);
  if (owner === null || !same || owner.revokedAt !== null || owner.accountName !== customerName) return null;
  return {
    accountId: owner.accountId,
    accountName: owner.accountName,
    userId: owner.userId,
    userName: displayName(owner),
  };
}
