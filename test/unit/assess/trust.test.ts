/**
 * Trust evaluation against a small PKI made here with the openssl CLI: every certificate has fixed
 * dates and the evaluation runs at a fixed `NOW`, so nothing depends on the day the tests run.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CERT_ISSUE,
  CHAIN_ISSUE,
  evaluateChain,
  mozillaRootStore,
  rootStoreFromPem,
  type RootStore,
  type TrustContext,
} from '../../../src/core/assess/trust.js';
import { CertgridError } from '../../../src/core/errors.js';
import type { ObservedChain } from '../../../src/core/scan/types.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const CA_START = '20200101000000Z';
const CA_END = '20491231000000Z';
const LEAF_START = '20240101000000Z';
const LEAF_END = '20340101000000Z';

const CONFIG = `
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

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_root_len0 ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_inter ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_not_ca ]
basicConstraints = critical, CA:false
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf_full ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://ocsp.trust.test/, caIssuers;URI:http://ca.trust.test/inter.crt
crlDistributionPoints = URI:http://crl.trust.test/inter.crl
# An empty SignedCertificateTimestampList: its presence is what counts.
1.3.6.1.4.1.11129.2.4.2 = DER:04:02:00:00

[ leaf_wild ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.test, DNS:w*.partial.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ leaf_self ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
`;

type KeyKind = 'rsa' | 'p256' | 'p384' | 'ed25519';

let dir = '';
const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });

function makeKey(name: string, kind: KeyKind): string {
  const args: Record<KeyKind, string[]> = {
    rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
    p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    ed25519: ['-algorithm', 'ED25519'],
  };
  openssl(['genpkey', ...args[kind], '-out', `${name}.key`]);
  return name;
}

const keyOfCert = new Map<string, string>();
const pemOf = new Map<X509Certificate, string>();

/** `openssl ca` with explicit dates (OpenSSL 3.0's `x509 -req` only takes -days). */
function issue(o: {
  name: string;
  cn: string;
  key: string;
  /** The issuing certificate's name, or 'self'. */
  issuer: string;
  ext: string;
  start?: string;
  end?: string;
  md?: string;
  sigopt?: string;
}): X509Certificate {
  openssl([
    'req',
    '-new',
    '-config',
    'ca.cnf',
    '-key',
    `${o.key}.key`,
    '-subj',
    `/CN=${o.cn}`,
    '-out',
    `${o.name}.csr`,
  ]);
  const issuerArgs =
    o.issuer === 'self'
      ? ['-selfsign', '-keyfile', `${o.key}.key`]
      : ['-cert', `${o.issuer}.pem`, '-keyfile', `${keyOfCert.get(o.issuer)}.key`];
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    'ca.cnf',
    ...issuerArgs,
    '-extensions',
    o.ext,
    '-startdate',
    o.start ?? LEAF_START,
    '-enddate',
    o.end ?? LEAF_END,
    '-md',
    o.md ?? 'sha256',
    ...(o.sigopt ? ['-sigopt', o.sigopt] : []),
    '-in',
    `${o.name}.csr`,
    '-out',
    `${o.name}.pem`,
  ]);
  keyOfCert.set(o.name, o.key);
  const pem = readFileSync(join(dir, `${o.name}.pem`), 'utf8');
  const cert = new X509Certificate(pem);
  pemOf.set(cert, pem);
  return cert;
}

const ca = (
  name: string,
  cn: string,
  key: string,
  issuer: string,
  ext = 'v3_ca',
  dates = {},
): X509Certificate => issue({ name, cn, key, issuer, ext, start: CA_START, end: CA_END, ...dates });

let pki: ReturnType<typeof buildPki>;

