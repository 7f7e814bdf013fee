import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createCertgrid } from '../../src/compose.js';
import { startServer, type Running } from '../../src/main.js';
import type { Store } from '../../src/store/db.js';
import { makeCsr } from '../helpers/csr.js';
import { storeFactories } from '../helpers/stores.js';

/**
 * A running server records what its CA issued in the inventory by itself, about once a second, so
 * an inventory read seldom has a backlog to record first (core/inventory/issued-feed.ts).
 */
describe.each(storeFactories)('a server following issuance on $name', (factory) => {
  let dir: string;
  let store: Store;
  let running: Running;
  let customerName: string;
  let apiKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certgrid-follow-'));
    const config = loadConfig({ dataDir: dir, port: 0 }, { CERTGRID_LOG_LEVEL: 'warn' });
    store = await factory.open();
    const certgrid = await createCertgrid({ config, store });
    await certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid' });
    await certgrid.ca.load();
    ({ customerName, apiKey } = await certgrid.accounts.createCustomer('follow'));
    running = await startServer(config, certgrid, store);
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the issued certificate in the inventory within seconds, with no read asking for it', async () => {
    const res = await fetch(`${running.url}/enterprise/api/?action=grid_request_email_cert`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        customer_name: customerName,
        customer_api_key: apiKey,
        full_name: 'Grace Hopper',
        email: 'grace@example.com',
        csr: makeCsr().pem,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const { certhash } = await store.db
      .selectFrom('orders')
      .select('certhash')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const recorded = async () =>
      (await store.db.selectFrom('certificates').select('sources').where('certhash', '=', certhash).execute())
        .length;
    const deadline = Date.now() + 10_000;
    while ((await recorded()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await recorded()).toBe(1);
  });
});
