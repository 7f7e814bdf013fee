import { CertgridError, notFound } from '../errors.js';
import type { AccountsDeps } from './deps.js';
import { hashApiKey, newApiKey } from './secrets.js';
import { requireAccount } from './validate.js';

/**
 * Issues another API key for an existing user of the account. The key is returned once; only its
 * SHA-256 is stored.
 * @throws CertgridError NOT_FOUND field `customer_name` or `username`.
 */
export async function createApiKey(
  deps: AccountsDeps,
  input: { readonly customerName: string; readonly username: string },
): Promise<{ apiKey: string }> {
  const account = await requireAccount(deps.repo, input.customerName);
  const user = await deps.repo.findUserByUsername(input.username);
  // A user of another account is reported exactly like a missing one: no cross-tenant probing.
  if (user === null || user.accountId !== account.id) throw notFound('username');
  const apiKey = newApiKey(deps.random);
  const keyHash = hashApiKey(apiKey);
  try {
    await deps.repo.insertApiKey({
      accountId: account.id,
      userId: user.id,
      keyHash,
      createdAt: deps.clock.now(),
    });
  } catch (e) {
    // 256 random bits cannot collide in practice; a collision means a broken random source.
    if (CertgridError.is(e, 'ALREADY_EXISTS')) throw new CertgridError('INTERNAL', 'API key collision.');
    throw e;
  }
  return { apiKey };
}
