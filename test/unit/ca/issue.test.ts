import { createHash, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { certhashOf } from '../../../src/core/ca/index.js';
import {
  issueCertificate,
  prepareCertificate,
  type PreparedCertificate,
} from '../../../src/core/ca/issue.js';
import type { CaHierarchy, KeyType, LoadedCa, ProfileInput } from '../../../src/core/ca/types.js';
import { CertgridError } from '../../../src/core/errors.js';
import {
  DAY_MS,
  URLS,
  chainFiles,
  hierarchy,
  issue,
  leafKeyPair,
  openssl,
  request,
  scratch,
  spkiOf,
} from './ca-fixtures.js';

const s = scratch();
afterAll(() => s.cleanup());

const caches = new Map<KeyType, CaHierarchy>();
const ca = (kt: KeyType): CaHierarchy => {
  let h = caches.get(kt);
  if (!h) {
    h = hierarchy(kt);
    caches.set(kt, h);
  }
  return h;
};

function x509Text(der: Buffer): string {
  return openssl(['x509', '-inform', 'DER', '-noout', '-text'], der).stdout;
}

function verifyChain(h: CaHierarchy, leafDer: Buffer, purpose: string): ReturnType<typeof openssl> {
  const f = chainFiles(s, h, leafDer);
  return openssl([
    'verify',
    '-x509_strict',
    '-purpose',
    purpose,
    '-CAfile',
    f.root,
    '-untrusted',
    f.inter,
    f.leaf,
  ]);
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return CertgridError.is(e) ? e.code : `${(e as Error).name}`;
  }
  return undefined;
}

const SIG_NAMES: Record<KeyType, string> = {
  p256: 'ecdsa-with-SHA256',
  p384: 'ecdsa-with-SHA384',
  rsa2048: 'sha256WithRSAEncryption',
  rsa3072: 'sha256WithRSAEncryption',
  rsa4096: 'sha256WithRSAEncryption',
  ed25519: 'ED25519',
};

const KEY_USAGE: Record<KeyType, string> = {
  p256: 'Digital Signature, Key Agreement',
  p384: 'Digital Signature, Key Agreement',
  rsa2048: 'Digital Signature, Key Encipherment',
  rsa3072: 'Digital Signature, Key Encipherment',
  rsa4096: 'Digital Signature, Key Encipherment',
  ed25519: 'Digital Signature',
};

describe.each(['p256', 'p384', 'rsa2048', 'ed25519'] as const)('a %s hierarchy', (kt) => {
  it('issues a grid_host leaf that openssl verifies up to the root', () => {
    const h = ca(kt);
    const cert = issue(h, request(spkiOf(leafKeyPair(kt).publicKey)));
    const v = verifyChain(h, cert.der, 'sslserver');
    expect(v.out).toContain('leaf.pem: OK');
    expect(v.status).toBe(0);
    const t = x509Text(cert.der);
    expect(t).toContain(`Signature Algorithm: ${SIG_NAMES[kt]}`);
    expect(t).toContain('Subject: CN = sams/example.com');
    expect(t).toContain('Issuer: O = certgrid, CN = certgrid Issuing CA 1');
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE\n/);
    expect(t).toMatch(new RegExp(`X509v3 Key Usage: critical\\s+${KEY_USAGE[kt]}\\n`));
    expect(t).toMatch(
      /X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/,
    );
    expect(t).toMatch(/X509v3 Subject Alternative Name: \s*\n\s+DNS:example.com, DNS:www.example.com\n/);
    expect(t).toContain(`URI:${URLS.baseUrl}/crl/issuing-1.crl`);
    expect(t).toContain(`OCSP - URI:${URLS.baseUrl}/ocsp`);
    expect(t).toContain(`CA Issuers - URI:${URLS.baseUrl}/ca/issuing-1.crt`);
    expect(t).toContain('X509v3 Subject Key Identifier');
    expect(t).toContain('X509v3 Authority Key Identifier');
  });

  it('issues a grid_client leaf for TLS clients and S/MIME', () => {
    const h = ca(kt);
    const subject: ProfileInput = {
      profile: 'grid_client',
      fullName: 'Alice Example',
      email: 'alice@example.com',
      orgUnit: 'Ops',
    };
    const cert = issue(h, request(spkiOf(leafKeyPair(kt).publicKey), { subject }));
    expect(verifyChain(h, cert.der, 'sslclient').status).toBe(0);
    expect(verifyChain(h, cert.der, 'smimesign').status).toBe(0);
    expect(verifyChain(h, cert.der, 'sslserver').status).not.toBe(0);
    const t = x509Text(cert.der);
    expect(t).toContain('Subject: OU = Ops, CN = Alice Example\n');
    expect(t).not.toMatch(/Subject:.*emailAddress/);
    expect(t).toMatch(
      /X509v3 Extended Key Usage: \s*\n\s+TLS Web Client Authentication, E-mail Protection\n/,
    );
    expect(t).toMatch(/X509v3 Subject Alternative Name: \s*\n\s+email:alice@example.com\n/);
  });
});

