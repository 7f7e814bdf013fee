import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryRepository, NewCertificate } from '../../src/core/inventory/repository.js';
import type { Store } from '../../src/store/db.js';
import { createInventoryRepository } from '../../src/store/repos/inventory-repository.js';
import { name, syntheticCertificate } from '../helpers/inventory.js';
import { storeFactories } from '../helpers/stores.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

/** root → intermediate → leaf, linked by names and key identifiers as real chains are. */
function chain(tag: string) {
  const root = syntheticCertificate(`${tag} root`, T0, {
    subject: name(`${tag} Root`, 'Chain Org'),
    issuer: name(`${tag} Root`, 'Chain Org'),
    certType: 'Root',
    selfSigned: true,
    isCa: true,
  });
  const rootDn = root.subjectDn;
  const inter = syntheticCertificate(`${tag} inter`, T0, {
    subject: name(`${tag} Issuing`, 'Chain Org'),
    issuer: root.subject,
    issuerDn: rootDn,
    certType: 'Intermediate',
    isCa: true,
    authKeyId: root.subjectKeyId,
  });
  const leaf = syntheticCertificate(`${tag} leaf`, T0, {
    subject: name(`leaf.${tag}.example`),
    issuer: inter.subject,
    issuerDn: inter.subjectDn,
    authKeyId: inter.subjectKeyId,
  });
  return { root, inter, leaf };
}

