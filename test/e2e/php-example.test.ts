import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createCertgrid } from '../../src/compose.js';
import { startServer, type Running } from '../../src/main.js';
import { storeFactories } from '../helpers/stores.js';
import { requireTool } from '../helpers/tools.js';

// The server runs in this process: the client must not block the event loop (async execFile, not execFileSync).
const run = promisify(execFile);
const phpReady = requireTool('php', ['-r', 'exit(function_exists("curl_init") ? 0 : 1);']);

describe.skipIf(!phpReady).each(storeFactories)(
  'the Grid spec PHP example (section 6) against a real server on $name',
  (factory) => {
    let dir: string;
    let running: Running;
    let apiKey: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'certgrid-php-'));
      const config = loadConfig({ dataDir: dir, port: 0 }, { CERTGRID_LOG_LEVEL: 'warn' });
      const store = await factory.open();
      const certgrid = await createCertgrid({ config, store });
      await certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid' });
      await certgrid.ca.load();
      apiKey = (await certgrid.accounts.createCustomer('001007')).apiKey;
      running = await startServer(config, certgrid, store);
    });

    afterAll(async () => {
      await running?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('gets success and a request id with php-cli and php-curl', async () => {
      const csrFile = join(dir, 'worldcup.csr');
      execFileSync(
        'openssl',
        [
          'req',
          '-new',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'worldcup.key'),
          '-out',
          csrFile,
          '-subj',
          '/C=US/ST=Utah/L=Lindon/O=DigiCert Inc./OU=Test Unit/CN=worldcup.digicert.com',
        ],
        { stdio: 'ignore' },
      );
      const { stdout: out } = await run(
        'php',
        [join(import.meta.dirname, '../fixtures/php/grid-request-host-cert.php')],
        {
          env: {
            PATH: '/usr/bin:/bin',
            GRID_URL: `${running.url}/enterprise/api/`,
            GRID_CUSTOMER_NAME: '001007',
            GRID_API_KEY: apiKey,
            GRID_CSR_FILE: csrFile,
          },
          encoding: 'utf8',
        },
      );
      expect(out).toMatch(/\[result\] => success/);
      expect(out).toMatch(/\[request_id\] => \d+/);
    });

    it('the same script with a wrong key gets failure, not a crash', async () => {
      writeFileSync(join(dir, 'bad.csr'), 'not a csr');
      const { stdout: out } = await run(
        'php',
        [join(import.meta.dirname, '../fixtures/php/grid-request-host-cert.php')],
        {
          env: {
            PATH: '/usr/bin:/bin',
            GRID_URL: `${running.url}/enterprise/api/`,
            GRID_CUSTOMER_NAME: '001007',
            GRID_API_KEY: 'wrong',
            GRID_CSR_FILE: join(dir, 'bad.csr'),
          },
          encoding: 'utf8',
        },
      );
      expect(out).toMatch(/\[result\] => failure/);
    });
  },
);