describe('issuance details', () => {
  it('returns the serial, certhash and whole-second validity the certificate carries', () => {
    const h = ca('p256');
    const now = new Date();
    const nb = new Date(Math.floor(now.getTime() / 1000) * 1000 + 750);
    const req = request(spkiOf(leafKeyPair('p256').publicKey), {
      notBefore: nb,
      notAfter: new Date(nb.getTime() + 30 * DAY_MS),
    });
    const cert = issue(h, req);
    expect(cert.serialHex).toBe(req.serialHex);
    const out = openssl(
      ['x509', '-inform', 'DER', '-noout', '-serial', '-fingerprint', '-sha256'],
      cert.der,
    ).stdout;
    expect(out).toContain(`serial=${req.serialHex}`);
    const fp = /Fingerprint=([0-9A-F:]+)/.exec(out)![1]!.replace(/:/g, '').toLowerCase();
    expect(cert.certhash).toBe(fp);
    expect(cert.certhash).toBe(createHash('sha256').update(cert.der).digest('hex'));
    expect(certhashOf(cert.der)).toBe(cert.certhash);
    expect(cert.notBefore.getTime()).toBe(nb.getTime() - 750);
    expect(cert.notAfter.getTime() % 1000).toBe(0);
  });

  it('puts the plain CN first in the SAN, lower-cased and deduplicated; no prefix without a service', () => {
    const h = ca('p256');
    const subject: ProfileInput = {
      profile: 'grid_host',
      commonName: 'Example.COM',
      dnsNames: ['WWW.example.com', 'example.com', 'www.example.com', '*.api.example.com'],
      orgUnit: 'Web',
    };
    const t = x509Text(issue(h, request(spkiOf(leafKeyPair('p256').publicKey), { subject })).der);
    expect(t).toContain('Subject: OU = Web, CN = example.com\n');
    expect(t).toMatch(/DNS:example.com, DNS:www.example.com, DNS:\*.api.example.com\n/);
  });

  it('derives keyUsage from the subject key, not the CA key', () => {
    const h = ca('p256');
    for (const [leaf, ku] of [
      ['rsa2048', KEY_USAGE.rsa2048],
      ['ed25519', KEY_USAGE.ed25519],
      ['p384', KEY_USAGE.p384],
    ] as const) {
      const cert = issue(h, request(spkiOf(leafKeyPair(leaf).publicKey)));
      expect(x509Text(cert.der)).toMatch(new RegExp(`X509v3 Key Usage: critical\\s+${ku}\\n`));
      expect(verifyChain(h, cert.der, 'sslserver').status).toBe(0);
    }
  });

  it('honours the requested hash for ECDSA/RSA and ignores it for Ed25519', () => {
    const p = issue(ca('p256'), request(spkiOf(leafKeyPair('p256').publicKey), { hash: 'sha384' }));
    expect(x509Text(p.der)).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(verifyChain(ca('p256'), p.der, 'sslserver').status).toBe(0);
    const r = issue(ca('rsa2048'), request(spkiOf(leafKeyPair('p256').publicKey), { hash: 'sha512' }));
    expect(x509Text(r.der)).toContain('Signature Algorithm: sha512WithRSAEncryption');
    const e = issue(ca('ed25519'), request(spkiOf(leafKeyPair('p256').publicKey), { hash: 'sha512' }));
    expect(x509Text(e.der)).toContain('Signature Algorithm: ED25519');
  });

  it('works for rsa3072 and rsa4096 CAs too', { timeout: 120_000 }, () => {
    for (const kt of ['rsa3072', 'rsa4096'] as const) {
      const h = hierarchy(kt);
      const cert = issue(h, request(spkiOf(leafKeyPair('p256').publicKey)));
      expect(verifyChain(h, cert.der, 'sslserver').status).toBe(0);
      expect(h.issuing.keyType).toBe(kt);
    }
  });
});

