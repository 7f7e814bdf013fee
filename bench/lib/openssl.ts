import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `openssl req` arguments making a fresh key of each certgrid key type. */
export const OPENSSL_NEWKEY: Readonly<Record<string, string[]>> = {
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  rsa2048: ['-newkey', 'rsa:2048'],
  rsa3072: ['-newkey', 'rsa:3072'],
  rsa4096: ['-newkey', 'rsa:4096'],
  ed25519: ['-newkey', 'ed25519'],
};

/** A pool of distinct CSRs (one key each) made by openssl, so the server sees realistic, varied input. */
export function makeCsrPool(dir: string, count: number, keyType = 'p256'): string[] {
  const keyArgs = OPENSSL_NEWKEY[keyType];
  if (keyArgs === undefined)
    throw new Error(`--csr-key must be one of ${Object.keys(OPENSSL_NEWKEY).join(', ')}`);
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
