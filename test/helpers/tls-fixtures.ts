/**
 * A small test PKI made with the openssl CLI for the TLS servers of `tls-servers.ts`: a root CA, an
 * intermediate, leaves for localhost / 127.0.0.1 that are good or broken in one known way each, and DH
 * parameter files. Generated once per test process into a temp dir (removed when the process exits).
 *
 * The scanner's tests add `tlsFixtures().root.pem` as their custom root store.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessEnd } from './tls/process-end.js';

/** A PEM file on disk and its text. */
export interface PemFile {
  readonly path: string;
  readonly pem: string;
}

/** What a certificate is, read back from the generated file (not assumed from the command that made it). */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  /** `DNS:localhost`, `IP Address:127.0.0.1` as node:crypto prints them. */
  readonly subjectAltName: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyType: 'rsa' | 'ec';
  /** RSA modulus bits, or the EC curve's size. */
  readonly keyBits: number;
  /** `sha256WithRSAEncryption`, `sha1WithRSAEncryption`, `ecdsa-with-SHA256` … as `openssl x509 -text` names it. */
  readonly signatureAlgorithm: string;
  readonly selfSigned: boolean;
  /** SHA-256 of the DER, colon-separated hex as node:crypto prints it. */
  readonly fingerprint256: string;
}

/** A server certificate with its key and the chain a server should send with it. */
export interface TlsLeaf {
  /** The leaf alone. */
  readonly cert: PemFile;
  readonly key: PemFile;
  /** The leaf followed by the intermediate (the leaf alone for a self-signed one): what a correct server sends. */
  readonly chain: PemFile;
  /** `chain` split into one PEM per certificate, leaf first. */
  readonly chainPems: readonly string[];
  readonly facts: CertificateFacts;
}

export interface TlsFixtures {
  readonly dir: string;
  /** The test root CA (RSA 2048, self-signed): trust this and the good leaves verify. */
  readonly root: PemFile & { readonly keyPath: string };
  /** The intermediate CA (RSA 2048, signed by the root) that signs every leaf but the self-signed one. */
  readonly intermediate: PemFile & { readonly keyPath: string };
  /** A self-signed CA that has nothing to do with the others (the "extra certificate" in a chain). */
  readonly unrelated: PemFile;
  readonly leaves: {
    /** RSA 2048, SHA-256, SAN DNS:localhost + IP:127.0.0.1, valid now. */
    readonly rsa: TlsLeaf;
    /** ECDSA P-256 key, same names, valid now. */
    readonly ecdsa: TlsLeaf;
    /** Validity ended 30 days ago. */
    readonly expired: TlsLeaf;
    /** SAN DNS:wrong.example only (CN wrong.example). */
    readonly wrongHost: TlsLeaf;
    /** Self-signed, not issued by the test CA. */
    readonly selfSigned: TlsLeaf;
    /** Signed with sha1WithRSAEncryption by the intermediate. */
    readonly sha1: TlsLeaf;
    /** A 1024-bit RSA key. */
    readonly rsa1024: TlsLeaf;
    /** A client certificate (EKU clientAuth) for servers that require one. */
    readonly client: TlsLeaf;
  };
  /** Chain files for the good RSA leaf; each starts with the leaf (servers need the key's certificate first). */
  readonly chains: {
    /** Leaf, intermediate. */
    readonly full: PemFile;
    /** Leaf only: the "incomplete chain" case. */
    readonly leafOnly: PemFile;
    /** Leaf, root, intermediate: the intermediate comes after the certificate it signed (and the anchor is sent). */
    readonly wrongOrder: PemFile;
    /** Leaf, intermediate, an unrelated self-signed CA. */
    readonly extraCert: PemFile;
  };
  readonly dhParams: {
    /** 1024-bit DH group, generated here: the "weak DH" case. */
    readonly weak1024: string;
    /** RFC 7919 ffdhe2048. */
    readonly ffdhe2048: string;
  };
}

