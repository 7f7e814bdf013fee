import { existsSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCertgrid, resolveCaPassphrase } from '../../../src/compose.js';
import { createCertificateAuthority } from '../../../src/core/ca/authority.js';
import { ocspResponseStatus } from '../../../src/core/ca/index.js';
import { fixedClock, systemRandom } from '../../../src/core/deps.js';
import type { Store } from '../../../src/store/db.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { T0, testConfig } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

const urls = { baseUrl: 'http://127.0.0.1:8080' };

describe.each(storeFactories)('certificate authority service on $name', (factory) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  const authority = (s: Store, passphrase = 'pass one') =>
    createCertificateAuthority({
      repo: createRepositories(s.db, s.dialect).ca,
      clock: fixedClock(T0),
      random: systemRandom,
      urls,
      passphrase,
    });

  it('initialises once, stores encrypted keys, and loads them again with the passphrase', async () => {
    store = await factory.open();
    const ca = authority(store);
    // Nothing to serve before init; issuing says why.
    expect(await ca.load()).toBe(false);
    expect(await ca.describe()).toEqual([]);
    expect(await ca.crl('root')).toBeNull();
    expect(ocspResponseStatus(await ca.ocsp(Buffer.from([0x30, 0x00])))).toBe('unauthorized');
    await expectCode(
      ca.issue({ profile: 'grid_client', fullName: 'A B', email: 'a@b.example' }, Buffer.alloc(0), {
        validityDays: 1,
      }),
      'CA_NOT_INITIALISED',
    );

    expect(await ca.initialise({ keyType: 'p256', name: 'acme' })).toBe(true);
    expect(await ca.initialise({ keyType: 'p384', name: 'other' })).toBe(false);
    const described = await ca.describe();
    expect(described.map((d) => [d.id, d.role, d.keyType])).toEqual([
      ['root', 'root', 'p256'],
      ['issuing-1', 'intermediate', 'p256'],
    ]);
    const root = described[0];
    const x = new X509Certificate(root?.pem ?? '');
    expect(root?.subject).toBe('O=acme, CN=acme Root CA');
    expect(root?.serialHex).toBe(x.serialNumber.toUpperCase());
    expect(root?.certhash).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());

    const rows = await store.db.selectFrom('cas').select(['id', 'key_pem']).execute();
    for (const r of rows) expect(r.key_pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    // A second process: lazy load on first use, same chain.
    const again = authority(store);
    const spkiDer = createPublicKey(makeCsr().privateKey).export({ type: 'spki', format: 'der' });
    const leaf = await again.issue(
      { profile: 'grid_client', fullName: 'Ann Lee', email: 'ann@example.com' },
      spkiDer,
      {
        validityDays: 30,
      },
    );
    expect(leaf.caId).toBe('issuing-1');
    expect(
      new X509Certificate(leaf.der).checkIssued(new X509Certificate((await again.chain()).issuingPem)),
    ).toBe(true);
    expect(new Date(new X509Certificate(leaf.der).validFrom).getTime()).toBe(T0.getTime() - 5 * 60 * 1000);

    // The wrong passphrase fails loudly, and so does everything that needs the key.
    const wrong = authority(store, 'not the passphrase');
    await expectCode(wrong.load(), 'CA_KEY_UNAVAILABLE');
    // ... but CA certificates are public and need no key.
    expect(await wrong.caCertificate('root')).not.toBeNull();
    expect(await wrong.describe()).toHaveLength(2);
  });

  it('never stores a CRL number lower than or equal to the current one', async () => {
    store = await factory.open();
    const ca = authority(store);
    await ca.initialise({ keyType: 'p256', name: 'acme' });
    const repo = createRepositories(store.db, store.dialect).ca;
    const current = await repo.getCrl('issuing-1');
    expect(current?.crlNumber).toBe(1);
    await Promise.all([
      ca.revocationChanged('issuing-1'),
      ca.revocationChanged('issuing-1'),
      ca.revocationChanged('issuing-1'),
    ]);
    const after = await repo.getCrl('issuing-1');
    // Three calls arriving together coalesce into at most two regenerations.
    expect(after?.crlNumber).toBeGreaterThanOrEqual(2);
    expect(after?.crlNumber).toBeLessThanOrEqual(3);
    expect(await repo.saveCrl({ ...(after as NonNullable<typeof after>), crlNumber: 1 })).toBe(false);
    expect((await repo.getCrl('issuing-1'))?.crlNumber).toBe(after?.crlNumber);
  });
});

describe('resolveCaPassphrase', () => {
  it('prefers the configured passphrase, else creates <dataDir>/ca-passphrase (0600) once', async () => {
    const configured = testConfig();
    expect(await resolveCaPassphrase(configured)).toBe('test passphrase');
    const config = { ...configured, ca: { ...configured.ca, passphrase: undefined } };
    // only creating keys may create the file: a reader finding none gets an error, not a new secret
    await expectCode(resolveCaPassphrase(config), 'CA_KEY_UNAVAILABLE');
    expect(existsSync(`${config.dataDir}/ca-passphrase`)).toBe(false);
    const p1 = await resolveCaPassphrase(config, systemRandom, { create: true });
    expect(p1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const path = `${config.dataDir}/ca-passphrase`;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(p1);
    expect(await resolveCaPassphrase(config)).toBe(p1);
    expect(await resolveCaPassphrase(config, systemRandom, { create: true })).toBe(p1);
  });

  it('is what createCertgrid uses when none is configured', async () => {
    const [sqlite] = storeFactories;
    const s = await (sqlite as (typeof storeFactories)[number]).open();
    try {
      const base = testConfig();
      const config = { ...base, ca: { ...base.ca, passphrase: undefined } };
      const cg = await createCertgrid({ config, store: s });
      expect(await cg.ca.initialise({ keyType: 'p256', name: 'x' })).toBe(true);
      const passphrase = readFileSync(`${config.dataDir}/ca-passphrase`, 'utf8').trim();
      const reopened = await createCertgrid({
        config: { ...config, ca: { ...config.ca, passphrase } },
        store: s,
      });
      expect(await reopened.ca.load()).toBe(true);
      await cg.close();
      await reopened.close();
    } finally {
      await s.close();
    }
  });
});
