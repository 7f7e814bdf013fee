/**
 * A realistic, deterministic certificate inventory for the inventory benchmark: real X.509
 * certificates (own CA hierarchy, real signatures) with names, lifetimes, key types, SANs and EV
 * flags drawn from a seeded PRNG, and where each was seen (asset, port, tags, vulnerabilities).
 *
 * Keys and signatures come from node:crypto and so differ between generations; everything else is a
 * function of the seed and the index. Generated DERs are cached in the OS temp directory so later
 * runs ingest byte-identical certificates; they are never committed.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sign, signatureAlgorithmFor } from '../../src/core/ca/algorithms.js';
import { integerFromHex, oid, sequence, tlv } from '../../src/core/ca/der.js';
import { encodeName, subjectKeyIdentifier, type NameAttribute } from '../../src/core/ca/names.js';
import {
  assembleSigned,
  authorityKeyIdentifierExt,
  basicConstraintsExt,
  buildCaCertificate,
  buildTbsCertificate,
  extension,
  extKeyUsageExt,
  keyUsageExt,
  subjectKeyIdentifierExt,
  type CaSigner,
} from '../../src/core/ca/tbs.js';
import type { KeyType } from '../../src/core/ca/types.js';
import type { Sighting } from '../../src/core/inventory/repository.js';

const DAY = 86_400_000;
/**
 * The dataset's "now": fixed, so the same seed gives the same certificates on any day. The server
 * filters against the real clock, so expiry groups select a slowly shifting share as months pass.
 */
export const DATASET_NOW = Date.parse('2026-11-01T00:00:00.000Z');

/** mulberry32: small, fast, good enough to spread names and dates. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const HOSTS = ['www', 'api', 'mail', 'vpn', 'portal', 'app', 'db', 'intranet', 'login', 'cdn', 'shop', 'sso'];
const TLDS = ['example', 'example.com', 'example.net', 'example.org'];
const ORGS = Array.from({ length: 50 }, (_, i) => `Organisation ${i} Ltd`);
const OS = ['Linux', 'Windows Server 2022', 'NetScaler', 'F5 BIG-IP', 'FreeBSD', 'Cisco IOS'];
const TAGS = Array.from({ length: 30 }, (_, i) =>
  i === 0 ? 'Internet Facing Assets' : i === 1 ? 'PCI' : `Tag ${i}`,
);
const PORTS = [443, 443, 443, 8443, 636, 993, 25, 465, 3389];
export const VULNS = [
  { qid: 38116, title: 'SSL Server Information Retrieval', severity: 1 },
  { qid: 38706, title: 'SSL/TLS Protocol Properties', severity: 1 },
  { qid: 86002, title: 'SSL Certificate - Information', severity: 1 },
  { qid: 38597, title: 'SSL/TLS invalid protocol version tolerance', severity: 1 },
  { qid: 42350, title: 'TLS Secure Renegotiation Extension Support Information', severity: 1 },
  { qid: 38173, title: 'SSL Certificate - Signature Verification Failed Vulnerability', severity: 2 },
  { qid: 38169, title: 'SSL Certificate - Self-Signed Certificate', severity: 2 },
  { qid: 38170, title: 'SSL Certificate - Subject Common Name Does Not Match Server FQDN', severity: 2 },
  { qid: 38140, title: 'SSL Server Supports Weak Encryption Vulnerability', severity: 3 },
  { qid: 38601, title: 'SSL/TLS use of weak RC4 cipher', severity: 3 },
  { qid: 38628, title: 'SSL/TLS Server supports TLSv1.0', severity: 3 },
  { qid: 38695, title: 'TLS ROBOT Vulnerability Detected', severity: 4 },
];

/** Names a certificate index maps to; pure functions of (seed, i) so queries can name them. */
export function leafNames(seed: number, i: number) {
  const r = prng(seed * 1_000_003 + i);
  const domain = `corp${Math.floor(r() * 400)}.${pick(r, TLDS)}`;
  const host = `${pick(r, HOSTS)}-${i}.${domain}`;
  return { r, host, domain, org: pick(r, ORGS) };
}

/** Where certificate i was seen: 80% on one asset (4 certificates per asset on average), 20% nowhere. */
export function sightingOf(seed: number, i: number, assets: number): Sighting | undefined {
  const r = prng(seed * 7 + i * 13 + 1);
  if (r() < 0.2) return undefined;
  const a = Math.floor(r() * assets);
  const ar = prng(seed * 31 + a);
  const tags = [pick(ar, TAGS), ...(ar() < 0.3 ? [pick(ar, TAGS)] : [])];
  const vulnCount = Math.floor(r() * 5);
  const vulnerabilities = Array.from({ length: vulnCount }, () => pick(r, VULNS));
  return {
    assetName: assetName(a),
    address: `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`,
    hostname: assetName(a),
    operatingSystem: pick(ar, OS),
    tags: [...new Set(tags)],
    managed: true,
    instance: {
      port: pick(r, PORTS),
      service: 'https',
      grade: pick(r, ['A+', 'A', 'A', 'A', 'B', 'C', 'F', 'T']),
      sslProtocols: r() < 0.3 ? ['TLSv1.2', 'TLSv1.3'] : ['TLSv1.2'],
      vulnerabilities,
    },
  };
}

