import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/program.js';
import { dropPgSchema, openStore } from '../../src/store/db.js';
import { pgEnabled, pgTestUrl } from '../helpers/stores.js';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(s: string) {
      io.stdout += s;
    },
    err(s: string) {
      io.stderr += s;
    },
  };
  return io;
}

async function cli(...argv: string[]) {
  const io = capture();
  const status = await runCli(argv, io);
  return { status, out: io.stdout, err: io.stderr };
}

// The CLI reads DATABASE_URL like an operator's shell would; the PostgreSQL run points it at a schema of its own.
const backends = [{ name: 'sqlite' }, ...(pgEnabled ? [{ name: 'postgres' }] : [])];

describe.each(backends)('certgrid CLI on $name', ({ name }) => {
  let data: string;
  const schema = `t_cli_${randomBytes(5).toString('hex')}`;
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'certgrid-cli-'));
    if (name === 'postgres') {
      // creates the schema; the CLI then finds it through search_path
      await (await openStore({ databaseUrl: pgTestUrl, pgSchema: schema, migrate: false })).close();
      process.env.DATABASE_URL = `${pgTestUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    }
  });
  afterAll(async () => {
    delete process.env.DATABASE_URL;
    if (name === 'postgres') await dropPgSchema(pgTestUrl, schema);
    rmSync(data, { recursive: true, force: true });
  });

  it('init creates the CA once and is idempotent', async () => {
    const first = await cli('init', '--data', data, '--key-type', 'p384', '--json');
    expect(first.status).toBe(0);
    const j = JSON.parse(first.out) as { created: boolean; cas: { role: string; keyType: string }[] };
    expect(j.created).toBe(true);
    expect(j.cas.map((c) => c.keyType)).toEqual(['p384', 'p384']);
    // the store in use is the one named: a SQLite file only when DATABASE_URL is unset
    expect(existsSync(join(data, 'certgrid.db'))).toBe(name === 'sqlite');
    const again = await cli('init', '--data', data);
    expect(again.status).toBe(0);
    expect(again.out).toMatch(/already initialised/);
  });

  it('ca show prints the hierarchy as text and JSON', async () => {
    const text = await cli('ca', 'show', '--data', data);
    expect(text.status).toBe(0);
    expect(text.out).toMatch(/root \(root\)/);
    expect(text.out).toMatch(/intermediate \(issuing-1\)/);
    const json = await cli('ca', 'show', '--data', data, '--json');
    const parsed = JSON.parse(json.out) as { cas: { certhash: string; pem: string }[] };
    expect(parsed.cas).toHaveLength(2);
    expect(parsed.cas[0]!.certhash).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.cas[0]!.pem).toMatch(/BEGIN CERTIFICATE/);
    // certhash is the lowercase hex SHA-256 of the certificate's DER
    for (const c of parsed.cas) {
      expect(c.certhash).toBe(createHash('sha256').update(new X509Certificate(c.pem).raw).digest('hex'));
    }
  });

  it('customer create prints the name and a key once, --json as the issue specifies', async () => {
    const r = await cli('customer', 'create', '--name', 'acme', '--json', '--data', data);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out) as Record<string, string>;
    expect(Object.keys(j)).toEqual(['customer_name', 'api_key']);
    expect(j.customer_name).toBe('acme');
    expect(j.api_key!.length).toBeGreaterThanOrEqual(32);
    const text = await cli('customer', 'create', '--name', 'globex', '--data', data);
    expect(text.out).toMatch(/^customer_name: globex\napi_key: +\S+\n$/);
  });

  it('a duplicate customer fails with one line and a non-zero status', async () => {
    const r = await cli('customer', 'create', '--name', 'acme', '--data', data);
    expect(r.status).toBe(73);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^certgrid: /);
  });

  it('user create and apikey create', async () => {
    const u = await cli(
      'user',
      'create',
      '--customer',
      'acme',
      '--username',
      'alice',
      '--password',
      'correct horse',
      '--role',
      'PKI Admin',
      '--json',
      '--data',
      data,
    );
    expect(u.status).toBe(0);
    expect(JSON.parse(u.out)).toMatchObject({ customer_name: 'acme', username: 'alice', role: 'PKI Admin' });
    const k = await cli(
      'apikey',
      'create',
      '--customer',
      'acme',
      '--username',
      'alice',
      '--json',
      '--data',
      data,
    );
    expect(k.status).toBe(0);
    expect((JSON.parse(k.out) as { api_key: string }).api_key.length).toBeGreaterThanOrEqual(32);
  });

  it('rejects a bad role, a short password and an unknown customer with one-line reasons', async () => {
    const role = await cli(
      'user',
      'create',
      '--customer',
      'acme',
      '--username',
      'bob',
      '--password',
      'long enough',
      '--role',
      'Emperor',
      '--data',
      data,
    );
    expect(role.status).not.toBe(0);
    expect(role.err).toMatch(/role/i);
    const pw = await cli(
      'user',
      'create',
      '--customer',
      'acme',
      '--username',
      'bob',
      '--password',
      'short',
      '--role',
      'Reader',
      '--data',
      data,
    );
    expect(pw.status).not.toBe(0);
    expect(pw.err).toMatch(/password/i);
    const cust = await cli('apikey', 'create', '--customer', 'nobody', '--username', 'x', '--data', data);
    expect(cust.status).toBe(66);
  });

  it('customer set changes approval settings and needs something to change', async () => {
    const r = await cli('customer', 'set', '--name', 'acme', '--api-approvals', 'off', '--data', data);
    expect(r.status).toBe(0);
    const none = await cli('customer', 'set', '--name', 'acme', '--data', data);
    expect(none.status).toBe(64);
  });

  it('customer set turns CertView API access off and on', async () => {
    const off = await cli(
      'customer',
      'set',
      '--name',
      'acme',
      '--certview-api-access',
      'off',
      '--json',
      '--data',
      data,
    );
    expect(off.status).toBe(0);
    expect(JSON.parse(off.out)).toMatchObject({ customer_name: 'acme', certviewApiAccess: false });
    const on = await cli(
      'customer',
      'set',
      '--name',
      'acme',
      '--certview-api-access',
      'on',
      '--json',
      '--data',
      data,
    );
    expect(JSON.parse(on.out)).toMatchObject({ certviewApiAccess: true });
    const bad = await cli(
      'customer',
      'set',
      '--name',
      'acme',
      '--certview-api-access',
      'maybe',
      '--data',
      data,
    );
    expect(bad.status).toBe(64);
  });

  it('user create --permissions, user grant and user revoke', async () => {
    const created = await cli(
      'user',
      'create',
      '--customer',
      'acme',
      '--username',
      'viewer',
      '--password',
      'long enough',
      '--role',
      'Reader',
      '--permissions',
      'certview.api.access',
      '--json',
      '--data',
      data,
    );
    expect(created.status).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({
      username: 'viewer',
      permissions: ['CERTVIEW.API.ACCESS'],
    });
    const revoked = await cli(
      'user',
      'revoke',
      '--username',
      'viewer',
      '--permission',
      'CERTVIEW.API.ACCESS',
      '--json',
      '--data',
      data,
    );
    expect(revoked.status).toBe(0);
    expect(JSON.parse(revoked.out)).toEqual({ username: 'viewer', role: 'Reader', permissions: [] });
    const granted = await cli(
      'user',
      'grant',
      '--username',
      'viewer',
      '--permission',
      'CERTVIEW.API.ACCESS',
      '--data',
      data,
    );
    expect(granted.status).toBe(0);
    expect(granted.out).toBe('user viewer (Reader) permissions: CERTVIEW.API.ACCESS\n');
  });

  it('permission commands fail with one line: unknown permission 65, unknown user 66, missing option 64', async () => {
    const create = await cli(
      'user',
      'create',
      '--customer',
      'acme',
      '--username',
      'bad-perms',
      '--password',
      'long enough',
      '--role',
      'Reader',
      '--permissions',
      'CERTVIEW.API.ACCESS,EVERYTHING',
      '--data',
      data,
    );
    expect(create.status).toBe(65);
    expect(create.err).toMatch(/^certgrid: permissions: must be one of CERTVIEW\.API\.ACCESS\n$/);
    const unknownUser = await cli(
      'user',
      'grant',
      '--username',
      'nobody',
      '--permission',
      'CERTVIEW.API.ACCESS',
      '--data',
      data,
    );
    expect(unknownUser.status).toBe(66);
    expect(unknownUser.err.trim().split('\n')).toHaveLength(1);
    const unknownPermission = await cli(
      'user',
      'revoke',
      '--username',
      'viewer',
      '--permission',
      'ROOT',
      '--data',
      data,
    );
    expect(unknownPermission.status).toBe(65);
    const usage = await cli('user', 'grant', '--username', 'viewer', '--data', data);
    expect(usage.status).toBe(64);
    expect(usage.err).toMatch(/--permission/);
  });

  it('every command has --help, and a missing option is a usage error', async () => {
    for (const cmd of [
      ['serve'],
      ['init'],
      ['customer', 'create'],
      ['customer', 'set'],
      ['user', 'create'],
      ['user', 'grant'],
      ['user', 'revoke'],
      ['ca', 'show'],
      ['apikey', 'create'],
    ]) {
      const r = await cli(...cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/Usage: certgrid/);
    }
    const r = await cli('customer', 'create', '--data', data);
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/--name/);
  });

  it('an invalid key type is refused before anything is created', async () => {
    const d = mkdtempSync(join(tmpdir(), 'certgrid-cli-kt-'));
    const r = await cli('init', '--data', d, '--key-type', 'dsa1024');
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/key-type/);
    rmSync(d, { recursive: true, force: true });
  });
});

describe('certgrid CLI failures outside the store', () => {
  it('serve on a port already taken fails with one line and a non-zero status', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const data = mkdtempSync(join(tmpdir(), 'certgrid-cli-port-'));
    try {
      const r = await cli('serve', '--data', data, '--port', String(port));
      expect(r.status).not.toBe(0);
      expect(r.err).toMatch(/^certgrid: .*EADDRINUSE/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    } finally {
      blocker.close();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('an unreachable database is a one-line failure, not a stack trace', async () => {
    process.env.DATABASE_URL = 'postgres://nobody@127.0.0.1:1/none';
    try {
      const r = await cli('ca', 'show');
      expect(r.status).not.toBe(0);
      expect(r.err).toMatch(/^certgrid: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});

describe('certgrid CLI never creates state by accident', () => {
  it('a command other than init or serve on a missing data dir fails and creates nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'certgrid-cli-missing-'));
    const data = join(parent, 'typo');
    try {
      for (const argv of [
        ['ca', 'show'],
        ['customer', 'create', '--name', 'acme'],
      ]) {
        const r = await cli(...argv, '--data', data);
        expect(r.status).toBe(78);
        expect(r.err).toMatch(/run 'certgrid init' first/);
      }
      expect(existsSync(data)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('existing CA keys without their passphrase are an error, never a new passphrase', async () => {
    const data = mkdtempSync(join(tmpdir(), 'certgrid-cli-pass-'));
    try {
      expect((await cli('init', '--data', data)).status).toBe(0);
      const original = readFileSync(join(data, 'ca-passphrase'), 'utf8');
      rmSync(join(data, 'ca-passphrase'));
      const r = await cli('init', '--data', data);
      expect(r.status).toBe(77);
      expect(r.err).toMatch(/no passphrase was found: set CERTGRID_CA_PASSPHRASE or restore/);
      expect(existsSync(join(data, 'ca-passphrase'))).toBe(false);
      // reading the hierarchy needs no key, so it still works
      expect((await cli('ca', 'show', '--data', data)).status).toBe(0);
      writeFileSync(join(data, 'ca-passphrase'), original);
      expect((await cli('init', '--data', data)).status).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('a usage error is one line and exit status 64', async () => {
    const r = await cli('user', 'create', '--customer', 'acme');
    expect(r.status).toBe(64);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/required option/);
  });
});
