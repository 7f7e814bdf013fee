/**
 * The certgrid side of the issuance benchmark, in its own process so the load generator does not share its
 * event loop: a fresh data dir, a CA of the given key type, one customer, production settings (SQLite store,
 * audit on), logging at warn. Before serving it measures the raw node:crypto sign rate of the same CA key.
 */
import { sign } from 'node:crypto';
import { loadConfig } from '../src/config/index.js';
import { createCertgrid, resolveCaPassphrase } from '../src/compose.js';
import { openConfiguredStore, startServer } from '../src/main.js';
import { decryptPrivateKeyPem, signatureAlgorithmFor, type KeyType } from '../src/core/ca/index.js';

export interface ServerReady {
  readonly url: string;
  readonly customerName: string;
  readonly apiKey: string;
  readonly rawSignPerSecond: number;
}

const [dataDir = './data-bench', keyType = 'p256'] = process.argv.slice(2);
const config = loadConfig({ dataDir, port: 0, keyType }, { CERTGRID_LOG_LEVEL: 'warn' });
const store = await openConfiguredStore(config);
const certgrid = await createCertgrid({ config, store });
await certgrid.ca.initialise({ keyType: config.ca.keyType, name: 'certgrid bench' });
await certgrid.ca.load();
const customer = await certgrid.accounts.createCustomer('bench');

// The baseline: the issuing CA's own key signing a TBSCertificate-sized buffer, one core, for ~2 s.
const row = await store.db
  .selectFrom('cas')
  .select(['key_pem'])
  .where('id', '=', 'issuing-1')
  .executeTakeFirstOrThrow();
const key = decryptPrivateKeyPem(row.key_pem, await resolveCaPassphrase(config));
const digest = signatureAlgorithmFor(keyType as KeyType).nodeDigest;
const tbs = Buffer.alloc(450, 7);
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 2000) {
  for (let i = 0; i < 50; i++) sign(digest, tbs, key);
  n += 50;
}
const rawSignPerSecond = n / ((performance.now() - t0) / 1000);

const running = await startServer(config, certgrid, store);
const ready: ServerReady = {
  url: running.url,
  customerName: customer.customerName,
  apiKey: customer.apiKey,
  rawSignPerSecond,
};
process.send?.(ready);
process.once('SIGTERM', () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
