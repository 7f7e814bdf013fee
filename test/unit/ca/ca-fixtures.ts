/**
 * Shared fixtures for the CA unit tests: a scratch directory, the openssl CLI, and helpers to
 * build a hierarchy and issue leaves. Not a test file itself.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaHierarchy } from '../../../src/core/ca/hierarchy.js';
import { issueCertificate, prepareCertificate } from '../../../src/core/ca/issue.js';
import { toPem } from '../../../src/core/ca/pem.js';
import { newSerialHex } from '../../../src/core/ca/serial.js';
import type {
  CaHierarchy,
  CaUrls,
  IssuanceRequest,
  IssuedCertificate,
  KeyType,
  ProfileInput,
} from '../../../src/core/ca/types.js';
import { systemRandom } from '../../../src/core/deps.js';

export const URLS: CaUrls = { baseUrl: 'http://127.0.0.1:8080' };
export const DAY_MS = 86_400_000;

export interface OpensslResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout + stderr: openssl splits its verdicts between the two. */
  readonly out: string;
}

export function openssl(args: readonly string[], input?: Buffer | string): OpensslResult {
  const r = spawnSync('/usr/bin/openssl', args, { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}\n${r.stderr}` };
}

/** A scratch directory; `file(name, content)` writes and returns the path. */
export function scratch(): {
  dir: string;
  file(name: string, content: string | Uint8Array): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-ca-test-'));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function leafKeyPair(keyType: KeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (keyType) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    default:
      return generateKeyPairSync('rsa', { modulusLength: Number(keyType.slice(3)) });
  }
}

export const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

export function hierarchy(keyType: KeyType, now = new Date()): CaHierarchy {
  return createCaHierarchy({ keyType, name: 'certgrid', now, random: systemRandom, urls: URLS });
}

export const hostProfile: ProfileInput = {
  profile: 'grid_host',
  commonName: 'example.com',
  serviceName: 'sams',
  dnsNames: ['www.example.com'],
};

export function request(
  spkiDer: Buffer,
  overrides: Partial<IssuanceRequest> = {},
  now = new Date(),
): IssuanceRequest {
  return {
    subject: hostProfile,
    spkiDer,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 90 * DAY_MS),
    serialHex: newSerialHex(systemRandom),
    ...overrides,
  };
}

export function issue(h: CaHierarchy, req: IssuanceRequest): IssuedCertificate {
  return issueCertificate(prepareCertificate(h.issuing, req, URLS));
}

export const pem = (der: Buffer): string => toPem(der, 'CERTIFICATE');

/** Writes root.pem, inter.pem and leaf.pem into `s` and returns their paths. */
export function chainFiles(
  s: ReturnType<typeof scratch>,
  h: CaHierarchy,
  leafDer: Buffer,
): { root: string; inter: string; leaf: string } {
  return {
    root: s.file('root.pem', pem(h.root.certDer)),
    inter: s.file('inter.pem', pem(h.issuing.certDer)),
    leaf: s.file('leaf.pem', pem(leafDer)),
  };
}
