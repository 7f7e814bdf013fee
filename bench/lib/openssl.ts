import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pool of distinct P-256 CSRs made by openssl, so the server sees realistic, varied input. */
export function makeCsrPool(dir: string, count: number): string[] {
  const pool: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = join(dir, `c${i}.csr`);
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, `c${i}.key`),
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
