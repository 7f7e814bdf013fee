import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  TrustedRootRecord,
  TrustedRootRepository,
} from '../../src/core/analysis/trusted-root-repository.js';
import type { Store } from '../../src/store/db.js';
import { createRepositories } from '../../src/store/repos/index.js';
import { storeFactories, insertAccounts } from '../helpers/stores.js';

const T0 = 1_780_000_000_000;

const root = (accountId: number, n: number, over: Partial<TrustedRootRecord> = {}): TrustedRootRecord => {
  // Stand-in bytes: the repository stores DER as given, and only the core parses it.
  const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, n, 0x00, 0xff]);
  return {
    accountId,
    certhash: createHash('sha256').update(der).digest('hex'),
    der,
    subject: `CN=Root ${n}, O=Example`,
    notAfter: T0 + 10 * 365 * 86_400_000,
    created: T0 + n,
    ...over,
  };
};

/** The roots an account adds to its trust store: one per (account, certhash), scoped by account. */
describe.each(storeFactories)('trusted root repository on $name', (factory) => {
  let store: Store;
  let repo: TrustedRootRepository;
  let a: number;
  let b: number;

  beforeAll(async () => {
    store = await factory.open();
    repo = createRepositories(store.db, store.dialect).trustedRoots;
    [a, b] = (await insertAccounts(store, ['tr-a', 'tr-b'], T0)) as [number, number];
  });
  afterAll(() => store.close());

  it('stores a root whole (DER bytes, epoch ms) and lists the account roots oldest first', async () => {
    expect(await repo.list(a)).toEqual([]);
    expect(await repo.add(root(a, 2))).toBe(true);
    expect(await repo.add(root(a, 1))).toBe(true);
    const got = await repo.list(a);
    expect(got).toEqual([root(a, 1), root(a, 2)]);
    expect(got[0]!.der).toBeInstanceOf(Uint8Array);
    expect(typeof got[0]!.notAfter).toBe('number');
  });

  it('adding a root the account already holds changes nothing and says so', async () => {
    expect(await repo.add(root(a, 1, { subject: 'CN=changed', created: T0 + 99 }))).toBe(false);
    const again = (await repo.list(a)).find((r) => r.certhash === root(a, 1).certhash);
    expect(again).toEqual(root(a, 1));
    // Concurrent adds of one root: one row, neither fails.
    const results = await Promise.all([repo.add(root(a, 3)), repo.add(root(a, 3))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await repo.list(a)).filter((r) => r.certhash === root(a, 3).certhash)).toHaveLength(1);
  });

  it('keeps accounts apart: the same root in two accounts, removed from one only', async () => {
    expect(await repo.add(root(b, 1))).toBe(true);
    expect((await repo.list(b)).map((r) => r.accountId)).toEqual([b]);
    expect(await repo.remove(b, root(a, 2).certhash)).toBe(false);
    expect(await repo.remove(b, root(b, 1).certhash)).toBe(true);
    expect(await repo.remove(b, root(b, 1).certhash)).toBe(false);
    expect(await repo.list(b)).toEqual([]);
    expect((await repo.list(a)).map((r) => r.certhash)).toContain(root(a, 1).certhash);
  });

  it('refuses a root for an account that does not exist (foreign key)', async () => {
    await expect(repo.add(root(987_654, 1))).rejects.toThrow();
  });
});
