import { loadConfig, type Config, type ConfigOverrides } from '../config/index.js';
import { createCertgrid, type Certgrid } from '../compose.js';
import { openConfiguredStore } from '../main.js';
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

/** Opens config, store and core for one command; the caller must close it. */
export async function openContext(opts: CommonOptions, extra: ConfigOverrides = {}): Promise<CliContext> {
  const config = loadConfig({ dataDir: opts.data, configFile: opts.config, ...extra });
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
): Promise<T> {
  const ctx = await openContext(opts, extra);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
