import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { sign } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { resolveCaPassphrase } from '../../src/compose.js';
import { decryptPrivateKeyPem, signatureAlgorithmFor, type KeyType } from '../../src/core/ca/index.js';
import { openConfiguredStore } from '../../src/main.js';

const bin = join(import.meta.dirname, '../../src/cli/bin.js');

export interface CertgridServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** `certgrid init` and `certgrid customer create` in a fresh data dir: the CA every run of this key type signs with. */
export function initDataDir(dataDir: string, keyType: string): { customerName: string; apiKey: string } {
  execFileSync(process.execPath, [bin, 'init', '--data', dataDir, '--key-type', keyType], {
    stdio: 'ignore',
  });
  const out = execFileSync(
    process.execPath,
    [bin, 'customer', 'create', '--name', 'bench', '--json', '--data', dataDir],
    {
      encoding: 'utf8',
    },
  );
  const j = JSON.parse(out) as { customer_name: string; api_key: string };
  return { customerName: j.customer_name, apiKey: j.api_key };
}

/**
 * The baseline: the issuing CA's own key (decrypted from the store as certgrid does) signing a
 * TBSCertificate-sized buffer with node:crypto on one core, for about two seconds.
 */
export async function rawSignRate(dataDir: string, keyType: string): Promise<number> {
  const config = loadConfig({ dataDir }, {});
  const store = await openConfiguredStore(config);
  try {
    const row = await store.db
      .selectFrom('cas')
      .select('key_pem')
      .where('id', '=', 'issuing-1')
      .executeTakeFirstOrThrow();
    const key = decryptPrivateKeyPem(row.key_pem, await resolveCaPassphrase(config));
    const digest = signatureAlgorithmFor(keyType as KeyType).nodeDigest;
    const tbs = Buffer.alloc(450, 7);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) {
      for (let i = 0; i < 20; i++) sign(digest, tbs, key);
      n += 20;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
  }
}

/** `certgrid serve` exactly as an operator runs it, on a free port. */
export async function startCertgridServer(
  dataDir: string,
  workers: number,
  env: Readonly<Record<string, string>> = {},
): Promise<CertgridServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'serve', '--data', dataDir, '--port', '0', '--workers', String(workers)],
    { env: { ...process.env, CERTGRID_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`certgrid serve exited ${code}: ${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