function buildPki() {
  for (const [k, kind] of [
    ['rootKey', 'rsa'],
    ['interKey', 'rsa'],
    ['leafKey', 'rsa'],
    ['ecCaKey', 'p256'],
    ['ec384Key', 'p384'],
    // RSA like the intermediate it imitates: OpenSSL 3 only accepts an issuer whose key type fits the
    // child's signature algorithm.
    ['evilKey', 'rsa'],
    ['newRootKey', 'p256'],
    ['interNewKey', 'p256'],
    ['selfKey', 'p256'],
    ['unrelatedKey', 'p256'],
    ['loopAKey', 'p256'],
    ['loopBKey', 'p256'],
    ['edKey', 'ed25519'],
  ] as const) {
    makeKey(k, kind);
  }
  const root = ca('root', 'Trust Test Root', 'rootKey', 'self', 'v3_root');
  const inter = ca('inter', 'Trust Test Intermediate', 'interKey', 'root', 'v3_inter');
  const leafOf = (name: string, extra: Partial<Parameters<typeof issue>[0]> = {}): X509Certificate =>
    issue({ name, cn: 'localhost', key: 'leafKey', issuer: 'inter', ext: 'leaf', ...extra });

  // Same subject and subject key identifier as `inter`, another key: only the signature tells them apart.
  const interSki = /X509v3 Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(
    openssl(['x509', '-in', 'inter.pem', '-noout', '-text']),
  )?.[1];
  writeFileSync(
    join(dir, 'ca.cnf'),
    `${CONFIG}\n[ v3_evil ]\nbasicConstraints = critical, CA:true, pathlen:0\nkeyUsage = critical, keyCertSign\n` +
      `subjectKeyIdentifier = ${interSki}\nauthorityKeyIdentifier = keyid\n`,
  );

  const newRoot = ca('newRoot', 'Trust Test New Root', 'newRootKey', 'self', 'v3_root');
  ca('loopA0', 'Loop A', 'loopAKey', 'self', 'v3_root');
  ca('loopB0', 'Loop B', 'loopBKey', 'self', 'v3_root');
  const ecCa = ca('ecCa', 'Trust Test EC Intermediate', 'ecCaKey', 'root', 'v3_inter');
  const interExpired = ca('interExpired', 'Trust Test Expired Intermediate', 'interKey', 'root', 'v3_inter', {
    start: '20200101000000Z',
    end: '20210101000000Z',
  });
  const notCa = ca('notCa', 'Trust Test Not A CA', 'interKey', 'root', 'v3_not_ca');
  // A serial whose hex starts with a zero nibble (0A01): the revocation look-up must not depend on it.
  writeFileSync(join(dir, 'serial'), '0A01\n');
  const leafLowSerial = leafOf('leafLowSerial');
  return {
    leafLowSerial,
    root,
    inter,
    newRoot,
    ecCa,
    interExpired,
    notCa,
    leaf: leafOf('leaf', { ext: 'leaf_full' }),
    leafSha1: leafOf('leafSha1', { md: 'sha1' }),
    leafPss: issue({
      name: 'leafPss',
      cn: 'localhost',
      key: 'leafKey',
      issuer: 'inter',
      ext: 'leaf',
      sigopt: 'rsa_padding_mode:pss',
    }),
    leafExpired: leafOf('leafExpired', { start: '20200101000000Z', end: '20210101000000Z' }),
    leafNotYet: leafOf('leafNotYet', { start: '20450101000000Z', end: '20460101000000Z' }),
    leafWild: issue({ name: 'leafWild', cn: 'wild', key: 'ecCaKey', issuer: 'inter', ext: 'leaf_wild' }),
    leafEc: issue({
      name: 'leafEc',
      cn: 'localhost',
      key: 'ec384Key',
      issuer: 'ecCa',
      ext: 'leaf',
      md: 'sha384',
    }),
    evil: ca('evil', 'Trust Test Intermediate', 'evilKey', 'root', 'v3_evil'),
    // The new root again (same name, same key), with a pathLenConstraint its cross-signature lacks.
    newRootLen0: ca('newRootLen0', 'Trust Test New Root', 'newRootKey', 'self', 'v3_root_len0'),
    crossNew: ca('crossNew', 'Trust Test New Root', 'newRootKey', 'root'),
    interNew: ca('interNew', 'Trust Test New Intermediate', 'interNewKey', 'newRoot', 'v3_inter'),
    leafNew: issue({ name: 'leafNew', cn: 'localhost', key: 'leafKey', issuer: 'interNew', ext: 'leaf' }),
    leafUnderExpired: issue({
      name: 'leafUnderExpired',
      cn: 'localhost',
      key: 'leafKey',
      issuer: 'interExpired',
      ext: 'leaf',
      start: '20200101000000Z',
    }),
    // `inter` again (same name and key) but expired, and signed with SHA-1: alternatives a path must avoid.
    interOld: ca('interOld', 'Trust Test Intermediate', 'interKey', 'root', 'v3_inter', {
      start: '20200101000000Z',
      end: '20210101000000Z',
    }),
    interSha1: ca('interSha1', 'Trust Test SHA1 Intermediate', 'interKey', 'root', 'v3_inter', {
      md: 'sha1',
    }),
    leafUnderSha1Inter: issue({
      name: 'leafUnderSha1Inter',
      cn: 'localhost',
      key: 'leafKey',
      issuer: 'interSha1',
      ext: 'leaf',
    }),
    // The new intermediate certified by the old root directly: a shorter way to the old root.
    interNewByRoot: ca('interNewByRoot', 'Trust Test New Intermediate', 'interNewKey', 'root', 'v3_inter'),
    leafUnderNotCa: issue({
      name: 'leafUnderNotCa',
      cn: 'localhost',
      key: 'leafKey',
      issuer: 'notCa',
      ext: 'leaf',
    }),
    // `inter` has pathlen:0, so nothing may sit between it and a leaf.
    sub: ca('sub', 'Trust Test Sub Intermediate', 'interNewKey', 'inter'),
    leafUnderSub: issue({
      name: 'leafUnderSub',
      cn: 'localhost',
      key: 'leafKey',
      issuer: 'sub',
      ext: 'leaf',
    }),
    selfSigned: issue({
      name: 'selfSigned',
      cn: 'localhost',
      key: 'selfKey',
      issuer: 'self',
      ext: 'leaf_self',
    }),
    selfSignedSha1: issue({
      name: 'selfSignedSha1',
      cn: 'localhost',
      key: 'selfKey',
      issuer: 'self',
      ext: 'leaf_self',
      md: 'sha1',
    }),
    unrelatedCa: ca('unrelatedCa', 'Unrelated CA', 'unrelatedKey', 'self', 'v3_root'),
    // Two CAs certifying each other, and a leaf under one of them.
    loopA: ca('loopA', 'Loop A', 'loopAKey', 'loopB0'),
    loopB: ca('loopB', 'Loop B', 'loopBKey', 'loopA0'),
    leafLoop: issue({ name: 'leafLoop', cn: 'localhost', key: 'leafKey', issuer: 'loopA0', ext: 'leaf' }),
    // Only its algorithms are looked at: `openssl req -x509` (dated from today) will do.
    ed25519: new X509Certificate(
      openssl([
        'req',
        '-x509',
        '-new',
        '-config',
        'ca.cnf',
        '-key',
        'edKey.key',
        '-subj',
        '/CN=ed',
        '-days',
        '30',
      ]),
    ),
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certgrid-trust-'));
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), CONFIG);
  pki = buildPki();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** certhash, computed by OpenSSL rather than by the code under test. */
