import type { AccountRecord } from './repository.js';

/** An account as the outside world sees it. */
export interface AccountView {
  readonly id: number;
  readonly name: string;
  /** Whether grid_approve_request / grid_reject_request are allowed through the API. */
  readonly apiApprovals: boolean;
  /** Whether a requester may approve their own request. */
  readonly selfApproval: boolean;
  readonly createdAt: Date;
  /** Whether the account's users may call the CertView API (spec Appendix A, code 2012 when not). */
  readonly certviewApiAccess: boolean;
}

export const toAccountView = (a: AccountRecord): AccountView => ({
  id: a.id,
  name: a.name,
  apiApprovals: a.apiApprovals,
  selfApproval: a.selfApproval,
  createdAt: a.createdAt,
  certviewApiAccess: a.certviewApiAccess,
});

/** The name shown for a user in the audit log: the full name when there is one. */
export const displayName = (u: { readonly username: string; readonly fullName: string }): string =>
  u.fullName === '' ? u.username : u.fullName;
