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
  /** The account's licence for the CertView API. */
  readonly certviewApiAccess: boolean;
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
  /** Granted permissions as stored (unknown names included; see permissions.ts). */
  readonly permissions: readonly string[];
}

export interface NewUser {
  readonly username: string;
  readonly fullName: string;
  readonly passwordHash: string | null;
  readonly role: string;
  readonly createdAt: Date;
  /** Default: none. */
  readonly permissions?: readonly string[] | undefined;
}

/** A user with what every CertView call checks: role, permissions and the account's licence. */
export interface PrincipalRecord {
  readonly userId: number;
  readonly username: string;
  readonly role: string;
  readonly permissions: readonly string[];
  readonly accountId: number;
  readonly accountName: string;
  readonly certviewApiAccess: boolean;
}

/** An HS256 secret for CertView JWTs. */
export interface SigningKeyRecord {
  /** The JWS `kid` header of the tokens it signs. */
  readonly kid: string;
  /** The highest generation signs new tokens. */
  readonly generation: number;
  readonly secret: Uint8Array;
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
    settings: {
      readonly apiApprovals?: boolean | undefined;
      readonly selfApproval?: boolean | undefined;
      readonly certviewApiAccess?: boolean | undefined;
    },
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
  /** A user with their account, by primary key: every CertView call makes this lookup. */
  findPrincipalById(userId: number): Promise<PrincipalRecord | null>;
  /**
   * Replaces a user's permissions with `update(current)`, atomically with respect to concurrent
   * updates of the same user (no grant or revocation is lost). Null when there is no such user.
   */
  updateUserPermissions(
    userId: number,
    update: (current: readonly string[]) => readonly string[],
  ): Promise<readonly string[] | null>;
  /** The signing key of the highest generation, or null when none was created yet. */
  findLatestSigningKey(): Promise<SigningKeyRecord | null>;
  findSigningKey(kid: string): Promise<SigningKeyRecord | null>;
  /** @throws CertgridError ALREADY_EXISTS field `generation` when that generation (or kid) exists. */
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
}
