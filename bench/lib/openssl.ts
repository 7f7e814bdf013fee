import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CSR_KEYS: Record<string, string[]> = {
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa2048: ['-newkey', 'rsa:2048'],
};

/** A pool of distinct CSRs (one key each) made by openssl, so the server sees realistic, varied input. */
export function makeCsrPool(dir: string, count: number, keyType = 'p256'): string[] {
  const keyArgs = CSR_KEYS[keyType];
  if (keyArgs === undefined) throw new Error(`--csr-key must be one of ${Object.keys(CSR_KEYS).join(', ')}`);
  const pool: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = join(dir, `c${keyType}${i}.csr`);
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        ...keyArgs,
        '-nodes',
        '-keyout',
        join(dir, `c${keyType}${i}.key`),
        '-out',
        out,
        '-subj',
        `/CN=bench user ${i}`,
      ],
      { stdio: 'ignore' },
    );
    pool.push(readFileSync(out, 'utf8'));
  }
  return pool;
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
