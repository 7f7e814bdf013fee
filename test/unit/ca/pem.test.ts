import { describe, expect, it } from 'vitest';
import { certsFromPemBundle, pemBlocks, pemToDer, toPem } from '../../../src/core/ca/pem.js';
import { CertgridError } from '../../../src/core/errors.js';

const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

describe('PEM', () => {
  it('writes 64-column base64 between RFC 7468 boundaries', () => {
    const text = toPem(der, 'CERTIFICATE');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.slice(1, -1).every((l) => l.length <= 64)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(() => toPem(der, 'bad\nlabel')).toThrow(TypeError);
  });

  it('reads back through CRLF, indentation and surrounding text', () => {
    const messy = `Subject: something\r\n  ${toPem(der, 'CERTIFICATE').replace(/\n/g, '\r\n\t ')}trailing`;
    expect(pemToDer(messy)).toEqual(der);
    expect(pemToDer(messy, 'CERTIFICATE')).toEqual(der);
  });

  it('selects blocks by label and reads bundles in order', () => {
    const a = Buffer.from('aaaa');
    const b = Buffer.from('bbbbbb');
    const bundle =
      toPem(a, 'CERTIFICATE') + toPem(Buffer.from('k'), 'ENCRYPTED PRIVATE KEY') + toPem(b, 'CERTIFICATE');
    expect(certsFromPemBundle(bundle)).toEqual([a, b]);
    expect(pemToDer(bundle, 'ENCRYPTED PRIVATE KEY')).toEqual(Buffer.from('k'));
    expect(pemBlocks(bundle).map((x) => x.label)).toEqual([
      'CERTIFICATE',
      'ENCRYPTED PRIVATE KEY',
      'CERTIFICATE',
    ]);
  });

  it('throws INVALID_FORMAT for missing blocks and bad base64', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return CertgridError.is(e) ? e.code : 'not-certgrid';
      }
      return undefined;
    };
    expect(codeOf(() => pemToDer('nothing here'))).toBe('INVALID_FORMAT');
    expect(codeOf(() => pemToDer(toPem(der, 'CERTIFICATE'), 'X509 CRL'))).toBe('INVALID_FORMAT');
    expect(codeOf(() => pemToDer('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----'))).toBe(
      'INVALID_FORMAT',
    );
  });
});
