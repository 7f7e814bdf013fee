import { describe, expect, it } from 'vitest';
import { caDetails, certificateFields, encodeName } from '../../../src/core/ca/names.js';
import { newSerialHex } from '../../../src/core/ca/serial.js';
import { buildCaCertificate } from '../../../src/core/ca/tbs.js';
import { createCaHierarchy, loadCa } from '../../../src/core/ca/hierarchy.js';
import { encryptPrivateKeyPem } from '../../../src/core/ca/key-store.js';
import type { KeyType, LoadedCa } from '../../../src/core/ca/types.js';
import { systemRandom } from '../../../src/core/deps.js';
import { DAY_MS, URLS, hierarchy, leafKeyPair, openssl, pem, scratch, spkiOf } from './ca-fixtures.js';

const text = (der: Buffer): string => openssl(['x509', '-noout', '-text'], pem(der)).stdout;

describe('createCaHierarchy', () => {
  it('builds a self-signed root and an issuing CA that openssl accepts', () => {
    const now = new Date();
    const h = hierarchy('p256', now);
    expect(h.root).toMatchObject({ id: 'root', role: 'root', keyType: 'p256' });
    expect(h.issuing).toMatchObject({ id: 'issuing-1', role: 'intermediate', keyType: 'p256' });
    const s = scratch();
    try {
      const root = s.file('root.pem', pem(h.root.certDer));
      const inter = s.file('inter.pem', pem(h.issuing.certDer));
      expect(openssl(['verify', '-CAfile', root, root]).status).toBe(0);
      const v = openssl(['verify', '-x509_strict', '-CAfile', root, inter]);
      expect(v.out).toContain('inter.pem: OK');
      expect(v.status).toBe(0);
    } finally {
      s.cleanup();
    }
  });

  it('pathLenConstraint 0 stops a sub-CA minted by the issuing CA (RFC 5280 §4.2.1.9)', () => {
    const now = new Date();
    const h = hierarchy('p256', now);
    const mint = (signer: LoadedCa, cn: string): LoadedCa => {
      const keys = leafKeyPair('p256');
      const certDer = buildCaCertificate(
        {
          subjectDer: encodeName([{ type: 'CN', value: cn }]),
          spkiDer: spkiOf(keys.publicKey),
          serialHex: newSerialHex(systemRandom),
          notBefore: new Date(now.getTime() - DAY_MS),
          notAfter: new Date(now.getTime() + DAY_MS),
          keyUsage: ['keyCertSign', 'cRLSign'],
        },
        {
          nameDer: caDetails(signer).subjectDer,
          keyIdentifier: caDetails(signer).keyIdentifier,
          keyType: 'p256',
          privateKey: signer.privateKey,
        },
      );
      return { id: cn, role: 'intermediate', certDer, keyType: 'p256', privateKey: keys.privateKey };
    };
    const sub = mint(h.issuing, 'rogue sub-CA');
    const below = mint(sub, 'below rogue');
    const s = scratch();
    try {
      const root = s.file('root.pem', pem(h.root.certDer));
      const untrusted = s.file('untrusted.pem', pem(h.issuing.certDer) + pem(sub.certDer));
      const r = openssl([
        'verify',
        '-CAfile',
        root,
        '-untrusted',
        untrusted,
        s.file('t.pem', pem(below.certDer)),
      ]);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain('path length constraint exceeded');
    } finally {
      s.cleanup();
    }
  });

  it('gives the root the RFC 5280 CA extensions, critical where required', () => {
    const t = text(hierarchy('p256').root.certDer);
    expect(t).toContain('Issuer: O = certgrid, CN = certgrid Root CA');
    expect(t).toContain('Subject: O = certgrid, CN = certgrid Root CA');
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(t).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(t).toContain('X509v3 Subject Key Identifier');
    expect(t).not.toContain('Authority Information Access');
    expect(t).not.toContain('CRL Distribution Points');
    expect(t).toContain('Version: 3 (0x2)');
  });

  it('gives the issuing CA pathLen 0, OCSP-capable key usage, AKI, CDP and AIA', () => {
    const h = hierarchy('p256');
    const t = text(h.issuing.certDer);
    expect(t).toContain('Subject: O = certgrid, CN = certgrid Issuing CA 1');
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0\n/);
    expect(t).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign\n/);
    expect(t).toContain(`URI:${URLS.baseUrl}/crl/root.crl`);
    expect(t).toContain(`CA Issuers - URI:${URLS.baseUrl}/ca/root.crt`);
    const root = certificateFields(h.root.certDer);
    const inter = certificateFields(h.issuing.certDer);
    const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(t)![1]!.replace(/:/g, '');
    expect(aki.toLowerCase()).toBe(root.subjectKeyId!.toString('hex'));
    expect(inter.issuerDer).toEqual(root.subjectDer);
  });

  it('validity: root about 20 years, issuing about 10, both starting slightly before now', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));
    const h = hierarchy('ed25519', now);
    const root = certificateFields(h.root.certDer);
    const inter = certificateFields(h.issuing.certDer);
    expect(root.notBefore.getTime()).toBeLessThan(now.getTime());
    expect(now.getTime() - root.notBefore.getTime()).toBeLessThanOrEqual(DAY_MS);
    expect(root.notAfter.toISOString()).toBe('2046-01-15T12:00:00.000Z');
    expect(inter.notAfter.toISOString()).toBe('2036-01-15T12:00:00.000Z');
  });

  it('switches to GeneralizedTime past 2049 and openssl still verifies the chain', () => {
    const now = new Date(Date.UTC(2035, 5, 1));
    const h = hierarchy('p256', now);
    const dump = openssl(['asn1parse', '-inform', 'DER'], h.root.certDer).stdout;
    expect(dump).toContain('GENERALIZEDTIME   :20550601000000Z');
    expect(dump).toContain('UTCTIME           :350531230000Z');
    const s = scratch();
    try {
      const root = s.file('root.pem', pem(h.root.certDer));
      const inter = s.file('inter.pem', pem(h.issuing.certDer));
      const at = String(Date.UTC(2050, 0, 1) / 1000);
      expect(openssl(['verify', '-attime', at, '-CAfile', root, root]).status).toBe(0);
      expect(openssl(['verify', '-attime', at, '-CAfile', root, inter]).status).not.toBe(0); // issuing expired 2045
    } finally {
      s.cleanup();
    }
  });

  it('refuses an empty organisation name', () => {
    expect(() =>
      createCaHierarchy({ keyType: 'p256', name: ' ', now: new Date(), random: systemRandom, urls: URLS }),
    ).toThrow(expect.objectContaining({ code: 'MISSING_ARGUMENT' }));
  });
});