const idOf = (c: X509Certificate): string => c.fingerprint256.replace(/:/g, '').toLowerCase();
const chainOf = (...certs: X509Certificate[]): ObservedChain => ({
  certs: certs.map((c) => new Uint8Array(c.raw)),
  noSni: false,
});
const store = (name: string, ...roots: X509Certificate[]): RootStore => ({ name, roots });
const custom = (): RootStore => store('Custom', pki.root);
const context = (over: Partial<TrustContext> = {}): TrustContext => ({
  rootStores: [custom()],
  intermediates: [],
  hostname: 'localhost',
  now: NOW,
  ...over,
});

describe('root stores', () => {
  it('mozillaRootStore holds the roots Node.js bundles, parsed once per process', () => {
    const mozilla = mozillaRootStore();
    expect(mozilla.name).toBe('Mozilla');
    expect(mozilla.roots).toHaveLength(rootCertificates.length);
    expect(mozilla.roots.length).toBeGreaterThan(100);
    expect(mozillaRootStore()).toBe(mozilla);
    expect(Object.isFrozen(mozilla)).toBe(true);
  });

  it('rootStoreFromPem reads every certificate block in order and rejects text without one', () => {
    const pem = `# the account's roots\n${pemOf.get(pki.root)}\nsome comment\n${pemOf.get(pki.newRoot)}`;
    const s = rootStoreFromPem('Account', pem);
    expect(s.name).toBe('Account');
    expect(s.roots.map(idOf)).toEqual([idOf(pki.root), idOf(pki.newRoot)]);

    expect(() => rootStoreFromPem('Account', 'no certificate here')).toThrow(CertgridError);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    try {
      rootStoreFromPem('Account', broken);
      expect.unreachable();
    } catch (err) {
      expect(CertgridError.is(err, 'INVALID_FORMAT')).toBe(true);
    }
    expect(() => rootStoreFromPem(' ', pemOf.get(pki.root) as string)).toThrow(TypeError);
  });
});

