import type { AccountsDeps } from './deps.js';
import { requireAccount } from './validate.js';
import { toAccountView, type AccountView } from './view.js';

export interface AccountSettingsInput {
  readonly customerName: string;
  readonly apiApprovals?: boolean | undefined;
  readonly selfApproval?: boolean | undefined;
  /** The account's licence for the CertView API. */
  readonly certviewApiAccess?: boolean | undefined;
}

/**
 * Changes an account's approval and API access settings; omitted settings keep their value.
 * @throws CertgridError NOT_FOUND field `customer_name`.
 */
export async function setAccountSettings(
  deps: AccountsDeps,
  input: AccountSettingsInput,
): Promise<AccountView> {
  const account = await requireAccount(deps.repo, input.customerName);
  if (
    input.apiApprovals === undefined &&
    input.selfApproval === undefined &&
    input.certviewApiAccess === undefined
  ) {
    return toAccountView(account);
  }
  await deps.repo.updateAccountSettings(account.id, {
    apiApprovals: input.apiApprovals,
    selfApproval: input.selfApproval,
    certviewApiAccess: input.certviewApiAccess,
  });
  return {
    ...toAccountView(account),
    apiApprovals: input.apiApprovals ?? account.apiApprovals,
    selfApproval: input.selfApproval ?? account.selfApproval,
    certviewApiAccess: input.certviewApiAccess ?? account.certviewApiAccess,
  };
}
