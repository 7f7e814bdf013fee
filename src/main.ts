import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { createCertgrid, type Certgrid } from './compose.js';
import { openStore, type Store } from './store/db.js';
import { buildApp } from './server/app.js';

/** Where the embedded store lives. */
export const sqlitePathOf = (config: Config): string => join(config.dataDir, 'certgrid.db');

/** Opens the configured store: PostgreSQL when DATABASE_URL says so, else SQLite under the data dir. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openStore({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqlitePathOf(config),
  });
}

export interface Running {
  readonly app: FastifyInstance;
  readonly certgrid: Certgrid;
  readonly url: string;
  /** Starts following the CA's orders into the inventory (once; see `followIssued` below). */
  followIssued(): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  /**
   * Record issued certificates in the inventory every second (default true). Workers of one cluster
   * start with false and the supervisor tells one of them to follow (cli/commands/serve.ts).
   */
  readonly followIssued?: boolean;
}

/** The composition root: config → store → core → app → listen. */
export async function startServer(
  config: Config,
  certgrid: Certgrid,
  store: Store,
  options: ServerOptions = {},
): Promise<Running> {
  const app = await buildApp({
    grid: certgrid.grid,
    pki: certgrid.pki,
    inventory: certgrid.inventory,
    analysis: certgrid.analysis,
    scanJobs: certgrid.scanJobs,
    trustedRoots: certgrid.trustedRoots,
    enrollment: certgrid.enrollment,
    certview: { accounts: certgrid.accounts, clock: certgrid.clock },
    logger: { level: config.logLevel },
  });
  const url = await app.listen({ host: config.host, port: config.port });
  // CRLs are regenerated well before nextUpdate even when nothing is revoked (RFC 5280 §5.1.2.5).
  const refresh = setInterval(
    () => {
      certgrid.ca.refreshDueCrls().catch((err: unknown) => app.log.error({ err }, 'CRL refresh failed'));
    },
    5 * 60 * 1000,
  );
  refresh.unref();
  // Certificates the CA issued reach the inventory within a second even when nobody reads it, so a
  // read seldom has a backlog to record first (core/inventory/issued-feed.ts). One process of a
  // cluster does it: two catching up at once took turns on SQLite's write lock, each waiting with its
  // event loop blocked (P-256 issuance, two workers, c=64: p99 98-129 ms with one follower, 172-233 ms
  // with both, in alternating runs of `npm run bench -- issuance`).
  let recording: Promise<unknown> = Promise.resolve();
  let follow: NodeJS.Timeout | undefined;
  let closed = false;
  const followIssued = () => {
    if (closed) return;
    follow ??= setInterval(() => {
      recording = certgrid.inventory
        .recordIssued()
        .catch((err: unknown) =>
          app.log.error({ err }, 'recording issued certificates in the inventory failed'),
        );
    }, 1000).unref();
  };
  if (options.followIssued !== false) followIssued();
  // Scheduled rescans: every worker ticks; a due schedule is claimed by one. Jobs a stopped server left
  // running are failed first (core/analysis/scan-jobs.ts).
  let ticking: Promise<unknown> = Promise.resolve();
  const schedules = setInterval(() => {
    ticking = certgrid.scanJobs
      .failInterrupted()
      .then(() => certgrid.scanJobs.runDueSchedules())
      .catch((err: unknown) => app.log.error({ err }, 'starting scheduled scans failed'));
  }, 30_000);
  schedules.unref();
  // Approved orders a CA has not issued yet are asked about again (core/enrollment/orders.ts).
  let polling: Promise<unknown> = Promise.resolve();
  const orders = setInterval(() => {
    polling = certgrid.enrollment
      .pollAwaitingCa()
      .catch((err: unknown) => app.log.error({ err }, 'polling CAs for approved orders failed'));
  }, 60_000);
  orders.unref();
  return {
    app,
    certgrid,
    url,
    followIssued,
    async close() {
      closed = true;
      clearInterval(refresh);
      clearInterval(follow);
      clearInterval(schedules);
      clearInterval(orders);
      await app.close();
      await polling;
      await recording;
      await ticking;
      await certgrid.close();
      await store.close();
    },
  };
}

export { createCertgrid };
