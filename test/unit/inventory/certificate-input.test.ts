import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContentInfo,
  SignedData,
  id_data,
  id_signedData,
} from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { readCertificates } from '../../../src/core/inventory/certificate-input.js';
import { CertgridError } from '../../../src/core/errors.js';
import { requireTool } from '../../helpers/tools.js';
import { OIDS, buildCertificate, ext, key, name, openssl, pem } from './build-certificate.js';

const rootName = name([[OIDS.CN, 'Input Root']]);
const root = buildCertificate({
  subject: rootName,
  publicKey: key('p256').publicKey,
  signingKey: key('p256').privateKey,
  signature: 'sha256-ecdsa',
  extensions: [ext(id_ce_basicConstraints, new BasicConstraints({ cA: true }), true)],
});
const leafA = buildCertificate({
  subject: name([[OIDS.CN, 'a.example']]),
  issuer: rootName,
  serialHex: '0a',
  publicKey: key('p256', 1).publicKey,
  signingKey: key('p256').privateKey,
  signature: 'sha256-ecdsa',
});
const leafB = buildCertificate({
  subject: name([[OIDS.CN, 'b.example']]),
  issuer: rootName,
  serialHex: '0b',
  publicKey: key('p256', 2).publicKey,
  signingKey: key('p256').privateKey,
  signature: 'sha256-ecdsa',
});

const hexes = (bufs: readonly Buffer[]): string[] => bufs.map((b) => b.toString('hex'));

function invalid(input: Uint8Array | string): CertgridError {
  try {
    readCertificates(input);
  } catch (e) {
    expect(e).toBeInstanceOf(CertgridError);
    expect((e as CertgridError).code).toBe('INVALID_FORMAT');
    return e as CertgridError;
  }
  throw new Error('expected INVALID_FORMAT');
}

/** A certs-only SignedData built with @peculiar/asn1-cms (an encoder independent of the reader). */
function signedData(certs: readonly Buffer[]): Buffer {
  const sd = new SignedData({
    version: 1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(
      certs.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c, Certificate) })),
    ),
  });
  return Buffer.from(
    AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(sd) })),
  );
}

/** The same bundle with BER indefinite lengths on every wrapper, as some tools write it (X.690 §8.1.3.6). */
function indefiniteSignedData(certs: readonly Buffer[]): Buffer {
  const h = (s: string) => Buffer.from(s, 'hex');
  return Buffer.concat([
    h('3080'), // ContentInfo
    h('06092a864886f70d010702'), // id-signedData
    h('a080'), // [0] EXPLICIT
    h('3080'), // SignedData
    h('020101'), // version 1
    h('3100'), // digestAlgorithms
    h('300b06092a864886f70d010701'), // encapContentInfo { id-data }
    h('a080'), // certificates [0] IMPLICIT
    ...certs,
    h('0000'),
    h('3100'), // signerInfos
    h('0000'),
    h('0000'),
    h('0000'),
  ]);
}

describe('readCertificates: PEM', () => {
  it('reads every CERTIFICATE block in order, ignoring text and other blocks around them', () => {
    const text = [
      'Bag Attributes',
      '    friendlyName: a.example',
      'subject=CN = a.example',
      pem(leafA),
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF',
      '',
      'not even base64 !!',
      '-----END RSA PRIVATE KEY-----',
      'issuer=CN = Input Root',
      pem(root).replaceAll('\n', '\r\n'),
      'trailing words',
    ].join('\n');
    expect(hexes(readCertificates(text))).toEqual(hexes([leafA, root]));
  });

  it('accepts X509 CERTIFICATE and TRUSTED CERTIFICATE labels, as text or as bytes', () => {
    expect(hexes(readCertificates(pem(leafA, 'X509 CERTIFICATE')))).toEqual(hexes([leafA]));
    // OpenSSL's trusted form is the certificate followed by its X509_CERT_AUX trust settings.
    const aux = Buffer.from('3012300a06082b06010505070301a0040c0274', 'hex');
    const trusted = pem(Buffer.concat([leafB, aux]), 'TRUSTED CERTIFICATE');
    expect(hexes(readCertificates(Buffer.from(trusted)))).toEqual(hexes([leafB]));
  });

  it.skipIf(!requireTool('openssl', ['version']))('reads what `openssl x509 -trustout` writes', () => {
    const r = openssl(['x509', '-inform', 'DER', '-trustout', '-addtrust', 'serverAuth'], root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.toString()).toContain('-----BEGIN TRUSTED CERTIFICATE-----');
    expect(hexes(readCertificates(r.stdout))).toEqual(hexes([root]));
  });

  it('returns each distinct certificate once', () => {
    expect(hexes(readCertificates(pem(leafA) + pem(root) + pem(leafA)))).toEqual(hexes([leafA, root]));
  });

  it('rejects a certificate block with bad base64 or without a certificate inside', () => {
    expect(invalid('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----').message).toMatch(/base64/);
    expect(invalid(pem(Buffer.from('300302010a', 'hex'))).message).toMatch(/X\.509 certificate/);
  });
});