export const assetName = (a: number): string => `host-${a}.assets.example`;

interface Issuer {
  readonly nameDer: Buffer;
  readonly keyIdentifier: Buffer;
  readonly keyType: KeyType;
  readonly keyPem: string;
  readonly certDer: Buffer;
}

/** Two roots and twelve issuing CAs (nine P-256, three RSA-2048), made once per generation. */
function makeHierarchy(): { roots: Issuer[]; issuers: Issuer[] } {
  const make = (name: string, keyType: KeyType, parent: Issuer | undefined, nb: Date): Issuer => {
    const { privateKey, publicKey } =
      keyType === 'p256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
    const nameDer = encodeName([
      { type: 'C', value: 'US' },
      { type: 'O', value: 'certgrid benchmark' },
      { type: 'CN', value: name },
    ]);
    const keyIdentifier = subjectKeyIdentifier(spkiDer);
    const signer: CaSigner = parent
      ? {
          nameDer: parent.nameDer,
          keyIdentifier: parent.keyIdentifier,
          keyType: parent.keyType,
          privateKey: createPrivateKey(parent.keyPem),
        }
      : { nameDer, keyIdentifier, keyType, privateKey };
    const certDer = buildCaCertificate(
      {
        subjectDer: nameDer,
        spkiDer,
        serialHex: keyIdentifier.subarray(0, 8).toString('hex'),
        notBefore: nb,
        notAfter: new Date(nb.getTime() + 3650 * DAY),
        keyUsage: ['keyCertSign', 'cRLSign'],
      },
      signer,
    );
    return {
      nameDer,
      keyIdentifier,
      keyType,
      keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certDer,
    };
  };
  const nb = new Date(DATASET_NOW - 1000 * DAY);
  const roots = [
    make('Bench Root R1', 'rsa2048', undefined, nb),
    make('Bench Root E1', 'p256', undefined, nb),
  ];
  const issuers = Array.from({ length: 12 }, (_, k) =>
    k < 9
      ? make(`Bench Issuing CA E${k + 1}`, 'p256', roots[1], nb)
      : make(`Bench Issuing CA R${k - 8}`, 'rsa2048', roots[0], nb),
  );
  return { roots, issuers };
}

function sanExt(dns: readonly string[], ips: readonly Buffer[]): Buffer {
  const names = [...dns.map((d) => tlv(0x82, Buffer.from(d, 'latin1'))), ...ips.map((ip) => tlv(0x87, ip))];
  return extension('2.5.29.17', false, sequence(...names));
}

const EV_POLICY = extension('2.5.29.32', false, sequence(sequence(oid('2.23.140.1.1'))));
const DV_POLICY = extension('2.5.29.32', false, sequence(sequence(oid('2.23.140.1.2.1'))));

