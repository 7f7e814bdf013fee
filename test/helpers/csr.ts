/**
 * CSRs for tests: built in-process (fast, any key) or by the openssl CLI (what real clients send).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NULL,
  bitString,
  constructed,
  integerFromNumber,
  oid,
  sequence,
  set,
} from '../../src/core/ca/der.js';
import { encodeName } from '../../src/core/ca/names.js';
import { toPem } from '../../src/core/ca/pem.js';
import { subjectAltNameExt } from '../../src/core/ca/tbs.js';

export interface TestCsr {
  readonly pem: string;
  readonly der: Buffer;
  readonly privateKey: KeyObject;
}

export type TestKeyType = 'p256' | 'rsa2048' | 'rsa1024' | 'ed25519';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

function keyPair(type: TestKeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (type) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024':
      return generateKeyPairSync('rsa', { modulusLength: 1024 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

/** A PKCS#10 request (RFC 2986) signed with a fresh key; SANs go in an extensionRequest attribute. */
export function makeCsr(
  opts: { cn?: string; dnsNames?: readonly string[]; keyType?: TestKeyType } = {},
): TestCsr {
  const { privateKey, publicKey } = keyPair(opts.keyType ?? 'p256');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const attributes: Buffer[] = [];
  if (opts.dnsNames && opts.dnsNames.length > 0) {
    attributes.push(sequence(oid(EXTENSION_REQUEST), set(sequence(subjectAltNameExt(opts.dnsNames, [])))));
  }
  const info = sequence(
    integerFromNumber(0),
    encodeName(opts.cn === undefined ? [] : [{ type: 'CN', value: opts.cn }]),
    spki,
    constructed(0xa0, attributes),
  );
  let algorithm: Buffer;
  let signature: Buffer;
  const kind = privateKey.asymmetricKeyType;
  if (kind === 'ec') {
    algorithm = sequence(oid('1.2.840.10045.4.3.2'));
    signature = sign('sha256', info, privateKey);
  } else if (kind === 'rsa') {
    algorithm = sequence(oid('1.2.840.113549.1.1.11'), NULL);
    signature = sign('sha256', info, privateKey);
  } else {
    algorithm = sequence(oid('1.3.101.112'));
    signature = sign(null, info, privateKey);
  }
  const der = sequence(info, algorithm, bitString(signature));
  return { der, pem: toPem(der, 'CERTIFICATE REQUEST'), privateKey };
}

/** The same through `openssl req`, as a Grid client would make it. */
export function opensslCsr(cn: string, dnsNames: readonly string[] = []): { pem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-csr-'));
  try {
    const args = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    args.push('-subj', `/CN=${cn}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'csr.pem'));
    if (dnsNames.length > 0)
      args.push('-addext', `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(',')}`);
    execFileSync('openssl', args, { stdio: 'pipe' });
    return {
      pem: readFileSync(join(dir, 'csr.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