describe('readCertificates: DER and base64', () => {
  it('reads the DER of one certificate', () => {
    expect(hexes(readCertificates(leafA))).toEqual(hexes([leafA]));
    expect(hexes(readCertificates(new Uint8Array(leafA)))).toEqual(hexes([leafA]));
  });

  it('reads bare base64 of the DER, with or without line breaks', () => {
    expect(hexes(readCertificates(leafA.toString('base64')))).toEqual(hexes([leafA]));
    const wrapped = `\n${leafA.toString('base64').replace(/.{76}/g, '$&\r\n')}\n`;
    expect(hexes(readCertificates(Buffer.from(wrapped)))).toEqual(hexes([leafA]));
  });

  it('returns copies that do not alias the input', () => {
    const input = Buffer.from(leafA);
    const [out] = readCertificates(input);
    input.fill(0);
    expect(out!.equals(leafA)).toBe(true);
  });
});

describe('readCertificates: PKCS#7 certs-only bundles', () => {
  it('reads a SignedData built with @peculiar/asn1-cms, as DER, PEM and base64, byte for byte', () => {
    const p7 = signedData([leafA, root, leafB]);
    expect(hexes(readCertificates(p7))).toEqual(hexes([leafA, root, leafB]));
    expect(hexes(readCertificates(pem(p7, 'PKCS7')))).toEqual(hexes([leafA, root, leafB]));
    expect(hexes(readCertificates(pem(p7, 'PKCS #7 SIGNED DATA')))).toEqual(hexes([leafA, root, leafB]));
    expect(hexes(readCertificates(p7.toString('base64')))).toEqual(hexes([leafA, root, leafB]));
  });

  it('reads a bundle with BER indefinite lengths', () => {
    expect(hexes(readCertificates(indefiniteSignedData([root, leafB])))).toEqual(hexes([root, leafB]));
  });

  it('removes duplicates across a bundle and PEM blocks in one input', () => {
    const text = pem(leafB) + pem(signedData([leafA, leafB]), 'PKCS7') + pem(leafA);
    expect(hexes(readCertificates(text))).toEqual(hexes([leafB, leafA]));
  });

  it.skipIf(!requireTool('openssl', ['version']))(
    'reads what `openssl crl2pkcs7 -nocrl -certfile` writes, DER and PEM',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'certgrid-inventory-'));
      try {
        const chain = join(dir, 'chain.pem');
        writeFileSync(chain, pem(leafA) + pem(root));
        const derOut = join(dir, 'bundle.p7b');
        expect(
          openssl(['crl2pkcs7', '-nocrl', '-certfile', chain, '-outform', 'DER', '-out', derOut]).status,
        ).toBe(0);
        expect(hexes(readCertificates(readFileSync(derOut)))).toEqual(hexes([leafA, root]));
        const pemOut = openssl(['crl2pkcs7', '-nocrl', '-certfile', chain]);
        expect(pemOut.stdout.toString()).toContain('-----BEGIN PKCS7-----');
        expect(hexes(readCertificates(pemOut.stdout.toString()))).toEqual(hexes([leafA, root]));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('rejects a ContentInfo that is not SignedData and a SignedData without any certificate', () => {
    const enveloped = Buffer.from(
      AsnConvert.serialize(
        new ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: new Uint8Array([5, 0]).buffer }),
      ),
    );
    expect(invalid(enveloped).message).toMatch(/SignedData/);
    expect(invalid(signedData([])).message).toMatch(/no certificate found/i);
  });
});

describe('readCertificates: nothing usable', () => {
  it('says what it expected', () => {
    expect(invalid('').message).toBe('No certificate found: expected PEM, DER or PKCS#7.');
    invalid('hello, world');
    invalid(Buffer.from([0x30, 0x03, 0x02, 0x01]));
    invalid(Buffer.from('0 is where this text starts, and it is no DER'));
    invalid('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n');
    invalid(leafA.subarray(0, leafA.length - 1));
    invalid(Buffer.concat([leafA, Buffer.from([0])]));
  });

  it('throws TypeError for an argument that is neither text nor bytes', () => {
    expect(() => readCertificates(42 as unknown as string)).toThrow(TypeError);
  });
});