describe('evaluateChain: trust paths per root store', () => {
  it('trusts a full chain by the store that holds its root and not by Mozilla, with the reason', () => {
    const r = evaluateChain(
      chainOf(pki.leaf, pki.inter),
      context({ rootStores: [custom(), mozillaRootStore()] }),
    );
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.issues).toBe(0);
    expect(r.certificateChain.certIds).toEqual([idOf(pki.leaf), idOf(pki.inter)]);
    expect(r.certificateChain.trustPaths).toHaveLength(1);
    const [path] = r.certificateChain.trustPaths;
    expect(path?.certIds).toEqual([idOf(pki.leaf), idOf(pki.inter), idOf(pki.root)]);
    expect(path?.trust).toEqual([
      { rootStore: 'Custom', isTrusted: true, trustErrorMessage: null },
      {
        rootStore: 'Mozilla',
        isTrusted: false,
        trustErrorMessage:
          'does not chain to a root of the Mozilla store: "Trust Test Root" is not in the store',
      },
    ]);
    expect(path).toMatchObject({ isPinned: false, matchedPins: 0, unmatchedPins: 0 });
    expect(r.certIssues).toBe(0);
    expect(r.leafId).toBe(idOf(pki.leaf));
  });

  it('with Mozilla alone the same chain has no root: untrusted, no chain issue', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.inter), context({ rootStores: [mozillaRootStore()] }));
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(0);
    expect(r.certIssues).toBe(CERT_ISSUE.NO_CHAIN_OF_TRUST);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      'does not chain to a root of the Mozilla store: no issuer found for "Trust Test Intermediate"',
    );
  });

  it('a leaf alone cannot be built into a chain: untrusted, and neither bit 2 nor bit 32', () => {
    const r = evaluateChain(chainOf(pki.leaf), context());
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(0);
    expect(r.certificateChain.trustPaths.map((p) => p.certIds)).toEqual([[idOf(pki.leaf)]]);
    expect(r.certificateChain.trustPaths[0]?.trust[0]).toEqual({
      rootStore: 'Custom',
      isTrusted: false,
      trustErrorMessage: 'does not chain to a root of the Custom store: no issuer found for "localhost"',
    });
  });

  it('completes a leaf-only chain from the known intermediates and sets bit 2', () => {
    const r = evaluateChain(chainOf(pki.leaf), context({ intermediates: [pki.newRoot, pki.inter] }));
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.INCOMPLETE);
    expect(r.certificateChain.certIds).toEqual([idOf(pki.leaf)]);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);

    // Known certificates that do not help leave the chain as it was.
    const none = evaluateChain(chainOf(pki.leaf), context({ intermediates: [pki.newRoot, pki.ecCa] }));
    expect(none.certificateChain.issues).toBe(0);
    expect(none.trusted).toEqual([]);
    // Nor is it completed when the added intermediate leads to no root: bit 2 needs a chain.
    const dangling = evaluateChain(
      chainOf(pki.leaf),
      context({ rootStores: [mozillaRootStore()], intermediates: [pki.inter] }),
    );
    expect(dangling.certificateChain.issues).toBe(0);
    expect(dangling.certificateChain.trustPaths[0]?.certIds).toEqual([idOf(pki.leaf), idOf(pki.inter)]);
  });

  it('a chain sent out of order (and with its root) is bit 8 and bit 16, and still trusted', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.root, pki.inter), context());
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.WRONG_ORDER | CHAIN_ISSUE.ROOT_SENT);
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
  });

  it('a root sent in the right place is bit 16 alone', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.inter, pki.root), context());
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.ROOT_SENT);
    expect(r.trusted).toEqual(['Custom']);
  });

  it('the root sent of a chain no store knows: bit 16 and bit 32 (a chain, but not a valid one)', () => {
    const r = evaluateChain(
      chainOf(pki.leaf, pki.inter, pki.root),
      context({ rootStores: [mozillaRootStore()] }),
    );
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.ROOT_SENT | CHAIN_ISSUE.UNVERIFIABLE);
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
  });

  it('an unrelated certificate is bit 4, and it stays off the trust path', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.inter, pki.leafWild), context());
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.trustPaths[0]?.certIds).not.toContain(idOf(pki.leafWild));

    // An unrelated self-signed CA is also a root sent.
    const withRoot = evaluateChain(chainOf(pki.leaf, pki.inter, pki.unrelatedCa), context());
    expect(withRoot.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE | CHAIN_ISSUE.ROOT_SENT);
  });

  it('a certificate sent twice is bit 4', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.inter, pki.inter), context());
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(r.certificateChain.certIds).toEqual([idOf(pki.leaf), idOf(pki.inter), idOf(pki.inter)]);
    expect(r.trusted).toEqual(['Custom']);
  });

  it('bytes that are not a certificate are unrelated; an unparseable leaf or an empty chain is refused', () => {
    const junk = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);
    const r = evaluateChain(
      { certs: [new Uint8Array(pki.leaf.raw), new Uint8Array(pki.inter.raw), junk], noSni: false },
      context(),
    );
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(r.certificateChain.certIds).toHaveLength(3);
    expect(r.trusted).toEqual(['Custom']);

    expect(() => evaluateChain({ certs: [junk], noSni: false }, context())).toThrow(CertgridError);
    expect(() => evaluateChain({ certs: [], noSni: false }, context())).toThrow(TypeError);
    expect(() => evaluateChain(chainOf(pki.leaf), context({ now: new Date('nope') }))).toThrow(TypeError);
  });

  it('a self-signed leaf is selfSignedLeaf, not a root sent; trusted only by a store that holds it', () => {
    const r = evaluateChain(chainOf(pki.selfSigned), context({ rootStores: [custom(), mozillaRootStore()] }));
    expect(r.selfSignedLeaf).toBe(true);
    expect(r.certificateChain.issues).toBe(0);
    expect(r.trusted).toEqual([]);
    expect(r.certIssues).toBe(CERT_ISSUE.NO_CHAIN_OF_TRUST | CERT_ISSUE.SELF_SIGNED);
    expect(r.certificateChain.trustPaths[0]?.trust[1]?.trustErrorMessage).toBe(
      'self-signed certificate "localhost" is not in the Mozilla store',
    );

    const own = evaluateChain(
      chainOf(pki.selfSigned),
      context({ rootStores: [store('Own', pki.selfSigned)] }),
    );
    expect(own.trusted).toEqual(['Own']);
    expect(own.certIssues).toBe(CERT_ISSUE.SELF_SIGNED);
    expect(own.certificateChain.trustPaths[0]?.trust[0]?.isTrusted).toBe(true);

    // Sent twice it is a duplicate, still not a root sent.
    const twice = evaluateChain(chainOf(pki.selfSigned, pki.selfSigned), context());
    expect(twice.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(pki.leaf.checkIssued(pki.leaf)).toBe(false);
    expect(evaluateChain(chainOf(pki.leaf, pki.inter), context()).selfSignedLeaf).toBe(false);
  });

  it('an expired intermediate breaks the chain (bit 32); the same chain is trusted while it was valid', () => {
    const chain = chainOf(pki.leafUnderExpired, pki.interExpired);
    const r = evaluateChain(chain, context());
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNVERIFIABLE);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      '"Trust Test Expired Intermediate" in the chain has expired',
    );
    const then = evaluateChain(chain, context({ now: new Date('2020-06-01T00:00:00Z') }));
    expect(then.trusted).toEqual(['Custom']);
    expect(then.certificateChain.issues).toBe(0);
    const before = evaluateChain(chain, context({ now: new Date('2019-06-01T00:00:00Z') }));
    expect(before.trusted).toEqual([]);
    expect(before.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      '"Trust Test Expired Intermediate" in the chain is not yet valid',
    );
  });

  it('an issuer that is not a CA breaks the chain', () => {
    expect(pki.leafUnderNotCa.checkIssued(pki.notCa)).toBe(true);
    const r = evaluateChain(chainOf(pki.leafUnderNotCa, pki.notCa), context());
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNVERIFIABLE);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      '"Trust Test Not A CA" is not a CA certificate',
    );
  });

  it('an intermediate signed with SHA-1 breaks the chain', () => {
    const r = evaluateChain(chainOf(pki.leafUnderSha1Inter, pki.interSha1), context());
    expect(r.trusted).toEqual([]);
    expect(r.weakSignature).toBeNull();
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      '"Trust Test SHA1 Intermediate" in the chain has an insecure SHA1 signature',
    );
  });

  it('of two issuers with the same name and key, the path goes through the valid one', () => {
    const r = evaluateChain(chainOf(pki.leaf, pki.interOld, pki.inter), context());
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
    // The expired one is on a path from the leaf: related, not bit 4.
    expect(r.certificateChain.issues).toBe(0);

    // Untrusted either way (no store holds the root), the path shown is still the one without a problem.
    const mozilla = evaluateChain(
      chainOf(pki.leaf, pki.interOld, pki.inter, pki.root),
      context({ rootStores: [mozillaRootStore()] }),
    );
    expect(mozilla.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
    expect(mozilla.certificateChain.issues).toBe(CHAIN_ISSUE.ROOT_SENT | CHAIN_ISSUE.UNVERIFIABLE);
  });

  it('a path longer than an issuer pathLenConstraint allows is not trusted', () => {
    const r = evaluateChain(chainOf(pki.leafUnderSub, pki.sub, pki.inter), context());
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.UNVERIFIABLE);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leafUnderSub),
      idOf(pki.sub),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      '"Trust Test Intermediate" allows at most 0 intermediate certificate(s) below it',
    );
  });

  it('a certificate with the issuer name and key identifier whose key does not verify is not an issuer', () => {
    // Names and key identifiers match: only the signature check can reject it.
    expect(pki.leaf.checkIssued(pki.evil)).toBe(true);
    expect(pki.leaf.verify(pki.evil.publicKey)).toBe(false);

    const alone = evaluateChain(chainOf(pki.leaf, pki.evil), context());
    expect(alone.trusted).toEqual([]);
    expect(alone.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(alone.certificateChain.trustPaths[0]?.certIds).toEqual([idOf(pki.leaf)]);

    const withReal = evaluateChain(chainOf(pki.leaf, pki.evil, pki.inter), context());
    expect(withReal.trusted).toEqual(['Custom']);
    expect(withReal.certificateChain.issues).toBe(CHAIN_ISSUE.UNRELATED_OR_DUPLICATE);
    expect(withReal.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leaf),
      idOf(pki.inter),
      idOf(pki.root),
    ]);
  });

  describe('a cross-signed intermediate', () => {
    const sent = (): ObservedChain => chainOf(pki.leafNew, pki.interNew, pki.crossNew);

    it('leads to the old root through the cross-signature', () => {
      const r = evaluateChain(sent(), context({ rootStores: [store('Old', pki.root)] }));
      expect(r.trusted).toEqual(['Old']);
      expect(r.certificateChain.issues).toBe(0);
      expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
        idOf(pki.leafNew),
        idOf(pki.interNew),
        idOf(pki.crossNew),
        idOf(pki.root),
      ]);
    });

    it('reaches the new root directly when that is the one the store holds (the served cross-sign is not unrelated)', () => {
      const r = evaluateChain(sent(), context({ rootStores: [store('New', pki.newRoot)] }));
      expect(r.trusted).toEqual(['New']);
      expect(r.certificateChain.issues).toBe(0);
      expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
        idOf(pki.leafNew),
        idOf(pki.interNew),
        idOf(pki.newRoot),
      ]);
    });

    it('a store that holds both roots gets the shorter path', () => {
      const r = evaluateChain(sent(), context({ rootStores: [store('Both', pki.root, pki.newRoot)] }));
      expect(r.certificateChain.trustPaths.map((p) => p.certIds)).toEqual([
        [idOf(pki.leafNew), idOf(pki.interNew), idOf(pki.newRoot)],
      ]);
    });

    it('gives one path per store, each with every store verdict', () => {
      const r = evaluateChain(
        sent(),
        context({ rootStores: [store('Old', pki.root), store('New', pki.newRoot)] }),
      );
      expect(r.trusted).toEqual(['Old', 'New']);
      expect(r.certificateChain.trustPaths.map((p) => p.trust.map((t) => t.isTrusted))).toEqual([
        [true, false],
        [false, true],
      ]);
      expect(r.certificateChain.trustPaths.map((p) => p.certIds.length)).toEqual([4, 3]);
    });

    it('a trusted path wins over a path to the store root certificate that breaks a constraint', () => {
      // newRootLen0 allows no intermediate below it; the served cross-signature (same name and key, so the
      // same trust anchor) does not carry that constraint.
      const r = evaluateChain(sent(), context({ rootStores: [store('NewLen0', pki.newRootLen0)] }));
      expect(r.trusted).toEqual(['NewLen0']);
      expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
        idOf(pki.leafNew),
        idOf(pki.interNew),
        idOf(pki.crossNew),
      ]);
    });

    it('a path from the certificates sent wins over a shorter one through a known intermediate', () => {
      const r = evaluateChain(
        sent(),
        context({ rootStores: [store('Old', pki.root)], intermediates: [pki.interNewByRoot] }),
      );
      expect(r.trusted).toEqual(['Old']);
      expect(r.certificateChain.issues).toBe(0);
      expect(r.certificateChain.trustPaths[0]?.certIds).toHaveLength(4);
      // Without the cross-signature the known intermediate completes the chain.
      const short = evaluateChain(
        chainOf(pki.leafNew),
        context({ rootStores: [store('Old', pki.root)], intermediates: [pki.interNewByRoot] }),
      );
      expect(short.certificateChain.trustPaths[0]?.certIds).toEqual([
        idOf(pki.leafNew),
        idOf(pki.interNewByRoot),
        idOf(pki.root),
      ]);
      expect(short.certificateChain.issues).toBe(CHAIN_ISSUE.INCOMPLETE);
    });

    it('untrusted: a complete path to a root is shown rather than one that ends without an issuer', () => {
      // crossNew (tried first, as it is sent first) leads nowhere without the old root; newRoot is a root.
      const r = evaluateChain(
        chainOf(pki.leafNew, pki.interNew, pki.crossNew, pki.newRoot),
        context({ rootStores: [mozillaRootStore()] }),
      );
      expect(r.trusted).toEqual([]);
      expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
        idOf(pki.leafNew),
        idOf(pki.interNew),
        idOf(pki.newRoot),
      ]);
      expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.ROOT_SENT | CHAIN_ISSUE.UNVERIFIABLE);
    });

    it('is found among the known intermediates when the server leaves it out (bit 2)', () => {
      const r = evaluateChain(
        chainOf(pki.leafNew, pki.interNew),
        context({ rootStores: [store('Old', pki.root)], intermediates: [pki.crossNew] }),
      );
      expect(r.trusted).toEqual(['Old']);
      expect(r.certificateChain.issues).toBe(CHAIN_ISSUE.INCOMPLETE);
    });
  });

  it('stops at a loop of CAs certifying each other', () => {
    const r = evaluateChain(chainOf(pki.leafLoop, pki.loopA, pki.loopB), context());
    expect(r.trusted).toEqual([]);
    expect(r.certificateChain.issues).toBe(0);
    expect(r.certificateChain.trustPaths[0]?.certIds).toEqual([
      idOf(pki.leafLoop),
      idOf(pki.loopA),
      idOf(pki.loopB),
    ]);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      'does not chain to a root of the Custom store: no issuer found for "Loop B"',
    );
  });

  it('chain id: a hash of the ids sent, so another chain with the same leaf has another id; noSni copied', () => {
    const a = evaluateChain(chainOf(pki.leaf, pki.inter), context());
    const b = evaluateChain(chainOf(pki.leaf), context());
    const again = evaluateChain({ ...chainOf(pki.leaf, pki.inter), noSni: true }, context());
    expect(a.certificateChain.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a.certificateChain.id).not.toBe(b.certificateChain.id);
    expect(again.certificateChain.id).toBe(a.certificateChain.id);
    expect(a.certificateChain.noSni).toBe(false);
    expect(again.certificateChain.noSni).toBe(true);
  });
});