describe.each(storeFactories)('inventory repository on $name', (factory) => {
  let store: Store;
  let repo: InventoryRepository;
  let accountId: number;
  let n = 0;

  const upsert = (items: NewCertificate[], seenAt = T0, source: 'IMPORT' | 'SCAN' | 'CA' = 'IMPORT') =>
    repo.upsertCertificates({
      accountId,
      source,
      seenAt,
      items: items.map((certificate) => ({ certificate })),
    });
  const find = async (c: NewCertificate) => (await repo.findCertificate(accountId, c.certhash))!;

  beforeEach(async () => {
    store ??= await factory.open();
    repo = createInventoryRepository(store.db);
    const row = await store.db
      .insertInto('accounts')
      .values({ name: `inv-${++n}`, created_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    accountId = Number(row.id);
  });
  afterAll(() => store.close());

  it('is idempotent by certhash: a re-import moves lastFound forward only and merges sources', async () => {
    const c = syntheticCertificate('idempotent', T0);
    const [first] = await upsert([c], T0);
    const [again] = await upsert([c], T0 + HOUR, 'SCAN');
    expect(first!.inserted).toBe(true);
    expect(again).toEqual({ certhash: c.certhash, id: first!.id, inserted: false });
    await upsert([c], T0 - HOUR);
    const stored = await find(c);
    expect(stored.firstFound).toBe(T0);
    expect(stored.lastFound).toBe(T0 + HOUR);
    expect(stored.sources).toEqual(['IMPORT', 'SCAN']);
    expect(stored.imported).toBe(true);
    const count = await store.db
      .selectFrom('certificates')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('keeps accounts apart: the same certificate is one row per account', async () => {
    const c = syntheticCertificate('shared', T0);
    await upsert([c]);
    const other = await store.db
      .insertInto('accounts')
      .values({ name: `inv-other-${n}`, created_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [r] = await repo.upsertCertificates({
      accountId: Number(other.id),
      source: 'IMPORT',
      seenAt: T0,
      items: [{ certificate: c }],
    });
    expect(r!.inserted).toBe(true);
    expect(await repo.findCertificate(Number(other.id), c.certhash)).not.toBeNull();
  });

  it('links a chain imported top-down, with the root pushed to the leaf', async () => {
    const { root, inter, leaf } = chain('topdown');
    await upsert([root]);
    await upsert([inter]);
    await upsert([leaf]);
    const l = await find(leaf);
    expect(l.issuerCerthash).toBe(inter.certhash);
    expect(l.rootCerthash).toBe(root.certhash);
    expect(l.root.name).toBe('topdown Root');
    expect((await find(inter)).rootCerthash).toBe(root.certhash);
    expect((await find(root)).issuerCategory).toBe('self-signed');
  });

  it('links a chain imported bottom-up: new CA certificates adopt waiting children', async () => {
    const { root, inter, leaf } = chain('bottomup');
    await upsert([leaf]);
    let l = await find(leaf);
    expect(l.issuerCerthash).toBeNull();
    expect(l.rootCerthash).toBeNull();
    // Until the chain is known, the best-known root is the issuer the certificate names.
    expect(l.root.name).toBe('bottomup Issuing');
    await upsert([inter]);
    l = await find(leaf);
    expect(l.issuerCerthash).toBe(inter.certhash);
    expect(l.root.name).toBe('bottomup Root');
    expect(l.rootCerthash).toBeNull();
    await upsert([root]);
    l = await find(leaf);
    expect(l.rootCerthash).toBe(root.certhash);
  });

  it('links a whole chain given in one batch, in any order', async () => {
    const { root, inter, leaf } = chain('batch');
    await upsert([leaf, root, inter]);
    const l = await find(leaf);
    expect(l.issuerCerthash).toBe(inter.certhash);
    expect(l.rootCerthash).toBe(root.certhash);
  });

  it('does not link to a CA whose key identifier differs (same name, another key)', async () => {
    const { inter, leaf } = chain('rekey');
    const impostor = { ...inter, certhash: 'f'.repeat(64), subjectKeyId: 'ab'.repeat(20) };
    await upsert([impostor]);
    await upsert([leaf]);
    expect((await find(leaf)).issuerCerthash).toBeNull();
  });

  it('computes issuerCategory from the approved list and certgrid’s own CAs', async () => {
    const { root, inter, leaf } = chain('approve');
    await upsert([root, inter, leaf]);
    expect((await find(leaf)).issuerCategory).toBe('unapproved');
    await repo.approveCa(accountId, root.certhash, T0);
    expect((await find(leaf)).issuerCategory).toBe('approved');
    expect((await find(inter)).issuerCategory).toBe('approved');
    expect((await find(root)).issuerCategory).toBe('self-signed');
  });

  it('records sightings: assets, interfaces, tags, host instances, vulnerabilities and counts', async () => {
    const c = syntheticCertificate('sighted', T0);
    const seenOn = {
      assetName: 'web-1',
      address: '192.0.2.1',
      hostname: 'web-1.example',
      operatingSystem: 'Linux',
      tags: ['prod', 'dmz'],
      instance: {
        port: 443,
        service: 'https',
        grade: 'A',
        sslProtocols: ['TLSv1.3'],
        vulnerabilities: [{ qid: 38116, title: 'SSL Server Information Retrieval', severity: 1 }],
      },
    };
    await repo.upsertCertificates({
      accountId,
      source: 'SCAN',
      seenAt: T0,
      items: [{ certificate: c, seenOn }],
    });
    await repo.upsertCertificates({
      accountId,
      source: 'SCAN',
      seenAt: T0 + HOUR,
      items: [
        {
          certificate: c,
          seenOn: { ...seenOn, instance: { ...seenOn.instance, port: 8443, vulnerabilities: [] } },
        },
      ],
    });
    const stored = await find(c);
    expect(stored.assetCount).toBe(1);
    expect(stored.instanceCount).toBe(2);
    const assets = (await repo.assetsOfCertificates(accountId, [stored.id])).get(stored.id)!;
    expect(assets).toHaveLength(1);
    const a = assets[0]!;
    expect(a).toMatchObject({
      name: 'web-1',
      operatingSystem: 'Linux',
      primaryIp: '192.0.2.1',
      certificateCount: 1,
      interfaces: [{ hostname: 'web-1.example', address: '192.0.2.1' }],
    });
    expect(a.tags.map((t) => t.name)).toEqual(['dmz', 'prod']);
    expect(a.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.hostInstances.map((i) => [i.port, i.grade, i.vulnerabilities.map((v) => v.qid)])).toEqual([
      [443, 'A', [38116]],
      [8443, 'A', []],
    ]);

    // A later sighting that changes details writes them; unchanged ones stay.
    await repo.upsertCertificates({
      accountId,
      source: 'SCAN',
      seenAt: T0 + 2 * HOUR,
      items: [
        {
          certificate: c,
          seenOn: { ...seenOn, operatingSystem: 'FreeBSD', instance: { ...seenOn.instance, grade: 'B' } },
        },
      ],
    });
    const later = (await repo.assetsOfCertificates(accountId, [stored.id])).get(stored.id)![0]!;
    expect(later.operatingSystem).toBe('FreeBSD');
    expect(later.primaryIp).toBe('192.0.2.1');
    expect(later.updated).toBe(T0 + 2 * HOUR);
    expect(later.hostInstances.map((i) => [i.port, i.grade, i.vulnerabilities.length])).toEqual([
      [443, 'B', 1],
      [8443, 'A', 0],
    ]);
  });

  it('refreshes many known certificates at once, merging sources per group', async () => {
    const certs = Array.from({ length: 30 }, (_, i) => syntheticCertificate(`bulk-${i}`, T0));
    await upsert(certs.slice(0, 20), T0, 'SCAN');
    const again = await upsert(certs, T0 + HOUR, 'IMPORT');
    expect(again.filter((r) => r.inserted)).toHaveLength(10);
    expect((await find(certs[0]!)).sources).toEqual(['SCAN', 'IMPORT']);
    expect((await find(certs[25]!)).sources).toEqual(['IMPORT']);
    expect((await find(certs[0]!)).lastFound).toBe(T0 + HOUR);
  });

  it('pages and sorts certificates, with a unique tie-breaker', async () => {
    const certs = Array.from({ length: 5 }, (_, i) =>
      syntheticCertificate(`page-${i}`, T0, { keySize: 2048 }),
    );
    for (const [i, c] of certs.entries()) await upsert([c], T0 + i * HOUR);
    const page = (offset: number, limit: number) =>
      repo.listCertificates({
        accountId,
        orderBy: [{ column: 'last_found', direction: 'desc' }],
        offset,
        limit,
      });
    const all = await page(0, 10);
    expect(all.map((c) => c.certhash)).toEqual([...certs].reverse().map((c) => c.certhash));
    expect((await page(2, 2)).map((c) => c.certhash)).toEqual([certs[2]!.certhash, certs[1]!.certhash]);
    expect(await page(10, 2)).toEqual([]);
  });
});
