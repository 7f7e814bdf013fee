import cluster, { type Worker } from 'node:cluster';
import { openContext, type CommonOptions, type CliContext } from '../context.js';
import { startServer } from '../../main.js';
import type { Io } from '../program.js';

export interface ServeOptions extends CommonOptions {
  host?: string;
  port?: string;
  workers?: string;
}

/** Name of the customer created on first run, so `npm start` gives a working API key at once. */
const FIRST_CUSTOMER = 'default';

/**
 * `certgrid serve`: first-run set-up once, then one server process, or several sharing the port
 * (node:cluster) when --workers asks for them. Workers are stateless: all shared state is in the store.
 */
export async function serveCommand(opts: ServeOptions, io: Io): Promise<void> {
  const overrides = { host: opts.host, port: opts.port, workers: opts.workers };
  if (cluster.isWorker) return serveWorker(opts, overrides);

  const ctx = await openContext(opts, overrides, { create: true });
  try {
    await firstRun(ctx, io);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  if (ctx.config.workers <= 1) {
    const running = await startServer(ctx.config, ctx.certgrid, ctx.store).catch(async (err: unknown) => {
      await ctx.close();
      throw err;
    });
    io.out(`certgrid: listening on ${running.url} (Grid API at ${running.url}/enterprise/api/)\n`);
    onSignals(io, () => running.close());
    return;
  }
  const workers = ctx.config.workers;
  await ctx.close();
  superviseWorkers(workers, io);
}

async function firstRun({ config, certgrid }: CliContext, io: Io): Promise<void> {
  const created = await certgrid.ca.initialise({ keyType: config.ca.keyType, name: config.ca.name });
  if (created) {
    const where = config.databaseUrl !== undefined ? 'PostgreSQL' : config.dataDir;
    io.out(`certgrid: created CA hierarchy (${config.ca.keyType}) in ${where}\n`);
  }
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
}

interface ListeningMessage {
  readonly certgrid: 'listening';
  readonly url: string;
}

/** From the supervisor to the one worker that records issued certificates in the inventory. */
interface FollowIssuedMessage {
  readonly certgrid: 'follow-issued';
}

async function serveWorker(opts: ServeOptions, overrides: Record<string, string | undefined>): Promise<void> {
  const ctx = await openContext(opts, overrides);
  const running = await startServer(ctx.config, ctx.certgrid, ctx.store, { followIssued: false }).catch(
    async (err: unknown) => {
      await ctx.close();
      throw err;
    },
  );
  process.on('message', (m: Partial<FollowIssuedMessage>) => {
    if (m.certgrid === 'follow-issued') running.followIssued();
  });
  process.send?.({ certgrid: 'listening', url: running.url } satisfies ListeningMessage);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function superviseWorkers(count: number, io: Io): void {
  let announced = false;
  let stopping = false;
  // One listening worker records issued certificates in the inventory (src/main.ts); another takes
  // over when it exits.
  const listening = new Set<Worker>();
  let follower: Worker | undefined;
  const designateFollower = () => {
    const next = listening.values().next().value;
    if (follower !== undefined || stopping || next === undefined) return;
    follower = next;
    next.send({ certgrid: 'follow-issued' } satisfies FollowIssuedMessage);
    io.out(`certgrid: worker ${next.process.pid} records issued certificates in the inventory\n`);
  };
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m: Partial<ListeningMessage>) => {
      if (m.certgrid !== 'listening') return;
      if (!announced) {
        announced = true;
        io.out(
          `certgrid: listening on ${m.url} with ${count} workers (Grid API at ${m.url}/enterprise/api/)\n`,
        );
      }
      listening.add(w);
      designateFollower();
    });
  };
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker);
    if (follower === worker) {
      follower = undefined;
      designateFollower();
    }
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    io.err(`certgrid: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    // A worker that dies at once (bad config, port taken) would loop: give up if none ever listened.
    if (!announced) {
      io.err('certgrid: no worker could start; see the messages above\n');
      process.exit(1);
    }
    setTimeout(() => stopping || fork(), 1000).unref();
  });
  onSignals(io, async () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    await new Promise(() => {}); // exit happens when the last worker has gone
  });
}

function onSignals(io: Io, close: () => Promise<void>): void {
  const stop = (signal: string) => {
    io.out(`certgrid: ${signal}, shutting down\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
