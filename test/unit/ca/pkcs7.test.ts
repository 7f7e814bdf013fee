import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { describe, expect, it } from 'vitest';
import { buildCertsOnlyPkcs7 } from '../../../src/core/ca/pkcs7.js';
import { hierarchy, issue, leafKeyPair, openssl, pem, request, scratch, spkiOf } from './ca-fixtures.js';

describe('buildCertsOnlyPkcs7', () => {
  const h = hierarchy('p256');
  const leaf = issue(h, request(spkiOf(leafKeyPair('p256').publicKey)));
  const p7 = buildCertsOnlyPkcs7([leaf.der, h.issuing.certDer, h.root.certDer]);

  it('is a degenerate SignedData openssl lists every certificate of, in order', () => {
    const r = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], p7);
    expect(r.status).toBe(0);
    const subjects = [...r.stdout.matchAll(/^subject=(.*)$/gm)].map((m) => m[1]);
    expect(subjects).toEqual([
      'CN = sams/example.com',
      'O = certgrid, CN = certgrid Issuing CA 1',
      'O = certgrid, CN = certgrid Root CA',
    ]);
  });

  it('has version 1, no digest algorithms, id-data content and no signers (RFC 5652 §5)', () => {
    const ci = AsnConvert.parse(p7, ContentInfo);
    expect(ci.contentType).toBe('1.2.840.113549.1.7.2');
    const sd = AsnConvert.parse(ci.content, SignedData);
    expect(sd.version).toBe(1);
    expect(sd.digestAlgorithms).toHaveLength(0);
    expect(sd.encapContentInfo.eContentType).toBe('1.2.840.113549.1.7.1');
    expect(sd.encapContentInfo.eContent).toBeUndefined();
    expect(sd.certificates).toHaveLength(3);
    expect(sd.signerInfos).toHaveLength(0);
  });

  it('is byte for byte what `openssl crl2pkcs7 -nocrl` writes for the same chain', () => {
    const s = scratch();
    try {
      const f = s.file('chain.pem', pem(leaf.der) + pem(h.issuing.certDer) + pem(h.root.certDer));
      const out = join(s.dir, 'p7.der');
      expect(openssl(['crl2pkcs7', '-nocrl', '-certfile', f, '-outform', 'DER', '-out', out]).status).toBe(0);
      expect(p7.equals(readFileSync(out))).toBe(true);
    } finally {
      s.cleanup();
    }
  });

  it('allows an empty bundle and rejects non-certificates', () => {
    expect(
      openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], buildCertsOnlyPkcs7([])).status,
    ).toBe(0);
    expect(() => buildCertsOnlyPkcs7([Buffer.from('not der')])).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
  });
});
