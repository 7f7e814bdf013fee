import { afterAll, describe, expect, it } from 'vitest';
import { buildCrl, revokedSerialsOf } from '../../../src/core/ca/crl.js';
import { toPem } from '../../../src/core/ca/pem.js';
import type { RevokedEntry } from '../../../src/core/ca/types.js';
import {
  DAY_MS,
  chainFiles,
  hierarchy,
  issue,
  leafKeyPair,
  openssl,
  pem,
  request,
  scratch,
  spkiOf,
} from './ca-fixtures.js';

const s = scratch();
afterAll(() => s.cleanup());

const now = new Date();
const h = hierarchy('p256', now);
const revokedLeaf = issue(h, request(spkiOf(leafKeyPair('p256').publicKey)));
const goodLeaf = issue(h, request(spkiOf(leafKeyPair('p256').publicKey)));
const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - 3600_000);
const entries: RevokedEntry[] = [
  { serialHex: revokedLeaf.serialHex, revokedAt, reason: 'keyCompromise' },
  { serialHex: '0A0B0C0D0E0F1011', revokedAt, reason: 'unspecified' },
  { serialHex: '8899AABBCCDDEEFF', revokedAt, reason: 'cessationOfOperation' },
  { serialHex: '1234567890ABCDEF', revokedAt, reason: 'removeFromCRL' },
];
const opts = { thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * DAY_MS), crlNumber: 42n };
const crl = buildCrl(h.issuing, entries, opts);

function crlText(der: Buffer): string {
  return openssl(['crl', '-inform', 'DER', '-noout', '-text'], der).stdout;
}

describe('buildCrl', () => {
  it('is a v2 CRL whose signature openssl verifies against the issuing CA', () => {
    const f = chainFiles(s, h, revokedLeaf.der);
    const r = openssl(['crl', '-inform', 'DER', '-noout', '-CAfile', f.inter], crl);
    expect(r.out).toContain('verify OK');
    expect(r.status).toBe(0);
    const chain = s.file('chain.pem', pem(h.issuing.certDer) + pem(h.root.certDer));
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-CAfile', chain], crl).out).toContain('verify OK');
    // Signed by the wrong CA: openssl must say so.
    const other = hierarchy('p256', now);
    const wrong = s.file('wrong.pem', pem(other.issuing.certDer));
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-CAfile', wrong], crl).out).not.toContain(
      'verify OK',
    );
  });

  it('carries AKI and cRLNumber, and each entry its reason (omitted for unspecified)', () => {
    const t = crlText(crl);
    expect(t).toContain('Version 2 (0x1)');
    expect(t).toContain('Issuer: O = certgrid, CN = certgrid Issuing CA 1');
    expect(t).toMatch(/X509v3 CRL Number: \s*\n\s+42\n/);
    expect(t).toContain('X509v3 Authority Key Identifier');
    expect(t).toMatch(
      new RegExp(
        `Serial Number: ${revokedLeaf.serialHex}\\s+Revocation Date: [^\\n]+\\n\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
      ),
    );
    expect(t).toMatch(
      /Serial Number: 8899AABBCCDDEEFF\s+Revocation Date: [^\n]+\n\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Cessation Of Operation/,
    );
    expect(t).toMatch(/Serial Number: 0A0B0C0D0E0F1011\s+Revocation Date: [^\n]+\n\s+Serial Number/);
    expect(t).not.toContain('1234567890ABCDEF'); // removeFromCRL belongs to delta CRLs only
    expect(t.match(/Serial Number:/g)).toHaveLength(3);
  });

  it('makes openssl verify -crl_check reject the revoked leaf and accept the other', () => {
    const f = chainFiles(s, h, revokedLeaf.der);
    const crlPem = s.file('crl.pem', toPem(crl, 'X509 CRL'));
    const bad = openssl([
      'verify',
      '-crl_check',
      '-CAfile',
      f.root,
      '-untrusted',
      f.inter,
      '-CRLfile',
      crlPem,
      f.leaf,
    ]);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain('certificate revoked');
    const good = s.file('good.pem', pem(goodLeaf.der));
    const ok = openssl([
      'verify',
      '-crl_check',
      '-CAfile',
      f.root,
      '-untrusted',
      f.inter,
      '-CRLfile',
      crlPem,
      good,
    ]);
    expect(ok.out).toContain('good.pem: OK');
  });

  it('omits revokedCertificates when empty and lets the root sign its own CRL', () => {
    const empty = buildCrl(h.root, [], { ...opts, crlNumber: 1n });
    const t = crlText(empty);
    expect(t).toContain('No Revoked Certificates.');
    expect(t).toContain('Issuer: O = certgrid, CN = certgrid Root CA');
    const root = s.file('root.pem', pem(h.root.certDer));
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-CAfile', root], empty).out).toContain('verify OK');
  });

  it('supports RSA and Ed25519 CAs and a chosen hash', () => {
    for (const kt of ['rsa2048', 'ed25519'] as const) {
      const hk = hierarchy(kt, now);
      const der = buildCrl(hk.issuing, entries.slice(0, 1), { ...opts, hash: 'sha384' });
      const f = s.file(`${kt}.pem`, pem(hk.issuing.certDer));
      expect(openssl(['crl', '-inform', 'DER', '-noout', '-CAfile', f], der).out).toContain('verify OK');
      expect(crlText(der)).toContain(
        kt === 'ed25519' ? 'Signature Algorithm: ED25519' : 'sha384WithRSAEncryption',
      );
    }
  });

  it('rejects nextUpdate ≤ thisUpdate and out-of-range CRL numbers', () => {
    expect(() => buildCrl(h.issuing, [], { ...opts, nextUpdate: now })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'nextUpdate' }),
    );
    expect(() => buildCrl(h.issuing, [], { ...opts, crlNumber: -1n })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'crlNumber' }),
    );
    expect(() => buildCrl(h.issuing, [], { ...opts, crlNumber: 2n ** 159n })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('revokedSerialsOf', () => {
  it('reads every serial a CRL lists, lowercase hex without leading zeros', () => {
    expect(revokedSerialsOf(crl)).toEqual(
      new Set([
        revokedLeaf.serialHex.toLowerCase().replace(/^0+/, ''),
        'a0b0c0d0e0f1011',
        '8899aabbccddeeff',
        // removeFromCRL entries are left out of a full CRL.
      ]),
    );
  });

  it('is empty for a CRL that lists nothing, and refuses what is not a CRL', () => {
    expect(revokedSerialsOf(buildCrl(h.issuing, [], opts)).size).toBe(0);
    expect(() => revokedSerialsOf(Buffer.from('not a crl'))).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
    expect(() => revokedSerialsOf(goodLeaf.der)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
  });
});
