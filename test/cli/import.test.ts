import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const EV_ROOT = readFileSync(
  join(import.meta.dirname, '../fixtures/inventory/digicert-high-assurance-ev-root-ca.pem'),
  'utf8',
);

describe('certgrid import', () => {
  let data: string;
  let files: string;
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'certgrid-import-'));
    files = join(data, 'certs');
    mkdirSync(join(files, 'nested'), { recursive: true });
    writeFileSync(join(files, 'root.pem'), EV_ROOT);
    // The same certificate as DER, deeper down: one certificate in the inventory, found twice.
    writeFileSync(
      join(files, 'nested', 'root.der'),
      Buffer.from(EV_ROOT.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );
    writeFileSync(
      join(files, 'nested', 'notes.txt'),
      'not a certificate, and not picked up from a directory',
    );
    expect((await cli('init', '--data', data)).status).toBe(0);
    expect((await cli('customer', 'create', '--name', 'acme', '--data', data)).status).toBe(0);
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('walks directories by extension, reports each file and a summary, and is idempotent', async () => {
    const first = await cli('import', files, '--customer', 'acme', '--asset', 'fileserver', '--data', data);
    expect(first.status, first.err).toBe(0);
    // Entries are read in name order: nested/ before root.pem.
    expect(first.out).toContain(`${join(files, 'nested', 'root.der')}: 1 certificate(s), 1 new`);
    expect(first.out).toContain(`${join(files, 'root.pem')}: 1 certificate(s), 0 new`);
    expect(first.out).not.toContain('notes.txt');
    expect(first.out).toMatch(/imported 2 certificate\(s\) \(1 new\) from 2 file\(s\) into acme\n$/);
    const again = await cli(
      'import',
      join(files, 'root.pem'),
      '--customer',
      'acme',
      '--json',
      '--data',
      data,
    );
    expect(JSON.parse(again.out)).toMatchObject({ customer_name: 'acme', imported: 1, added: 0, failed: 0 });
  });

  it('reports a bad file and a missing path, imports the rest, and exits non-zero', async () => {
    const bad = join(files, 'nested', 'notes.txt');
    const r = await cli(
      'import',
      bad,
      join(files, 'root.pem'),
      join(data, 'nope'),
      '--customer',
      'acme',
      '--data',
      data,
    );
    expect(r.status).not.toBe(0);
    expect(r.err).toContain(`${bad}: `);
    expect(r.err).toContain(`${join(data, 'nope')}: no such file or directory`);
    expect(r.out).toContain(`${join(files, 'root.pem')}: 1 certificate(s), 0 new`);
  });

  it('needs an existing customer', async () => {
    const r = await cli('import', files, '--customer', 'nobody', '--data', data);
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('no customer named nobody');
  });
});