const DAY = 86_400_000;

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca -startdate/-enddate` takes. */
function generalizedTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The PEM certificates in a text, in order. */
export function splitPems(text: string): string[] {
  return (
    text
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)
      ?.map((p) => p.trim() + '\n') ?? []
  );
}

function openssl(args: string[], cwd?: string): string {
  try {
    return execFileSync('openssl', args, { cwd, stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || String(err)}`, { cause: err });
  }
}

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Runs openssl commands side by side, still synchronously; throws with their output if one fails. */
function opensslParallel(commands: string[][], cwd: string): void {
  const script = [
    'pids=""',
    ...commands.map((args) => `openssl ${args.map(shellQuote).join(' ')} 2>&1 & pids="$pids $!"`),
    'status=0',
    'for pid in $pids; do wait "$pid" || status=1; done',
    'exit $status',
  ].join('\n');
  try {
    execFileSync('sh', ['-c', script], { cwd, stdio: 'pipe', encoding: 'utf8', timeout: 120_000 });
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`openssl key generation failed: ${out || String(err)}`, { cause: err });
  }
}

/** Facts of a PEM certificate, read with node:crypto and (signature algorithm) the openssl CLI. */
export function certificateFacts(pem: string): CertificateFacts {
  const x = new X509Certificate(pem);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  const keyType = key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
  return {
    subject: x.subject,
    issuer: x.issuer,
    subjectAltName: x.subjectAltName,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    keyType,
    keyBits: keyType === 'ec' ? (curveBits[details.namedCurve ?? ''] ?? 0) : (details.modulusLength ?? 0),
    signatureAlgorithm: /Signature Algorithm: (\S+)/.exec(text)?.[1] ?? 'unknown',
    selfSigned: x.subject === x.issuer && x.verify(key),
    fingerprint256: x.fingerprint256,
  };
}

