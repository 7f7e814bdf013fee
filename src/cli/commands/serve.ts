import { openContext, type CommonOptions } from '../context.js';
import { startServer } from '../../main.js';
import type { Io } from '../program.js';

export interface ServeOptions extends CommonOptions {
  host?: string;
  port?: string;
}

/** Name of the customer created on first run, so `npm start` gives a working API key at once. */
const FIRST_CUSTOMER = 'default';

export async function serveCommand(opts: ServeOptions, io: Io): Promise<void> {
  const ctx = await openContext(opts, { host: opts.host, port: opts.port });
  try {
    const { config, certgrid } = ctx;
    const created = await certgrid.ca.initialise({ keyType: config.ca.keyType, name: config.ca.name });
    if (created) io.out(`certgrid: created CA hierarchy (${config.ca.keyType}) in ${describeStore(ctx)}\n`);
    await certgrid.ca.load();
    if ((await certgrid.accounts.countAccounts()) === 0) {
      const c = await certgrid.accounts.createCustomer(FIRST_CUSTOMER);
      io.out(
        [
          '',
          'First run: created a customer for the Grid API. The API key is shown only this once.',
          `  customer_name: ${c.customerName}`,
          `  api_key:       ${c.apiKey}`,
          '',
        ].join('\n'),
      );
    }
    const running = await startServer(config, certgrid, ctx.store);
    io.out(`certgrid: listening on ${running.url} (Grid API at ${running.url}/enterprise/api/)\n`);
    const stop = (signal: string) => {
      io.out(`certgrid: ${signal}, shutting down\n`);
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

function describeStore(ctx: { config: { databaseUrl: string | undefined; dataDir: string } }): string {
  return ctx.config.databaseUrl !== undefined ? 'PostgreSQL' : ctx.config.dataDir;
}
