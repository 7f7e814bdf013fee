/**
 * What the accounts use cases need from storage. Declared here (the consumer), implemented in
 * store/repos/accounts-repository.ts.
 */

export interface AccountRecord {
  readonly id: number;
  readonly name: string;
  readonly apiApprovals: boolean;
  readonly selfApproval: boolean;
  readonly createdAt: Date;
}

export interface UserRecord {
  readonly id: number;
  readonly accountId: number;
  readonly accountName: string;
  readonly username: string;
  readonly fullName: string;
  readonly passwordHash: string | null;
  readonly role: string;
  readonly createdAt: Date;
}

export interface NewUser {
  readonly username: string;
  readonly fullName: string;
  readonly passwordHash: string | null;
  readonly role: string;
  readonly createdAt: Date;
}

/** An API key row joined with the user and account that own it. */
export interface ApiKeyOwner {
  readonly keyHash: string;
  readonly accountId: number;
  readonly accountName: string;
  readonly userId: number;
  readonly username: string;
  readonly fullName: string;
  readonly revokedAt: Date | null;
}

export interface AccountsRepository {
  /**
   * Creates an account, its first user and one API key for that user, atomically.
   * @throws CertgridError ALREADY_EXISTS with field `customer_name` (account name taken) or
   *   `username` (user name taken: user names are unique across accounts).
   */
  createAccount(input: {
    readonly name: string;
    readonly apiApprovals: boolean;
    readonly selfApproval: boolean;
    readonly createdAt: Date;
    readonly user: NewUser;
    readonly keyHash: string;
  }): Promise<{ accountId: number; userId: number }>;
  countAccounts(): Promise<number>;
  findAccountByName(name: string): Promise<AccountRecord | null>;
  findAccountById(id: number): Promise<AccountRecord | null>;
  updateAccountSettings(
    id: number,
    settings: { readonly apiApprovals?: boolean | undefined; readonly selfApproval?: boolean | undefined },
  ): Promise<void>;
  /** @throws CertgridError ALREADY_EXISTS field `username`. */
  insertUser(accountId: number, user: NewUser): Promise<number>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  insertApiKey(key: {
    readonly accountId: number;
    readonly userId: number;
    readonly keyHash: string;
    readonly createdAt: Date;
  }): Promise<number>;
  /** The owner of a key by its hash, revoked or not; null when no such key. */
  findApiKeyOwner(keyHash: string): Promise<ApiKeyOwner | null>;
}