describe('loadCa', () => {
  it('reloads each key type from the certificate and encrypted key', { timeout: 60_000 }, () => {
    for (const kt of ['p256', 'p384', 'rsa2048', 'ed25519'] as KeyType[]) {
      const h = hierarchy(kt);
      const ca = loadCa({
        id: 'issuing-1',
        role: 'intermediate',
        certDer: h.issuing.certDer,
        keyPem: encryptPrivateKeyPem(h.issuing.privateKey, 'pw'),
        passphrase: 'pw',
      });
      expect(ca.keyType).toBe(kt);
      expect(ca.certDer).toEqual(h.issuing.certDer);
      expect(ca.privateKey.equals(h.issuing.privateKey)).toBe(true);
    }
  });

  it('fails with CA_KEY_UNAVAILABLE for a wrong passphrase or a key of another CA', () => {
    const h = hierarchy('p256');
    const base = {
      id: 'issuing-1',
      role: 'intermediate' as const,
      certDer: h.issuing.certDer,
      passphrase: 'pw',
    };
    expect(() => loadCa({ ...base, keyPem: encryptPrivateKeyPem(h.issuing.privateKey, 'other') })).toThrow(
      expect.objectContaining({ code: 'CA_KEY_UNAVAILABLE' }),
    );
    expect(() => loadCa({ ...base, keyPem: encryptPrivateKeyPem(h.root.privateKey, 'pw') })).toThrow(
      expect.objectContaining({
        code: 'CA_KEY_UNAVAILABLE',
        message: expect.stringContaining('does not match'),
      }),
    );
    expect(() =>
      loadCa({
        ...base,
        certDer: Buffer.from('3000', 'hex'),
        keyPem: encryptPrivateKeyPem(h.issuing.privateKey, 'pw'),
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
  });
});
