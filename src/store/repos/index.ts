/**
 * Kysely implementations of the repository interfaces the core modules declare, for SQLite and
 * PostgreSQL alike (the SQL they emit is portable; the differences live in db.ts and migrations).
 */
import type { Kysely } from 'kysely';
import type { AccountsRepository } from '../../core/accounts/repository.js';
import type { EndpointRepository } from '../../core/analysis/repository.js';
import type { ScanJobRepository } from '../../core/analysis/scan-job-repository.js';
import type { TrustedRootRepository } from '../../core/analysis/trusted-root-repository.js';
import type { AuditRepository } from '../../core/audit/repository.js';
import type { CaRepository } from '../../core/ca/authority-repository.js';
import type { EnrollmentRepository } from '../../core/enrollment/repository.js';
import type { GridRepository } from '../../core/grid/repository.js';
import type { InventoryRepository } from '../../core/inventory/repository.js';
import type { Dialect } from '../db.js';
import type { Database } from '../schema.js';
import { createAccountsRepository } from './accounts-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createCaRepository } from './ca-repository.js';
import { createEndpointRepository } from './endpoint-repository.js';
import { createEnrollmentRepository } from './enrollment-repository.js';
import { createScanJobRepository } from './scan-job-repository.js';
import { createTrustedRootRepository } from './trusted-root-repository.js';
import { createGridRepository } from './grid-repository.js';
import { createInventoryRepository } from './inventory-repository.js';

export { isUniqueViolation } from './errors.js';
export { inTransaction, type Executor, type RepoDatabase } from './transaction.js';
export {
  createAccountsRepository,
  createAuditRepository,
  createCaRepository,
  createEndpointRepository,
  createEnrollmentRepository,
  createScanJobRepository,
  createTrustedRootRepository,
  createGridRepository,
  createInventoryRepository,
};

export interface Repositories {
  readonly accounts: AccountsRepository;
  readonly audit: AuditRepository;
  readonly ca: CaRepository;
  readonly endpoints: EndpointRepository;
  readonly enrollment: EnrollmentRepository;
  readonly scanJobs: ScanJobRepository;
  readonly trustedRoots: TrustedRootRepository;
  readonly grid: GridRepository;
  readonly inventory: InventoryRepository;
}

/**
 * Every repository over one store. The SQL is portable; `dialect` only picks how the issuance hot
 * path writes (group commit on SQLite, one CTE statement on PostgreSQL) and how an enrollment order
 * takes a licence (a row lock on PostgreSQL).
 */
export function createRepositories(db: Kysely<Database>, dialect: Dialect): Repositories {
  return {
    accounts: createAccountsRepository(db),
    audit: createAuditRepository(db),
    ca: createCaRepository(db),
    endpoints: createEndpointRepository(db),
    enrollment: createEnrollmentRepository(db, dialect),
    scanJobs: createScanJobRepository(db),
    trustedRoots: createTrustedRootRepository(db),
    grid: createGridRepository(db, dialect),
    inventory: createInventoryRepository(db),
  };
}
