import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointRecord, EndpointRepository } from '../../src/core/analysis/repository.js';
import type { Store } from '../../src/store/db.js';
import { createEndpointRepository } from '../../src/store/repos/index.js';
import { storeFactories, insertAccounts } from '../helpers/stores.js';

const T0 = 1_780_000_000_000;

const record = (accountId: number, over: Partial<EndpointRecord> = {}): EndpointRecord => ({
  accountId,
  ip: '192.0.2.10',
  port: 443,
  protocol: 'tcp',
  fqdn: '',
  service: 'http',
  serverName: '',
  grade: 'A',
  gradeTrustIgnored: 'A',
  hasWarnings: false,
  isExceptional: false,
  statusMessage: '',
  details: { protocols: [{ id: 771, name: 'TLS', version: '1.2' }], heartbleed: false },
  lastFound: T0,
  ...over,
});

/** The latest assessment per endpoint, scoped by account, filtered as getEndpointData filters. */
describe.each(storeFactories)('endpoint repository on $name', (factory) => {
  let store: Store;
  let repo: EndpointRepository;
  let a: number;
  let b: number;

  beforeAll(async () => {
    store = await factory.open();
    repo = createEndpointRepository(store.db);
    [a, b] = (await insertAccounts(store, ['ep-a', 'ep-b'], T0)) as [number, number];
  });
  afterAll(() => store.close());

  it('stores the details whole and replaces them on a rescan of the same endpoint', async () => {
    await repo.saveEndpoint(record(a));
    await repo.saveEndpoint(
      record(a, {
        grade: 'B',
        hasWarnings: true,
        details: { protocols: [], heartbleed: true },
        lastFound: T0 + 5,
      }),
    );
    const got = await repo.listEndpoints({ accountId: a, ip: '192.0.2.10' });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ grade: 'B', hasWarnings: true, lastFound: T0 + 5 });
    expect(got[0]!.details).toEqual({ protocols: [], heartbleed: true });
  });

  it('keeps endpoints apart by port and SNI name, and accounts apart', async () => {
    await repo.saveEndpoint(record(a, { port: 8443 }));
    await repo.saveEndpoint(record(a, { fqdn: 'www.example.com', service: 'http' }));
    await repo.saveEndpoint(record(b, { grade: 'F' }));
    const all = await repo.listEndpoints({ accountId: a, ip: '192.0.2.10' });
    expect(all.map((r) => [r.port, r.fqdn])).toEqual([
      [443, ''],
      [443, 'www.example.com'],
      [8443, ''],
    ]);
    expect((await repo.listEndpoints({ accountId: b, ip: '192.0.2.10' })).map((r) => r.grade)).toEqual(['F']);
  });

  it('filters by port, fqdn, service and protocol', async () => {
    const f = (over: object) => repo.listEndpoints({ accountId: a, ip: '192.0.2.10', ...over });
    expect((await f({ port: 8443 })).map((r) => r.port)).toEqual([8443]);
    expect((await f({ port: 443, fqdn: 'www.example.com' })).map((r) => r.fqdn)).toEqual(['www.example.com']);
    expect((await f({ port: 443, fqdn: '', service: 'http', protocol: 'tcp' })).map((r) => r.fqdn)).toEqual([
      '',
    ]);
    expect(await f({ port: 443, service: 'smtp' })).toEqual([]);
    expect(await f({ protocol: 'udp' })).toEqual([]);
    expect(await repo.listEndpoints({ accountId: a, ip: '192.0.2.99' })).toEqual([]);
  });
});
