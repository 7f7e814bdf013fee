import type { AccountsDeps } from './deps.js';
import { toAccountView, type AccountView } from './view.js';

/** The account named `name`, or null. */
export async function getAccount(deps: AccountsDeps, name: string): Promise<AccountView | null> {
  const a = await deps.repo.findAccountByName(name);
  return a === null ? null : toAccountView(a);
}

/** The account with id `id`, or null. */
export async function getAccountById(deps: AccountsDeps, id: number): Promise<AccountView | null> {
  const a = await deps.repo.findAccountById(id);
  return a === null ? null : toAccountView(a);
}