// A minimal `openssl ca` set-up: `ca` (unlike `x509 -req` in OpenSSL 3.0) takes explicit start and end dates,
// which is how the expired leaf is made without faking the clock.
const CA_CONFIG = `
[ ca ]
default_ca = ca_test

[ ca_test ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
commonName = supplied
organizationName = optional

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_intermediate ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_rsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf_ecdsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf_wrong_host ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf_self_signed ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash

[ leaf_client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

let cached: TlsFixtures | undefined;

/** The test PKI, generated on first call in this process. */
export function tlsFixtures(): TlsFixtures {
  cached ??= generate();
  return cached;
}

function generate(): TlsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-tls-fixtures-'));
  onProcessEnd(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  const path = (name: string): string => join(dir, name);
  const file = (name: string): PemFile => ({ path: path(name), pem: readFileSync(path(name), 'utf8') });
  const write = (name: string, pem: string): PemFile => {
    writeFileSync(path(name), pem);
    return { path: path(name), pem };
  };
  const ossl = (args: string[]): string => openssl(args, dir);

  const now = Date.now();
  const caStart = new Date(now - 3 * 365 * DAY);
  const caEnd = new Date(now + 10 * 365 * DAY);
  const leafStart = new Date(now - DAY);
  const leafEnd = new Date(now + 365 * DAY);

  // `openssl ca` signs a request: make one, then sign it with the given issuer and dates.
  const sign = (o: {
    name: string;
    cn: string;
    issuer: 'root' | 'intermediate' | 'self';
    extensions: string;
    start: Date;
    end: Date;
    md?: string;
  }): void => {
    ossl([
      'req',
      '-new',
      '-config',
      'ca.cnf',
      '-key',
      `${o.name}.key`,
      '-subj',
      `/CN=${o.cn}`,
      '-out',
      `${o.name}.csr`,
    ]);
    const issuerArgs =
      o.issuer === 'self'
        ? ['-selfsign', '-keyfile', `${o.name}.key`]
        : ['-cert', `${o.issuer}.pem`, '-keyfile', `${o.issuer}.key`];
    ossl([
      'ca',
      '-batch',
      '-notext',
      '-config',
      'ca.cnf',
      ...issuerArgs,
      '-extensions',
      o.extensions,
      '-startdate',
      generalizedTime(o.start),
      '-enddate',
      generalizedTime(o.end),
      '-md',
      o.md ?? 'sha256',
      '-in',
      `${o.name}.csr`,
      '-out',
      `${o.name}.pem`,
    ]);
  };

  // Key and parameter generation is most of the time; run it all at once.
  const rsa = (bits: number): string[] => [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    `rsa_keygen_bits:${bits}`,
  ];
  const keys: Record<string, string[]> = {
    root: rsa(2048),
    intermediate: rsa(2048),
    unrelated: rsa(2048),
    'leaf-rsa': rsa(2048),
    'leaf-ecdsa': ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    'leaf-expired': rsa(2048),
    'leaf-wrong-host': rsa(2048),
    'leaf-self-signed': rsa(2048),
    'leaf-sha1': rsa(2048),
    'leaf-rsa1024': rsa(1024),
    client: rsa(2048),
  };
  opensslParallel(
    [
      ...Object.entries(keys).map(([name, args]) => [...args, '-out', `${name}.key`]),
      [
        'genpkey',
        '-genparam',
        '-algorithm',
        'DH',
        '-pkeyopt',
        'dh_paramgen_prime_len:1024',
        '-out',
        'dh1024.pem',
      ],
      ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', 'ffdhe2048.pem'],
    ],
    dir,
  );

  sign({
    name: 'root',
    cn: 'certgrid test root CA',
    issuer: 'self',
    extensions: 'v3_root',
    start: caStart,
    end: caEnd,
  });
  sign({
    name: 'intermediate',
    cn: 'certgrid test intermediate CA',
    issuer: 'root',
    extensions: 'v3_intermediate',
    start: caStart,
    end: caEnd,
  });
  sign({
    name: 'unrelated',
    cn: 'certgrid unrelated CA',
    issuer: 'self',
    extensions: 'v3_root',
    start: caStart,
    end: caEnd,
  });
  const root = file('root.pem');
  const intermediate = file('intermediate.pem');

  const leaf = (
    name: string,
    o: {
      cn?: string;
      issuer?: 'intermediate' | 'self';
      extensions?: string;
      start?: Date;
      end?: Date;
      md?: string;
    },
  ): TlsLeaf => {
    const issuer = o.issuer ?? 'intermediate';
    sign({
      name,
      cn: o.cn ?? 'localhost',
      issuer,
      extensions: o.extensions ?? 'leaf_rsa',
      start: o.start ?? leafStart,
      end: o.end ?? leafEnd,
      ...(o.md ? { md: o.md } : {}),
    });
    const cert = file(`${name}.pem`);
    const chainPems = issuer === 'self' ? [cert.pem] : [cert.pem, intermediate.pem];
    return {
      cert,
      key: file(`${name}.key`),
      chain: write(`${name}-chain.pem`, chainPems.join('')),
      chainPems,
      facts: certificateFacts(cert.pem),
    };
  };

  const leaves = {
    rsa: leaf('leaf-rsa', {}),
    ecdsa: leaf('leaf-ecdsa', { extensions: 'leaf_ecdsa' }),
    expired: leaf('leaf-expired', { start: new Date(now - 400 * DAY), end: new Date(now - 30 * DAY) }),
    wrongHost: leaf('leaf-wrong-host', { cn: 'wrong.example', extensions: 'leaf_wrong_host' }),
    selfSigned: leaf('leaf-self-signed', { issuer: 'self', extensions: 'leaf_self_signed' }),
    // Signing with SHA-1 is still allowed by OpenSSL 3.0; only TLS at security level >= 1 refuses to use it.
    sha1: leaf('leaf-sha1', { md: 'sha1' }),
    rsa1024: leaf('leaf-rsa1024', {}),
    client: leaf('client', { cn: 'certgrid test client', extensions: 'leaf_client' }),
  };
  const unrelated = file('unrelated.pem');
  const chains = {
    full: leaves.rsa.chain,
    leafOnly: leaves.rsa.cert,
    wrongOrder: write('chain-wrong-order.pem', leaves.rsa.cert.pem + root.pem + intermediate.pem),
    extraCert: write('chain-extra-cert.pem', leaves.rsa.cert.pem + intermediate.pem + unrelated.pem),
  };

  return {
    dir,
    root: { ...root, keyPath: path('root.key') },
    intermediate: { ...intermediate, keyPath: path('intermediate.key') },
    unrelated,
    leaves,
    chains,
    dhParams: { weak1024: path('dh1024.pem'), ffdhe2048: path('ffdhe2048.pem') },
  };
}
