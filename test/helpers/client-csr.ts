import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What Grid API clients send and check, made with the openssl command line: CSRs of every key
 * type a client may use (DSA, Ed448, odd curves and sizes, tampered signatures, Debian-blocklisted
 * keys), and openssl runs over files in a test's directory. (csr.ts builds CSRs in-process.)
 */

/** Runs openssl; on failure the error carries its stderr. */
export function runOpenssl(args: readonly string[], opts: { input?: string | Buffer } = {}): string {
  try {
    return execFileSync('openssl', args, {
      input: opts.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `openssl ${args.join(' ')} failed: ${err.stderr ?? ''}${err.stdout ?? ''}${err.message}`,
      {
        cause: e,
      },
    );
  }
}

export function tempDir(prefix = 'certgrid-api-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `rsa:<bits>`, `ec:<openssl curve name>` (P-256, secp256k1 …), `dsa:<bits>`, ed25519 or ed448. */
export type ClientKey = `rsa:${number}` | `ec:${string}` | `dsa:${number}` | 'ed25519' | 'ed448';

export interface ClientCsr {
  readonly pem: string;
  readonly keyPath: string;
  readonly csrPath: string;
}

let seq = 0;

/** A CSR made by `openssl req` with a fresh key, for `subject` (e.g. `/CN=example.com`). */
export function clientCsr(
  dir: string,
  opts: { key?: ClientKey; subject?: string; sans?: readonly string[] } = {},
): ClientCsr {
  const key = opts.key ?? 'ec:P-256';
  const n = ++seq;
  const keyPath = join(dir, `key-${n}.pem`);
  const csrPath = join(dir, `req-${n}.csr`);
  const [algo, param] = key.split(':') as [string, string | undefined];
  if (algo === 'rsa') {
    runOpenssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${param}`, '-out', keyPath]);
  } else if (algo === 'ec') {
    runOpenssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${param}`, '-out', keyPath]);
  } else if (algo === 'dsa') {
    const params = join(dir, `dsa-${n}.pem`);
    runOpenssl([
      'genpkey',
      '-genparam',
      '-algorithm',
      'DSA',
      '-pkeyopt',
      `dsa_paramgen_bits:${param}`,
      '-out',
      params,
    ]);
    runOpenssl(['genpkey', '-paramfile', params, '-out', keyPath]);
  } else {
    runOpenssl(['genpkey', '-algorithm', algo.toUpperCase(), '-out', keyPath]);
  }
  const args = ['req', '-new', '-key', keyPath, '-subj', opts.subject ?? '/CN=example.com', '-out', csrPath];
  if (opts.sans !== undefined)
    args.push('-addext', `subjectAltName=${opts.sans.map((s) => `DNS:${s}`).join(',')}`);
  if (!algo.startsWith('ed')) args.push('-sha256');
  runOpenssl(args);
  return { pem: readFileSync(csrPath, 'utf8'), keyPath, csrPath };
}

/** The same CSR with one bit of its signature flipped (the signature is the DER's last bytes). */
export function tamperSignature(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01;
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE REQUEST-----\n`;
}

/**
 * A Debian openssl-blacklist style file (blacklist.RSA-<bits>) listing the key of `keyPath`:
 * the last 20 hex digits of SHA-1 over "Modulus=<HEX>\n", as openssl-vulnkey computes them.
 */
export function weakKeyBlocklist(dir: string, keyPath: string, bits: number): string {
  const modulusLine = runOpenssl(['rsa', '-in', keyPath, '-noout', '-modulus']);
  const fingerprint = createHash('sha1').update(modulusLine).digest('hex').slice(20);
  const path = join(dir, `blacklist.RSA-${bits}`);
  writeFileSync(path, `# test blocklist\n${fingerprint}\n`);
  return path;
}

export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
