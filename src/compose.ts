/**
 * The composition root shared by main.ts, the CLI and tests: config + store → core services.
 * Wiring only; no policy lives here.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertgridError } from './core/errors.js';
import type { Config } from './config/index.js';
import { createAccounts, createMemoryLoginThrottle, type Accounts } from './core/accounts/index.js';
import { createAuditLog, type AuditLog } from './core/audit/index.js';
import { createCertificateAuthority, type CertificateAuthority } from './core/ca/authority.js';
import { revokedSerialsOf } from './core/ca/crl.js';
import { createWeakKeyChecker } from './core/ca/csr/index.js';
import { writeSecretFile } from './core/ca/index.js';
import type { PkiPublisher } from './core/ca/publisher.js';
import {
  silentLogger,
  systemClock,
  systemRandom,
  type Clock,
  type Logger,
  type Random,
} from './core/deps.js';
import { createBuiltinConnector, createEnrollment, type Enrollment } from './core/enrollment/index.js';
import { createGridService } from './core/grid/index.js';
import { createInventory, type Inventory } from './core/inventory/index.js';
import { createEnrollmentCatalog, type EnrollmentCatalog } from './core/enrollment/catalog.js';
import {
  createAnalysis,
  createScanJobs,
  createTrustedRoots,
  systemResolver,
  type Analysis,
  type HostResolver,
  type ScanJobs,
  type TrustedRoots,
} from './core/analysis/index.js';
import { createEndpointAssessor } from './core/analysis/endpoint-assessor.js';
import { paddingOracleActiveTest } from './core/scan/probes/padding-oracle.js';
import { robotActiveTest } from './core/scan/probes/robot.js';
import { createScheduler } from './core/scan/scheduler.js';
import type { GridService } from './core/grid/types.js';
import type { Store } from './store/db.js';
import { createRepositories } from './store/repos/index.js';

export interface Certgrid {
  readonly accounts: Accounts;
  readonly audit: AuditLog;
  readonly ca: CertificateAuthority;
  readonly grid: GridService;
  readonly inventory: Inventory;
  /** TLS assessment: analyze, getEndpointData, scans (core/analysis over core/scan and core/assess). */
  readonly analysis: Analysis;
  /** Scans as background jobs, and schedules that repeat them. */
  readonly scanJobs: ScanJobs;
  /** Roots each account adds to its trust store: the `account` root store of its assessments. */
  readonly trustedRoots: TrustedRoots;
  /** What enrollment orders may name: organisations, EV approvers, products, order licences. */
  readonly catalog: EnrollmentCatalog;
  /** CertView enrollment and renewal orders (chapter 5), fulfilled through CA connectors. */
  readonly enrollment: Enrollment;
  /** The CA as the /crl, /ocsp and /ca endpoints see it. */
  readonly pki: PkiPublisher;
  /** The clock the core runs on, for adapters that stamp their answers (CertView error `datetime`). */
  readonly clock: Clock;
  /** Releases what the core holds; the store stays open (its opener closes it). */
  close(): Promise<void>;
}

export interface CreateCertgridOptions {
  readonly config: Config;
  readonly store: Store;
  readonly clock?: Clock | undefined;
  readonly random?: Random | undefined;
  readonly logger?: Logger | undefined;
  /** Name resolution for analyze (tests answer without DNS). */
  readonly resolver?: HostResolver | undefined;
  /**
   * The clock trust is judged by (certificate validity). Default: `clock`. Tests that freeze the core's
   * clock still assess real certificates against real time.
   */
  readonly scanClock?: Clock | undefined;
  /** Overrides config.ca.passphrase and the passphrase file (tests). */
  readonly passphrase?: string | undefined;
}

/** Name of the generated passphrase file under the data directory. */
export const PASSPHRASE_FILE = 'ca-passphrase';

/**
 * The passphrase protecting the CA keys: config.ca.passphrase when set, else the contents of
 * `<dataDir>/ca-passphrase`. The file is created (32 random bytes, base64url, mode 0600) only when the CA
 * itself is created: a missing passphrase for existing keys is an error, never a fresh secret that would
 * not open them. Keeping it beside the database only protects against leaks of the database alone
 * (a backup, a PostgreSQL replica); set CERTGRID_CA_PASSPHRASE to keep the two apart.
 */
