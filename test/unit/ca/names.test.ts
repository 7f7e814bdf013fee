import { generateKeyPairSync, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import {
  certificateFields,
  encodeName,
  parseSpki,
  subjectKeyIdentifier,
} from '../../../src/core/ca/names.js';
import { CertgridError } from '../../../src/core/errors.js';
import { hierarchy, openssl, pem } from './ca-fixtures.js';

describe('encodeName', () => {
  it('writes one RDN per attribute in order with the RFC 5280 string types', () => {
    const der = encodeName([
      { type: 'C', value: 'DE' },
      { type: 'O', value: 'Grüne GmbH' },
      { type: 'OU', value: 'Ops' },
      { type: 'CN', value: 'sams/example.com' },
      { type: 'emailAddress', value: 'a@example.com' },
      { type: 'DC', value: 'example' },
    ]);
    const name = AsnConvert.parse(der, Name);
    expect(name).toHaveLength(6);
    const values = name.map((rdn) => rdn[0]!);
    expect(values.map((v) => v.type)).toEqual([
      '2.5.4.6',
      '2.5.4.10',
      '2.5.4.11',
      '2.5.4.3',
      '1.2.840.113549.1.9.1',
      '0.9.2342.19200300.100.1.25',
    ]);
    expect(values[0]!.value.printableString).toBe('DE'); // C is PrintableString
    expect(values[1]!.value.utf8String).toBe('Grüne GmbH'); // DirectoryString as UTF8String
    expect(values[3]!.value.utf8String).toBe('sams/example.com');
    expect(values[4]!.value.ia5String).toBe('a@example.com');
    const r = openssl(['asn1parse', '-inform', 'DER'], der);
    expect(r.stdout).toContain('PRINTABLESTRING   :DE');
    expect(r.stdout).toContain('IA5STRING         :a@example.com');
  });

  it('rejects bad countries, empty values and non-ASCII IA5 values', () => {
    expect(() => encodeName([{ type: 'C', value: 'Germany' }])).toThrow(CertgridError);
    expect(() => encodeName([{ type: 'CN', value: '' }])).toThrow(CertgridError);
    expect(() => encodeName([{ type: 'emailAddress', value: 'ü@example.com' }])).toThrow(
      expect.objectContaining({ code: 'INVALID_CHARS' }),
    );
  });
});

describe('key identifiers', () => {
  it('is SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1)', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x as string, 'base64url'),
      Buffer.from(jwk.y as string, 'base64url'),
    ]);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    expect(subjectKeyIdentifier(spki)).toEqual(createHash('sha1').update(point).digest());
    expect(parseSpki(spki)).toMatchObject({ kind: 'ec', algorithmOid: '1.2.840.10045.2.1' });
  });

  it('classifies RSA, Ed25519 and other keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const x = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(parseSpki(rsa).kind).toBe('rsa');
    expect(parseSpki(ed).kind).toBe('ed25519');
    expect(parseSpki(x)).toMatchObject({ kind: 'other', algorithmOid: '1.3.101.110' });
    expect(() => parseSpki(Buffer.from('3003020100', 'hex'))).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
  });

  it('matches the SKI openssl prints for a certgrid CA', () => {
    const h = hierarchy('p256');
    const f = certificateFields(h.issuing.certDer);
    const text = openssl(['x509', '-noout', '-ext', 'subjectKeyIdentifier'], pem(h.issuing.certDer)).stdout;
    const printed = /\n\s*([0-9A-F:]+)\s*$/.exec(text)![1]!.replace(/:/g, '').toLowerCase();
    expect(f.subjectKeyId!.toString('hex')).toBe(printed);
    expect(subjectKeyIdentifier(f.spkiDer).toString('hex')).toBe(printed);
  });
});
