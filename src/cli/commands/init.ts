import type { KeyType } from '../../core/ca/types.js';
import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';
import { printCaSummary } from './ca.js';

export interface InitOptions extends CommonOptions {
  keyType?: KeyType;
  json?: boolean;
}

export async function initCommand(opts: InitOptions, io: Io): Promise<void> {
  await withContext(
    opts,
    async ({ config, certgrid }) => {
      const created = await certgrid.ca.initialise({ keyType: config.ca.keyType, name: config.ca.name });
      await certgrid.ca.load();
      const cas = await certgrid.ca.describe();
      if (opts.json) {
        io.out(
          JSON.stringify({ created, dataDir: config.dataDir, cas: cas.map(({ pem: _pem, ...c }) => c) }) +
            '\n',
        );
        return;
      }
      io.out(
        created
          ? `Initialised certgrid in ${config.dataDir} with a ${config.ca.keyType} CA hierarchy.\n`
          : `certgrid is already initialised in ${config.dataDir}; nothing changed.\n`,
      );
      printCaSummary(cas, io);
    },
    { keyType: opts.keyType },
    { create: true },
  );
}
