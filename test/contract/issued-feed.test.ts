import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertgrid, type Certgrid } from '../../src/compose.js';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock } from '../../src/core/deps.js';
import { createIssuedFeed } from '../../src/core/inventory/issued-feed.js';
import type { Store } from '../../src/store/db.js';
import { createRepositories, type Repositories } from '../../src/store/repos/index.js';
import { tempDir } from '../helpers/client-csr.js';
import { makeCsr } from '../helpers/csr.js';
import { storeFactories } from '../helpers/stores.js';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const MINUTE = 60_000;

/**
 * The inventory follows the CA's orders (core/inventory/issued-feed.ts): issuance writes only the
 * order, reads record what was issued before them, and workers catching up at once record each
 * certificate exactly once.
 */
describe.each(storeFactories)('issued-certificate feed on $name', (factory) => {
  let store: Store;
  let certgrid: Certgrid;
  let repos: Repositories;
  let accountId: number;
  let dir: string;
  let n = 0;
  const clock = fixedClock(T0);

  /** A client certificate from certgrid's CA, recorded as the Grid API records it: an order and its audit row. */
  async function issue(at = clock.now()): Promise<{ certhash: string; orderId: number }> {
    const i = ++n;
    const csr = makeCsr();
    const spki = (await import('node:crypto'))
      .createPublicKey(csr.privateKey)
      .export({ type: 'spki', format: 'der' });
    const cert = await certgrid.ca.issue(
      { profile: 'grid_client', fullName: `Holder ${i}`, email: `holder${i}@example.com` },
      spki,
      { notBefore: at, notAfter: new Date(at.getTime() + 30 * 86_400_000) },
    );
    const orderId = await repos.grid.insertOrder(
      {
        accountId,
        kind: 'client',
        requestId: null,
        caId: cert.caId,
        serialHex: cert.serialHex,
        certhash: cert.certhash,
        certDer: cert.der,
        commonName: `Holder ${i}`,
        sans: [],
        serverType: -1,
        orgUnit: '',
        validityYears: 1,
        fullName: `Holder ${i}`,
        email: `holder${i}@example.com`,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        requesterUserId: 1,
        createdAt: at,
      },
      {
        accountId,
        userId: null,
        userName: 'feed-test',
        ipAddress: '192.0.2.1',
        ipCountry: '',
        status: 'successful',
        event: 'request client certificate',
        message: '',
        origin: 'api',
        createdAt: at,
      },
    );
    return { certhash: cert.certhash, orderId };
  }

  const stored = (certhash: string) => repos.inventory.findCertificate(accountId, certhash);
  const cursor = async () =>
    Number(
      (
        await store.db
          .selectFrom('inventory_feeds')
          .select('last_id')
          .where('name', '=', 'orders')
          .executeTakeFirstOrThrow()
      ).last_id,
    );
  const rowsOf = async (certhash: string) =>
    (await store.db.selectFrom('certificates').select('id').where('certhash', '=', certhash).execute())
      .length;

  beforeAll(async () => {
    dir = tempDir();
    store = await factory.open();
    const config = loadConfig({ dataDir: dir, port: 0 }, { CERTGRID_LOG_LEVEL: 'warn' });
    certgrid = await createCertgrid({ config, store, clock, passphrase: 'feed-test-passphrase' });
    await certgrid.ca.initialise({ keyType: 'p256', name: 'feed-test' });
    repos = createRepositories(store.db, store.dialect);
    accountId = (await certgrid.accounts.createCustomer('acme')).accountId;
  });
  afterAll(async () => {
    await certgrid.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves issuance to the order and records the certificate, dated by its issuance, on the next read', async () => {
    const issuedAt = new Date(T0.getTime() - 5 * MINUTE);
    const { certhash, orderId } = await issue(issuedAt);
    expect(await stored(certhash)).toBeNull();
    expect(await repos.inventory.hasUnrecordedIssued()).toBe(true);

    clock.advance(MINUTE);
    const page = await certgrid.inventory.listCertificates({
      accountId,
      pageNumber: 0,
      pageSize: 10,
      withAssets: false,
    });
    expect(page.map((c) => c.certificate.certhash)).toContain(certhash);
    const c = (await stored(certhash))!;
    expect(c).toMatchObject({ sources: ['CA'], created: issuedAt.getTime(), issuerCategory: 'approved' });
    // The CA chain came with it: the leaf links to certgrid's root.
    const chain = await certgrid.ca.chain();
    expect(c.rootCerthash).not.toBeNull();
    expect((await stored(c.rootCerthash!))?.der).toEqual(chain.rootDer);
    expect(await cursor()).toBe(orderId);
    expect(await repos.inventory.hasUnrecordedIssued()).toBe(false);
  });

  it('works through a backlog in batches, oldest first, and finds nothing left after', async () => {
    const feed = createIssuedFeed({ repo: repos.inventory, clock }, { batch: 3 });
    const issued = [];
    for (let i = 0; i < 7; i++) issued.push(await issue());
    expect(await feed.catchUp()).toBe(7);
    for (const { certhash } of issued) expect(await rowsOf(certhash)).toBe(1);
    expect(await cursor()).toBe(issued[6]!.orderId);
    expect(await feed.catchUp()).toBe(0);
  });

  it('records each certificate once when workers catch up at the same time', async () => {
    // Two feeds over the same store stand for two worker processes.
    const workers = [0, 1].map(() => createIssuedFeed({ repo: repos.inventory, clock }, { batch: 2 }));
    const issued = [];
    for (let i = 0; i < 6; i++) issued.push(await issue());
    const counts = await Promise.all([...workers, ...workers].map((w) => w.catchUp()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    for (const { certhash } of issued) expect(await rowsOf(certhash)).toBe(1);
    expect(await cursor()).toBe(issued[5]!.orderId);
  });

  it('answers a call made during a run with a run that sees what was issued before the call', async () => {
    const feed = createIssuedFeed({ repo: repos.inventory, clock });
    await issue();
    const first = feed.catchUp();
    const late = await issue();
    await feed.catchUp();
    await first;
    expect(await rowsOf(late.certhash)).toBe(1);
  });

  it('skips an order whose certificate cannot be parsed instead of stopping the feed', async () => {
    const before = await issue();
    await store.db
      .updateTable('orders')
      .set({ cert_der: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]) })
      .where('id', '=', before.orderId)
      .execute();
    const after = await issue();
    await certgrid.inventory.recordIssued();
    expect(await stored(before.certhash)).toBeNull();
    expect(await rowsOf(after.certhash)).toBe(1);
    expect(await cursor()).toBe(after.orderId);
  });
});
