import { existsSync } from 'node:fs';
import { loadConfig, type Config, type ConfigOverrides } from '../config/index.js';
import { createCertgrid, type Certgrid } from '../compose.js';
import { CertgridError } from '../core/errors.js';
import { openConfiguredStore, sqlitePathOf } from '../main.js';
import type { Store } from '../store/db.js';

export interface CommonOptions {
  data?: string;
  config?: string;
}

export interface CliContext {
  readonly config: Config;
  readonly store: Store;
  readonly certgrid: Certgrid;
  close(): Promise<void>;
}

/**
 * Opens config, store and core for one command; the caller must close it.
 * Only `init` and `serve` may create a data directory: any other command on a missing one is a mistake
 * (a typo in --data), reported instead of leaving an empty store behind.
 */
export async function openContext(
  opts: CommonOptions,
  extra: ConfigOverrides = {},
  { create = false }: { create?: boolean } = {},
): Promise<CliContext> {
  const config = loadConfig({ dataDir: opts.data, configFile: opts.config, ...extra });
  if (!create && config.databaseUrl === undefined && !existsSync(sqlitePathOf(config))) {
    throw new CertgridError(
      'CA_NOT_INITIALISED',
      `no certgrid data in ${config.dataDir}: run 'certgrid init' first`,
    );
  }
  const store = await openConfiguredStore(config);
  try {
    const certgrid = await createCertgrid({ config, store });
    return {
      config,
      store,
      certgrid,
      async close() {
        await certgrid.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Runs fn with a context and always closes it. */
export async function withContext<T>(
  opts: CommonOptions,
  fn: (ctx: CliContext) => Promise<T>,
  extra: ConfigOverrides = {},
  how: { create?: boolean } = {},
): Promise<T> {
  const ctx = await openContext(opts, extra, how);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** The named customer; without a name, the only one there is. */
export async function resolveCustomer(
  accounts: {
    getAccount(name: string): Promise<{ id: number; name: string } | null>;
    countAccounts(): Promise<number>;
  },
  name: string | undefined,
): Promise<{ id: number; name: string }> {
  if (name !== undefined) {
    const a = await accounts.getAccount(name);
    if (a === null) throw new CertgridError('NOT_FOUND', `no customer named ${name}`, { field: 'customer' });
    return a;
  }
  if ((await accounts.countAccounts()) === 1) {
    const only = await accounts.getAccount('default');
    if (only !== null) return only;
  }
  throw new CertgridError('MISSING_ARGUMENT', 'name the customer with --customer', {
    field: 'customer',
  });
}