/** Certificates [start, end) of a dataset, signed by the given issuers with leaf keys from the pool. */
export function buildLeaves(
  seed: number,
  start: number,
  end: number,
  issuers: readonly Issuer[],
  leafKeys: readonly { spkiDer: Buffer }[],
): Buffer[] {
  const keys = issuers.map((i) => createPrivateKey(i.keyPem));
  const ekus = extKeyUsageExt(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  const out: Buffer[] = [];
  for (let i = start; i < end; i++) {
    const { r, host, domain, org } = leafNames(seed, i);
    // 10% from the RSA issuers, the rest from the ECDSA ones.
    const k = r() < 0.1 ? 9 + Math.floor(r() * 3) : Math.floor(r() * 9);
    const issuer = issuers[k]!;
    const ev = r() < 0.03;
    const attrs: NameAttribute[] = [
      { type: 'C', value: 'US' },
      { type: 'O', value: org },
    ];
    if (ev) attrs.unshift({ type: 'serialNumber', value: String(1_000_000 + i) });
    attrs.push({ type: 'CN', value: host });
    const lifetime = pick(r, [90, 90, 90, 365, 398, 730]);
    const notBefore = DATASET_NOW - Math.floor(r() * 800) * DAY;
    const dns = [host, ...(r() < 0.4 ? [domain] : []), ...(r() < 0.1 ? [`*.${domain}`] : [])];
    const ips = r() < 0.15 ? [Buffer.from([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])] : [];
    const spkiDer = leafKeys[Math.floor(r() * leafKeys.length)]!.spkiDer;
    const alg = signatureAlgorithmFor(issuer.keyType);
    const tbs = buildTbsCertificate({
      serialDer: integerFromHex(
        `7${(i + 1).toString(16).padStart(15, '0')}${Math.floor(r() * 2 ** 32)
          .toString(16)
          .padStart(8, '0')}`,
      ),
      signatureAlgorithmDer: alg.algorithmIdentifierDer,
      issuerDer: issuer.nameDer,
      notBefore: new Date(notBefore),
      notAfter: new Date(notBefore + lifetime * DAY),
      subjectDer: encodeName(attrs),
      spkiDer,
      extensions: [
        basicConstraintsExt(false),
        keyUsageExt(['digitalSignature', 'keyEncipherment']),
        ekus,
        subjectKeyIdentifierExt(subjectKeyIdentifier(spkiDer)),
        authorityKeyIdentifierExt(issuer.keyIdentifier),
        sanExt(dns, ips),
        ev ? EV_POLICY : DV_POLICY,
      ],
    });
    out.push(assembleSigned(tbs, alg.algorithmIdentifierDer, sign(keys[k]!, issuer.keyType, undefined, tbs)));
  }
  return out;
}

export interface Dataset {
  readonly seed: number;
  /** CA certificates first (roots, then issuers), then the leaves. */
  readonly ders: Buffer[];
  readonly caCount: number;
  readonly assets: number;
  readonly generatedSeconds: number;
  readonly cached: boolean;
}

function leafKeyPool(): { spkiDer: Buffer }[] {
  const specs: (['ec', string] | ['rsa', number])[] = [
    ...Array.from({ length: 40 }, () => ['ec', 'P-256'] as ['ec', string]),
    ...Array.from({ length: 4 }, () => ['ec', 'P-384'] as ['ec', string]),
    ...Array.from({ length: 16 }, () => ['rsa', 2048] as ['rsa', number]),
    ...Array.from({ length: 4 }, () => ['rsa', 3072] as ['rsa', number]),
  ];
  return specs.map(([kind, p]) => {
    const { publicKey } =
      kind === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: p as string })
        : generateKeyPairSync('rsa', { modulusLength: p as number });
    return { spkiDer: publicKey.export({ type: 'spki', format: 'der' }) };
  });
}

/** Length-prefixed DERs in one file. */
function writeDers(path: string, ders: readonly Buffer[]): void {
  const total = ders.reduce((a, d) => a + 4 + d.length, 0);
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (const d of ders) {
    out.writeUInt32BE(d.length, o);
    d.copy(out, o + 4);
    o += 4 + d.length;
  }
  writeFileSync(`${path}.tmp`, out);
  renameSync(`${path}.tmp`, path);
}

function readDers(path: string): Buffer[] {
  const b = readFileSync(path);
  const ders: Buffer[] = [];
  for (let o = 0; o < b.length;) {
    const len = b.readUInt32BE(o);
    ders.push(b.subarray(o + 4, o + 4 + len));
    o += 4 + len;
  }
  return ders;
}

/** The dataset for (seed, count), from the cache or generated on all cores. */
export async function loadDataset(
  seed: number,
  count: number,
  progress: (done: number) => void,
): Promise<Dataset> {
  const assets = Math.max(1, Math.floor(count / 4));
  const path = join(tmpdir(), `certgrid-bench-inventory-${seed}-${count}.der`);
  if (existsSync(path)) {
    const ders = readDers(path);
    return { seed, ders, caCount: 14, assets, generatedSeconds: 0, cached: true };
  }
  const t0 = performance.now();
  const { roots, issuers } = makeHierarchy();
  const leafKeys = leafKeyPool();
  const workers = Math.max(1, Math.min(cpus().length, 8));
  const per = Math.ceil(count / workers);
  let done = 0;
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const start = w * per;
      const end = Math.min(count, start + per);
      return new Promise<Buffer[]>((resolve, reject) => {
        const worker = new Worker(new URL('./inventory-dataset-worker.js', import.meta.url), {
          workerData: { seed, start, end, issuers, leafKeys: leafKeys.map((k) => k.spkiDer) },
        });
        const ders: Buffer[] = [];
        worker.on('message', (m: Uint8Array[]) => {
          for (const d of m) ders.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
          done += m.length;
          progress(done);
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          code === 0 ? resolve(ders) : reject(new Error(`generator exited ${code}`)),
        );
      });
    }),
  );
  const ders = [...roots.map((r) => r.certDer), ...issuers.map((i) => i.certDer), ...parts.flat()];
  writeDers(path, ders);
  return {
    seed,
    ders,
    caCount: roots.length + issuers.length,
    assets,
    generatedSeconds: (performance.now() - t0) / 1000,
    cached: false,
  };
}

export type { Issuer };