describe('prepare → issue token', () => {
  it('is single use', () => {
    const h = ca('p256');
    const prepared = prepareCertificate(h.issuing, request(spkiOf(leafKeyPair('p256').publicKey)), URLS);
    expect(prepared.redeemed).toBe(false);
    const cert = issueCertificate(prepared);
    expect(prepared.redeemed).toBe(true);
    expect(cert.der.length).toBeGreaterThan(300);
    expect(codeOf(() => issueCertificate(prepared))).toBe('INTERNAL');
  });

  it('cannot be forged from a look-alike object', () => {
    const fake = { caId: 'issuing-1', serialHex: '01', notBefore: new Date(), notAfter: new Date() };
    expect(() => issueCertificate(fake as unknown as PreparedCertificate)).toThrow(TypeError);
    expect(
      Object.keys(
        prepareCertificate(ca('p256').issuing, request(spkiOf(leafKeyPair('p256').publicKey)), URLS),
      ),
    ).not.toContain('tbsDer');
  });

  it('only issueCertificate touches the CA private key', () => {
    const h = ca('p256');
    let touched = 0;
    const guarded: LoadedCa = {
      id: h.issuing.id,
      role: h.issuing.role,
      certDer: h.issuing.certDer,
      keyType: h.issuing.keyType,
      get privateKey() {
        touched++;
        return h.issuing.privateKey;
      },
    };
    const prepared = prepareCertificate(guarded, request(spkiOf(leafKeyPair('p256').publicKey)), URLS);
    expect(touched).toBe(0);
    issueCertificate(prepared);
    expect(touched).toBe(1);
  });

  it('maps a key that cannot sign to CA_KEY_UNAVAILABLE', () => {
    const h = ca('p256');
    const broken: LoadedCa = { ...h.issuing, privateKey: ca('ed25519').issuing.privateKey };
    const prepared = prepareCertificate(broken, request(spkiOf(leafKeyPair('p256').publicKey)), URLS);
    expect(codeOf(() => issueCertificate(prepared))).toBe('CA_KEY_UNAVAILABLE');
  });
});

describe('prepareCertificate refusals', () => {
  const spki = (): Buffer => spkiOf(leafKeyPair('p256').publicKey);

  it('refuses to let the root sign leaves (BR §6.1.7)', () => {
    expect(codeOf(() => prepareCertificate(ca('p256').root, request(spki()), URLS))).toBe(
      'ACTION_NOT_ALLOWED',
    );
  });

  it('reports every failed lint in data.lints', () => {
    const h = ca('p256');
    const now = new Date();
    let err: unknown;
    try {
      prepareCertificate(
        h.issuing,
        request(spki(), {
          subject: { profile: 'grid_host', commonName: 'bad_name.example.com', dnsNames: [] },
          notAfter: new Date(now.getTime() + 900 * DAY_MS),
        }),
        URLS,
      );
    } catch (e) {
      err = e;
    }
    expect(CertgridError.is(err, 'LINT_FAILED')).toBe(true);
    const names = ((err as CertgridError).data!.lints as { name: string }[]).map((l) => l.name);
    expect(names).toEqual(
      expect.arrayContaining(['e_san_dns_name_bad_syntax', 'e_validity_period_too_long']),
    );
  });

  it('refuses to certify the CA key itself', () => {
    const h = ca('p256');
    const caSpki = spkiOf(createPublicKey(h.issuing.privateKey));
    let err: unknown;
    try {
      prepareCertificate(h.issuing, request(caSpki), URLS);
    } catch (e) {
      err = e;
    }
    expect((err as CertgridError).data?.lints).toEqual([
      expect.objectContaining({ name: 'e_subject_key_is_ca_key' }),
    ]);
  });

  it('validates its inputs with coded errors', () => {
    const h = ca('p256');
    expect(codeOf(() => prepareCertificate(h.issuing, request(spki(), { serialHex: 'xyz' }), URLS))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => prepareCertificate(h.issuing, request(spki(), { serialHex: '00' }), URLS))).toBe(
      'LINT_FAILED',
    );
    expect(codeOf(() => prepareCertificate(h.issuing, request(Buffer.from('3000', 'hex')), URLS))).toBe(
      'INVALID_FORMAT',
    );
    expect(
      codeOf(() => prepareCertificate(h.issuing, request(spki(), { notBefore: new Date('nope') }), URLS)),
    ).toBe('INVALID_ARGUMENT');
    expect(
      codeOf(() =>
        prepareCertificate(
          h.issuing,
          request(spki(), {
            subject: { profile: 'grid_host', commonName: 'a.example', serviceName: 'a b', dnsNames: [] },
          }),
          URLS,
        ),
      ),
    ).toBe('INVALID_CHARS');
    expect(
      codeOf(() => prepareCertificate(h.issuing, request(spki(), { hash: 'sha1' as 'sha256' }), URLS)),
    ).toBe('WEAK_SIGNATURE_HASH');
  });

  it('accepts serials in any case or with leading zero octets and canonicalises them', () => {
    const h = ca('p256');
    const prepared = prepareCertificate(
      h.issuing,
      request(spki(), { serialHex: '0000' + 'ab'.repeat(16) }),
      URLS,
    );
    expect(prepared.serialHex).toBe('AB'.repeat(16));
    const cert = issueCertificate(prepared);
    expect(openssl(['x509', '-inform', 'DER', '-noout', '-serial'], cert.der).stdout.trim()).toBe(
      `serial=${'AB'.repeat(16)}`,
    );
    // Top bit set: the INTEGER gets a 0x00 pad octet to stay positive (17 content octets).
    expect(cert.der.toString('hex')).toContain(`021100${'ab'.repeat(16)}`);
  });
});
