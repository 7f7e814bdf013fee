import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: resolve('./data'), workers: 1 });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.ca.keyType).toBe('p256');
  });

  it('flags beat environment, which beats the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certgrid-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ host: '10.0.0.1', port: 1111, ca: { keyType: 'rsa2048' } }));
    expect(loadConfig({}, { CERTGRID_CONFIG: file })).toMatchObject({ host: '10.0.0.1', port: 1111 });
    expect(loadConfig({}, { CERTGRID_CONFIG: file }).ca.keyType).toBe('rsa2048');
    expect(loadConfig({}, { CERTGRID_CONFIG: file, CERTGRID_PORT: '2222' }).port).toBe(2222);
    expect(loadConfig({ port: '3333' }, { CERTGRID_CONFIG: file, CERTGRID_PORT: '2222' }).port).toBe(3333);
  });

  it('selects PostgreSQL from DATABASE_URL and refuses other schemes', () => {
    expect(loadConfig({}, { DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://u@h/db' })).toThrow(ConfigError);
  });

  it('publicUrl follows host and port, brackets IPv6, and can be set', () => {
    expect(loadConfig({ host: '::1', port: 9000 }, {}).publicUrl).toBe('http://[::1]:9000');
    expect(loadConfig({ host: '0.0.0.0' }, {}).publicUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({}, { CERTGRID_PUBLIC_URL: 'https://pki.example.com/' }).publicUrl).toBe(
      'https://pki.example.com',
    );
  });

  it('workers: a count, or auto/0 for one per core', () => {
    expect(loadConfig({ workers: '3' }, {}).workers).toBe(3);
    expect(loadConfig({}, { CERTGRID_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(loadConfig({ workers: 0 }, {}).workers).toBe(availableParallelism());
    expect(() => loadConfig({ workers: '-1' }, {})).toThrow(/workers/);
  });

  it('CertView token lifetime and login throttle: defaults, env, file, validation', () => {
    const c = loadConfig({}, {});
    expect(c.certview).toEqual({ tokenTtlMinutes: 240 });
    expect(c.auth).toEqual({ maxFailuresPerUser: 5, maxFailuresPerIp: 20, failureWindowMinutes: 15 });
    expect(loadConfig({}, { CERTGRID_TOKEN_TTL_MINUTES: '60' }).certview.tokenTtlMinutes).toBe(60);
    const dir = mkdtempSync(join(tmpdir(), 'certgrid-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(
      file,
      JSON.stringify({
        certview: { tokenTtlMinutes: 30 },
        auth: { maxFailuresPerUser: 3, maxFailuresPerIp: 50, failureWindowMinutes: 60 },
      }),
    );
    const fromFile = loadConfig({}, { CERTGRID_CONFIG: file });
    expect(fromFile.certview.tokenTtlMinutes).toBe(30);
    expect(fromFile.auth).toEqual({ maxFailuresPerUser: 3, maxFailuresPerIp: 50, failureWindowMinutes: 60 });
    expect(
      loadConfig({}, { CERTGRID_CONFIG: file, CERTGRID_TOKEN_TTL_MINUTES: '10' }).certview.tokenTtlMinutes,
    ).toBe(10);
    expect(() => loadConfig({}, { CERTGRID_TOKEN_TTL_MINUTES: '0' })).toThrow(/certview.tokenTtlMinutes/);
    expect(() => loadConfig({}, { CERTGRID_TOKEN_TTL_MINUTES: '1.5' })).toThrow(/positive integer/);
    writeFileSync(file, JSON.stringify({ auth: { maxFailuresPerIp: -1 } }));
    expect(() => loadConfig({}, { CERTGRID_CONFIG: file })).toThrow(/auth.maxFailuresPerIp/);
  });

  it('scanner: ports and limits from defaults, env and file, validated', () => {
    expect(loadConfig({}, {}).scan).toEqual({
      ports: [443],
      concurrency: 256,
      perTarget: 8,
      probeTimeoutMs: 5000,
    });
    expect(loadConfig({}, { CERTGRID_SCAN_PORTS: '443, 8443,443' }).scan.ports).toEqual([443, 8443]);
    const dir = mkdtempSync(join(tmpdir(), 'certgrid-config-'));
    const file = join(dir, 'scan.json');
    writeFileSync(file, JSON.stringify({ scan: { ports: [993, 995], perTarget: 2 } }));
    expect(loadConfig({}, { CERTGRID_CONFIG: file }).scan).toMatchObject({ ports: [993, 995], perTarget: 2 });
    expect(() => loadConfig({}, { CERTGRID_SCAN_PORTS: '443,70000' })).toThrow(/scan.ports/);
    expect(() => loadConfig({}, { CERTGRID_SCAN_PORTS: 'https' })).toThrow(/scan.ports/);
    expect(() => loadConfig({}, { CERTGRID_SCAN_CONCURRENCY: '0' })).toThrow(/scan.concurrency/);
  });

  it('refuses bad values with a clear message', () => {
    expect(() => loadConfig({ port: '70000' }, {})).toThrow(/port/);
    expect(() => loadConfig({ keyType: 'dsa' }, {})).toThrow(/key type/);
    expect(() => loadConfig({ configFile: '/nonexistent/certgrid.json' }, {})).toThrow(/cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'certgrid-config-'));
    writeFileSync(join(dir, 'bad.json'), '[1,2]');
    expect(() => loadConfig({ configFile: join(dir, 'bad.json') }, {})).toThrow(/JSON object/);
  });
});
