/**
 * What an account's trusted roots need from storage. Declared here (the consumer), implemented in
 * store/repos/trusted-root-repository.ts.
 */

/** A root CA certificate an account added to its trust store. */
export interface TrustedRootRecord {
  readonly accountId: number;
  /** Lowercase hex SHA-256 of `der`: the root's identity. */
  readonly certhash: string;
  readonly der: Uint8Array;
  /** The subject on one line (`CN=Example Root, O=Example`). */
  readonly subject: string;
  /** notAfter, epoch milliseconds. */
  readonly notAfter: number;
  /** When the account added it, epoch milliseconds. */
  readonly created: number;
}

export interface TrustedRootRepository {
  /** Stores the root; false (and nothing changed) when the account already holds that certhash. */
  add(root: TrustedRootRecord): Promise<boolean>;
  /** The account's roots, oldest first. */
  list(accountId: number): Promise<TrustedRootRecord[]>;
  /** False when the account has no such root. */
  remove(accountId: number, certhash: string): Promise<boolean>;
}
