import type { Accounts } from '../accounts/index.js';
import type { AuditLog } from '../audit/index.js';
import type { CertificateAuthority } from '../ca/authority.js';
import type { WeakKeyChecker } from '../ca/csr/index.js';
import type { Clock } from '../deps.js';
import type { GridRepository } from './repository.js';

/** The slice of the CA the Grid use cases call. */
export type GridCa = Pick<CertificateAuthority, 'issue' | 'bundleFor' | 'revocationChanged'>;

/** The slice of accounts the Grid use cases call. */
export type GridAccounts = Pick<Accounts, 'authenticateApiKey' | 'getAccount' | 'getAccountById'>;

export interface GridConfig {
  /** Validity when the request names none. */
  readonly defaultValidityYears: number;
  /** Upper bound on `validity` (also capped by the CA's lint limits per profile). */
  readonly maxValidityYears: number;
}

export interface GridDeps {
  readonly repo: GridRepository;
  readonly ca: GridCa;
  readonly accounts: GridAccounts;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly weakKeys: WeakKeyChecker;
  readonly config: GridConfig;
}