export async function resolveCaPassphrase(
  config: Config,
  random: Random = systemRandom,
  opts: { readonly create: boolean } = { create: false },
): Promise<string> {
  if (config.ca.passphrase !== undefined) return config.ca.passphrase;
  const path = join(config.dataDir, PASSPHRASE_FILE);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing !== '') return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!opts.create) {
    throw new CertgridError(
      'CA_KEY_UNAVAILABLE',
      `The CA keys are encrypted and no passphrase was found: set CERTGRID_CA_PASSPHRASE or restore ${path}.`,
    );
  }
  const passphrase = random.bytes(32).toString('base64url');
  await writeSecretFile(path, `${passphrase}\n`);
  return passphrase;
}

export async function createCertgrid(opts: CreateCertgridOptions): Promise<Certgrid> {
  const { config, store } = opts;
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const logger = opts.logger ?? silentLogger;
  const repos = createRepositories(store.db, store.dialect);
  const passphrase = opts.passphrase ?? {
    get: ({ create }: { create: boolean }) => resolveCaPassphrase(config, random, { create }),
  };
  // Blocklists are read once, here, synchronously (DESIGN: build the checker in the composition root).
  const weakKeys = createWeakKeyChecker({ debianBlocklists: config.ca.weakKeyBlocklists });

  const accounts = createAccounts({
    repo: repos.accounts,
    clock,
    random,
    tokenTtlMinutes: config.certview.tokenTtlMinutes,
    // Per process (see login-throttle.ts): with --workers N each worker counts on its own.
    loginThrottle: createMemoryLoginThrottle(config.auth),
  });
  const audit = createAuditLog({ repo: repos.audit, clock });
  const ca = createCertificateAuthority({
    repo: repos.ca,
    clock,
    random,
    urls: { baseUrl: config.publicUrl },
    passphrase,
    crlRefreshHours: config.ca.crlRefreshHours,
  });
  // Certificates the CA issues reach the inventory through its orders (core/inventory/issued-feed.ts).
  const inventory = createInventory({ repo: repos.inventory, clock });
  const grid = createGridService({
    repo: repos.grid,
    ca,
    accounts,
    audit,
    clock,
    weakKeys,
    config: config.grid,
  });
  // One scheduler per process owns every scan connection (core/scan/scheduler.ts).
  const scheduler = createScheduler({
    concurrency: config.scan.concurrency,
    perTarget: config.scan.perTarget,
    probeTimeoutMs: config.scan.probeTimeoutMs,
  });
  const trustedRoots = createTrustedRoots({ repo: repos.trustedRoots, clock });
  const analysis = createAnalysis({
    endpoints: repos.endpoints,
    inventory,
    resolver: opts.resolver ?? systemResolver,
    clock,
    scheduler,
    ports: config.scan.ports,
    assess: createEndpointAssessor({
      scheduler,
      clock: opts.scanClock ?? clock,
      certgridCas: () => ca.describe(),
      certgridRevocations: async () => {
        const revoked = new Map<string, ReadonlySet<string>>();
        for (const c of await ca.describe()) {
          const crl = await ca.crl(c.id);
          if (crl !== null) revoked.set(c.certhash.toLowerCase(), revokedSerialsOf(crl));
        }
        return revoked;
      },
      accountRoots: (accountId) => trustedRoots.accountRoots(accountId),
      // Tests that need a completed TLS 1.2 session: ROBOT and the CBC padding oracles.
      activeTests: [robotActiveTest, paddingOracleActiveTest],
    }),
  });
  const scanJobs = createScanJobs({
    repo: repos.scanJobs,
    scan: (input) => analysis.scan(input),
    clock,
    logger,
    ports: config.scan.ports,
  });
  const catalog = createEnrollmentCatalog({ repo: repos.enrollment, clock });
  // CertView orders reach a CA through connectors; certgrid's own CA is the one built in.
  const enrollment = createEnrollment({
    repo: repos.enrollment,
    connectors: [createBuiltinConnector({ ca, orders: repos.grid, audit, clock })],
    users: repos.accounts,
    inventory,
    audit,
    weakKeys,
    clock,
    logger,
    newUuid: () => randomUUID(),
  });
  logger.info({ store: store.dialect }, 'certgrid core ready');
  return {
    accounts,
    audit,
    ca,
    grid,
    inventory,
    analysis,
    scanJobs,
    trustedRoots,
    catalog,
    enrollment,
    pki: ca,
    clock,
    // Running scan jobs finish before the store closes under them.
    close: () => scanJobs.idle(),
  };
}
