/**
 * The openssl CLI as an independent judge of what certgrid produces.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function withFiles<T>(files: Record<string, string | Buffer>, fn: (path: (name: string) => string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return fn((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = (args: string[]): string => execFileSync('openssl', args, { stdio: 'pipe', encoding: 'utf8' });

/** `openssl verify` of a leaf against root + intermediate at a given time; returns its output. */
export function opensslVerify(
  leafPem: string,
  chain: { rootPem: string; intermediatePem: string },
  at: Date,
  purpose?: 'sslserver' | 'sslclient' | 'smimesign',
): string {
  return withFiles(
    { 'leaf.pem': leafPem, 'root.pem': chain.rootPem, 'int.pem': chain.intermediatePem },
    (p) =>
      run([
        'verify',
        '-attime',
        String(Math.floor(at.getTime() / 1000)),
        ...(purpose ? ['-purpose', purpose] : []),
        '-CAfile',
        p('root.pem'),
        '-untrusted',
        p('int.pem'),
        p('leaf.pem'),
      ]),
  );
}

/** `openssl crl -text` of a DER CRL. */
export function opensslCrlText(der: Buffer): string {
  return withFiles({ 'crl.der': der }, (p) =>
    run(['crl', '-inform', 'DER', '-in', p('crl.der'), '-text', '-noout']),
  );
}

/** A DER OCSP request for a leaf, made by `openssl ocsp`. */
export function opensslOcspRequest(leafPem: string, issuerPem: string): Buffer {
  return withFiles({ 'leaf.pem': leafPem, 'issuer.pem': issuerPem }, (p) => {
    run(['ocsp', '-issuer', p('issuer.pem'), '-cert', p('leaf.pem'), '-no_nonce', '-reqout', p('req.der')]);
    return execFileSync('cat', [p('req.der')]);
  });
}

/** `openssl ocsp -respin` verifying the response against the chain; returns its output (status line). */
export function opensslOcspStatus(
  responseDer: Buffer,
  leafPem: string,
  chain: { rootPem: string; intermediatePem: string },
  at: Date,
): string {
  return withFiles(
    {
      'resp.der': responseDer,
      'leaf.pem': leafPem,
      'root.pem': chain.rootPem,
      'int.pem': chain.intermediatePem,
    },
    (p) =>
      execFileSync(
        'openssl',
        [
          'ocsp',
          '-respin',
          p('resp.der'),
          '-issuer',
          p('int.pem'),
          '-cert',
          p('leaf.pem'),
          '-CAfile',
          p('root.pem'),
          '-attime',
          String(Math.floor(at.getTime() / 1000)),
          // OCSP freshness is judged against the real clock, not -attime; tests run on a frozen one.
          '-validity_period',
          '4000000000',
        ],
        { stdio: 'pipe', encoding: 'utf8' },
      ),
  );
}

/** `openssl ocsp -resp_text` of a response, signature not checked (for reading statuses). */
export function opensslOcspText(responseDer: Buffer): string {
  return withFiles({ 'resp.der': responseDer }, (p) =>
    run(['ocsp', '-respin', p('resp.der'), '-resp_text', '-noverify']),
  );
}