describe('evaluateChain: leaf facts', () => {
  it('expired: bit 4 of the certificate, the store entry untrusted, the chain of trust intact', () => {
    const chain = chainOf(pki.leafExpired, pki.inter);
    const r = evaluateChain(chain, context());
    expect(r).toMatchObject({ expired: true, notYetValid: false, trusted: ['Custom'] });
    expect(r.certIssues).toBe(CERT_ISSUE.NOT_AFTER);
    expect(r.certificateChain.trustPaths[0]?.trust[0]).toEqual({
      rootStore: 'Custom',
      isTrusted: false,
      trustErrorMessage: 'invalid certificate: expired',
    });
    expect(r.validTo).toBe(Date.parse('2021-01-01T00:00:00Z'));
    expect(r.validFrom).toBe(Date.parse('2020-01-01T00:00:00Z'));

    const then = evaluateChain(chain, context({ now: new Date('2020-06-01T00:00:00Z') }));
    expect(then.expired).toBe(false);
    expect(then.certIssues).toBe(0);
    expect(then.certificateChain.trustPaths[0]?.trust[0]?.isTrusted).toBe(true);
  });

  it('not yet valid: bit 2 of the certificate', () => {
    const r = evaluateChain(chainOf(pki.leafNotYet, pki.inter), context());
    expect(r).toMatchObject({ expired: false, notYetValid: true });
    expect(r.certIssues).toBe(CERT_ISSUE.NOT_BEFORE);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      'invalid certificate: not yet valid',
    );
  });

  it.each([
    ['localhost', false],
    ['LOCALHOST.', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['[::1]', false],
    ['other.test', true],
    ['local', true],
    ['10.0.0.1', true],
    ['127.0.0.2', true],
  ])('hostname %s: mismatch %s', (hostname, mismatch) => {
    const r = evaluateChain(chainOf(pki.leaf, pki.inter), context({ hostname }));
    expect(r.hostnameMismatch).toBe(mismatch);
    expect(r.certIssues).toBe(mismatch ? CERT_ISSUE.HOSTNAME_MISMATCH : 0);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      mismatch ? 'invalid certificate: hostname mismatch' : null,
    );
  });

  it.each([
    ['a.example.test', false],
    ['A.Example.Test', false],
    ['a.b.example.test', true],
    ['example.test', true],
    ['wild', true],
    // A wildcard inside a label is not honoured (browsers refuse it).
    ['www.partial.test', true],
  ])('wildcard *.example.test against %s: mismatch %s', (hostname, mismatch) => {
    expect(evaluateChain(chainOf(pki.leafWild, pki.inter), context({ hostname })).hostnameMismatch).toBe(
      mismatch,
    );
  });

  it('no host name: no check', () => {
    const r = evaluateChain(chainOf(pki.leafWild, pki.inter), context({ hostname: null }));
    expect(r.hostnameMismatch).toBeNull();
    expect(r.certIssues).toBe(0);
  });

  it('a SHA-1 signed leaf: weakSignature, bit 256, untrusted entry; not for a SHA-1 self-signed store anchor', () => {
    const r = evaluateChain(chainOf(pki.leafSha1, pki.inter), context());
    expect(r.weakSignature).toBe('SHA1');
    expect(r.sigAlg).toBe('SHA1withRSA');
    expect(r.certIssues).toBe(CERT_ISSUE.INSECURE_SIGNATURE);
    expect(r.trusted).toEqual(['Custom']);
    expect(r.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      'invalid certificate: insecure SHA1 signature',
    );
    expect(evaluateChain(chainOf(pki.leaf, pki.inter), context()).weakSignature).toBeNull();

    const anchor = evaluateChain(
      chainOf(pki.selfSignedSha1),
      context({ rootStores: [store('Own', pki.selfSignedSha1)] }),
    );
    expect(anchor.weakSignature).toBeNull();
    expect(anchor.certIssues).toBe(CERT_ISSUE.SELF_SIGNED);
    const stranger = evaluateChain(
      chainOf(pki.selfSignedSha1),
      context({ rootStores: [mozillaRootStore()] }),
    );
    expect(stranger.weakSignature).toBe('SHA1');
  });

  it.each([
    ['leaf', 'RSA', 2048, 'SHA256withRSA'],
    ['leafEc', 'EC', 384, 'SHA384withECDSA'],
    ['leafPss', 'RSA', 2048, 'SHA256withRSAandMGF1'],
    ['selfSigned', 'EC', 256, 'SHA256withECDSA'],
    ['ed25519', 'Ed25519', 255, 'Ed25519'],
  ] as const)('%s: key %s %d, signature %s', (name, keyAlg, keySize, sigAlg) => {
    const r = evaluateChain(chainOf(pki[name]), context({ hostname: null }));
    expect({ keyAlg: r.keyAlg, keySize: r.keySize, sigAlg: r.sigAlg }).toEqual({ keyAlg, keySize, sigAlg });
  });

  it('reads the embedded SCT list and the revocation and issuer URLs', () => {
    const full = evaluateChain(chainOf(pki.leaf, pki.inter), context());
    expect(full).toMatchObject({
      sct: true,
      ocspUrls: ['http://ocsp.trust.test/'],
      caIssuersUrls: ['http://ca.trust.test/inter.crt'],
      crlUrls: ['http://crl.trust.test/inter.crl'],
    });
    const bare = evaluateChain(chainOf(pki.leafWild, pki.inter), context({ hostname: null }));
    expect(bare).toMatchObject({ sct: false, ocspUrls: [], caIssuersUrls: [], crlUrls: [] });
  });

  it('revocation: checked only against the serials passed for the leaf issuer', () => {
    const serial = pki.leaf.serialNumber.toLowerCase().replace(/^0+/, '');
    const chain = chainOf(pki.leaf, pki.inter);
    const revoked = evaluateChain(
      chain,
      context({ revokedSerials: new Map([[idOf(pki.inter), new Set(['1', serial])]]) }),
    );
    expect(revoked.revoked).toBe(true);
    expect(revoked.certIssues).toBe(CERT_ISSUE.REVOKED);
    expect(revoked.certificateChain.trustPaths[0]?.trust[0]?.trustErrorMessage).toBe(
      'invalid certificate: revoked',
    );

    const good = evaluateChain(
      chain,
      context({ revokedSerials: new Map([[idOf(pki.inter), new Set(['1'])]]) }),
    );
    expect(good.revoked).toBe(false);
    const otherIssuer = evaluateChain(
      chain,
      context({ revokedSerials: new Map([[idOf(pki.root), new Set([serial])]]) }),
    );
    expect(otherIssuer.revoked).toBeNull();
    expect(evaluateChain(chain, context()).revoked).toBeNull();

    // Serial 0A01: found whether the caller keeps it as "a01" or as whole octets, "0a01".
    expect(pki.leafLowSerial.serialNumber).toBe('0A01');
    const low = chainOf(pki.leafLowSerial, pki.inter);
    for (const form of ['a01', '0a01']) {
      const seen = evaluateChain(
        low,
        context({ revokedSerials: new Map([[idOf(pki.inter), new Set([form])]]) }),
      );
      expect(seen.revoked).toBe(true);
    }
  });
});
