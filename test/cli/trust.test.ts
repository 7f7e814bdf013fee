import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliBackends, expectOneLineError, openCliStore, type CliStore } from '../helpers/cli.js';
import { makePrivatePki, type PrivatePki } from '../helpers/private-pki.js';

const certhashOf = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();

describe.each(cliBackends)('certgrid trust commands on $name', ({ name }) => {
  let store: CliStore;
  let files: string;
  let pki: PrivatePki;
  const run = (...argv: string[]) => store.run(...argv);
  const file = (n: string) => join(files, n);

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'certgrid-cli-trust-files-'));
    pki = makePrivatePki();
    writeFileSync(file('root.pem'), pki.rootPem);
    // The second root as DER, as a .cer file from a Windows export would be.
    writeFileSync(file('other.cer'), new X509Certificate(pki.otherRootPem).raw);
    writeFileSync(file('leaf.pem'), pki.leafPem);
    writeFileSync(file('bundle.pem'), `# a bundle\n${pki.rootPem}\n${pki.otherRootPem}`);
    store = await openCliStore(name, 'cli-trust');
    expect((await run('init')).status).toBe(0);
    expect((await run('customer', 'create', '--name', 'acme')).status).toBe(0);
    expect((await run('customer', 'create', '--name', 'globex')).status).toBe(0);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('add takes PEM and DER files and prints a table; list shows the roots as a table and as JSON', async () => {
    const empty = await run('trust', 'list', '--customer', 'acme');
    expect(empty.status).toBe(0);
    expect(empty.out).toMatch(/trusts no roots of its own/);

    const added = await run('trust', 'add', file('root.pem'), file('other.cer'), '--customer', 'acme');
    expect(added.status, added.err).toBe(0);
    const lines = added.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+CERTHASH\s+SUBJECT\s+EXPIRES$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^added\\s+${certhashOf(pki.rootPem)}\\s+CN=certgrid trust test root, O=Example Private PKI\\s+\\d{4}-`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^added\\s+${certhashOf(pki.otherRootPem)}\\s+CN=certgrid other root`),
    );
    expect(lines[3]).toBe('2 root(s) added, 0 already present; customer acme trusts 2 root(s)');

    // A bundle of both: already there, nothing changes.
    const again = await run('trust', 'add', file('bundle.pem'), '--customer', 'acme', '--json');
    expect(again.status).toBe(0);
    const parsed = JSON.parse(again.out) as {
      customer_name: string;
      added: unknown[];
      present: { certhash: string }[];
    };
    expect(parsed.customer_name).toBe('acme');
    expect(parsed.added).toEqual([]);
    expect(parsed.present.map((r) => r.certhash)).toEqual([
      certhashOf(pki.rootPem),
      certhashOf(pki.otherRootPem),
    ]);

    const table = await run('trust', 'list', '--customer', 'acme');
    expect(table.status).toBe(0);
    const rows = table.out.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^CERTHASH\s+SUBJECT\s+EXPIRES\s+ADDED$/);
    expect(rows).toHaveLength(3);

    const json = await run('trust', 'list', '--customer', 'acme', '--json');
    const listed = JSON.parse(json.out) as {
      customer_name: string;
      roots: { certhash: string; subject: string; notAfter: string; created: string }[];
    };
    expect(listed.customer_name).toBe('acme');
    expect(listed.roots.map((r) => r.certhash).sort()).toEqual(
      [certhashOf(pki.rootPem), certhashOf(pki.otherRootPem)].sort(),
    );
    expect(listed.roots[0]).toMatchObject({ notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(listed.roots[0]).not.toHaveProperty('der');

    // another customer trusts none of them
    const other = await run('trust', 'list', '--customer', 'globex', '--json');
    expect(JSON.parse(other.out)).toEqual({ customer_name: 'globex', roots: [] });
  });

  it('refuses what is not a self-signed CA in one line naming the file, and adds nothing then', async () => {
    const leaf = await run('trust', 'add', file('root.pem'), file('leaf.pem'), '--customer', 'globex');
    expect(leaf.status).toBe(65);
    expectOneLineError(leaf);
    expect(leaf.err).toContain(
      `certgrid: ${file('leaf.pem')}: the certificate ("CN=localhost") is not a CA certificate`,
    );
    expect(JSON.parse((await run('trust', 'list', '--customer', 'globex', '--json')).out).roots).toEqual([]);

    const missing = await run('trust', 'add', file('nope.pem'), '--customer', 'globex');
    expect(missing.status).toBe(66);
    expectOneLineError(missing);
    expect(missing.err).toContain('nope.pem: no such file');

    const noCustomer = await run('trust', 'add', file('root.pem'), '--customer', 'initech');
    expect(noCustomer.status).toBe(66);
    expectOneLineError(noCustomer);

    const usage = await run('trust', 'list');
    expect(usage.status).toBe(64);
    expect(usage.err).toMatch(/--customer/);
  });

  it('remove takes the certhash (any case, colons allowed) and says so; an unknown one exits 66', async () => {
    const fingerprint = new X509Certificate(pki.otherRootPem).fingerprint256;
    const removed = await run('trust', 'remove', '--customer', 'acme', '--certhash', fingerprint);
    expect(removed.status, removed.err).toBe(0);
    expect(removed.out).toBe(
      `root ${certhashOf(pki.otherRootPem)} (CN=certgrid other root, O=Example Private PKI) removed from customer acme's trusted roots\n`,
    );

    const again = await run(
      'trust',
      'remove',
      '--customer',
      'acme',
      '--certhash',
      certhashOf(pki.otherRootPem),
    );
    expect(again.status).toBe(66);
    expectOneLineError(again);

    const bad = await run('trust', 'remove', '--customer', 'acme', '--certhash', 'abc');
    expect(bad.status).toBe(65);
    expectOneLineError(bad);
    expect(bad.err).toMatch(/certhash/);

    const json = await run(
      'trust',
      'remove',
      '--customer',
      'acme',
      '--certhash',
      certhashOf(pki.rootPem),
      '--json',
    );
    expect(json.status).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      customer_name: 'acme',
      removed: {
        certhash: certhashOf(pki.rootPem),
        subject: 'CN=certgrid trust test root, O=Example Private PKI',
      },
    });
    expect((await run('trust', 'list', '--customer', 'acme')).out).toMatch(/trusts no roots of its own/);
  });

  it('every trust command has --help', async () => {
    for (const cmd of [['trust'], ['trust', 'add'], ['trust', 'list'], ['trust', 'remove']]) {
      const r = await cli(...cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/Usage: certgrid trust/);
    }
  });
});
