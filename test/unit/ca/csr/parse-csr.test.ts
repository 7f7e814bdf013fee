import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CertgridError } from '../../../../src/core/errors.js';
import { parseCsr, parseDn } from '../../../../src/core/ca/csr/index.js';
import type { ParsedCsr } from '../../../../src/core/ca/csr/index.js';
import { requireTool } from '../../../helpers/tools.js';
import { makeCsr, openssl, pemToDer, scratchDir } from './csr-helpers.js';

const hasOpenssl = requireTool('openssl', ['version']);

function expectUnparseable(input: string | Buffer): void {
  let caught: unknown;
  try {
    parseCsr(input);
  } catch (e) {
    caught = e;
  }
  expect(CertgridError.is(caught, 'CSR_UNPARSEABLE'), String(caught)).toBe(true);
}

function base64Body(pem: string): string {
  return pem
    .replace(/-----[^-]+-----/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
}

describe.skipIf(!hasOpenssl)('parseCsr', () => {
  const tmp = scratchDir();
  let rsa: { pem: string; keyPem: string };
  let der: Buffer;

  beforeAll(() => {
    rsa = makeCsr(tmp.dir, {
      newkey: 'rsa:2048',
      subj: '/C=US/O=Example Org/OU=Unit One/OU=Unit Two/CN=host.example.org/emailAddress=ops@example.org',
      addext: [
        'subjectAltName=DNS:host.example.org,DNS:www.example.org,IP:192.0.2.7,IP:2001:db8:0:0:1:0:0:1,IP:::1,email:admin@example.org',
      ],
    });
    der = pemToDer(rsa.pem);
  });
  afterAll(() => tmp.cleanup());

  describe('input forms', () => {
    it('reads PEM', () => {
      expect(parseCsr(rsa.pem).der.equals(der)).toBe(true);
    });

    it('reads the NEW CERTIFICATE REQUEST label', () => {
      const pem = rsa.pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
      expect(pem).toContain('-----BEGIN NEW CERTIFICATE REQUEST-----');
      expect(parseCsr(pem).der.equals(der)).toBe(true);
    });

    it('tolerates CRLF, indentation, surrounding whitespace and text before the block', () => {
      const messy =
        '\r\n  Here is my CSR, thanks!\r\n\r\n' +
        rsa.pem
          .trim()
          .split('\n')
          .map((l) => `    ${l}  `)
          .join('\r\n') +
        '\r\n\r\n';
      expect(parseCsr(messy).der.equals(der)).toBe(true);
    });

    it('reads a PEM Buffer', () => {
      expect(parseCsr(Buffer.from(rsa.pem)).der.equals(der)).toBe(true);
    });

    it('reads bare base64 with line breaks', () => {
      const body = base64Body(rsa.pem);
      expect(body).toContain('\n');
      expect(parseCsr(body).der.equals(der)).toBe(true);
      expect(parseCsr(body.replace(/\n/g, '\r\n')).der.equals(der)).toBe(true);
    });

    it("reads base64 whose '+' were turned into spaces by form decoding", () => {
      const oneLine = der.toString('base64');
      expect(oneLine).toContain('+');
      expect(parseCsr(oneLine.replace(/\+/g, ' ')).der.equals(der)).toBe(true);
      // ... also in a line-wrapped body and inside a PEM block.
      const mangledBody = base64Body(rsa.pem).replace(/\+/g, ' ');
      expect(parseCsr(mangledBody).der.equals(der)).toBe(true);
      expect(parseCsr(rsa.pem.replace(/\+/g, ' ')).der.equals(der)).toBe(true);
      // A '+' at the very end of a line becomes trailing whitespace; it must not be trimmed away.
      const cut = oneLine.indexOf('+') + 1;
      const edge = `${oneLine.slice(0, cut)}\n${oneLine.slice(cut)}`.replace(/\+/g, ' ');
      expect(parseCsr(edge).der.equals(der)).toBe(true);
    });

    it('reads raw DER', () => {
      const csr = parseCsr(der);
      expect(csr.der.equals(der)).toBe(true);
      expect(csr.subject.commonName).toBe('host.example.org');
    });

    it('rejects garbage with CSR_UNPARSEABLE', () => {
      expectUnparseable('');
      expectUnparseable('   \n ');
      expectUnparseable('hello world');
      expectUnparseable('not base64 !!!');
      expectUnparseable(Buffer.from('garbage'));
      expectUnparseable(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]));
      expectUnparseable(Buffer.from([0x30, 0x80, 0x00, 0x00])); // BER indefinite length
      expectUnparseable(Buffer.from('aGVsbG8gd29ybGQ=')); // valid base64, not DER
    });

    it('rejects PEM blocks that are not certificate requests', () => {
      const key = rsa.keyPem;
      expect(key).toContain('BEGIN PRIVATE KEY');
      expectUnparseable(key);
      expectUnparseable(rsa.pem.replace(/-----END CERTIFICATE REQUEST-----/, ''));
    });

    it('rejects truncated DER and trailing data with CSR_UNPARSEABLE', () => {
      expectUnparseable(der.subarray(0, der.length - 1));
      expectUnparseable(der.subarray(0, 100));
      expectUnparseable(Buffer.concat([der, Buffer.from([0])]));
      expectUnparseable(der.subarray(0, der.length - 8).toString('base64'));
    });
  });

  describe('contents', () => {
    let csr: ParsedCsr;
    beforeAll(() => {
      csr = parseCsr(rsa.pem);
    });

    it('exposes exactly the signed CertificationRequestInfo bytes', () => {
      expect(csr.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.11');
      expect(verify('sha256', csr.certificationRequestInfoDer, rsa.keyPem, csr.signature)).toBe(true);
      // The CRI is the first element of the outer SEQUENCE (4-octet header for this size).
      expect(
        csr.certificationRequestInfoDer.equals(der.subarray(4, 4 + csr.certificationRequestInfoDer.length)),
      ).toBe(true);
    });

    it('exposes the SubjectPublicKeyInfo and the RSA key', () => {
      const pub = createPublicKey(rsa.keyPem);
      expect(csr.spkiDer.equals(pub.export({ type: 'spki', format: 'der' }))).toBe(true);
      const jwk = pub.export({ format: 'jwk' });
      expect(csr.key).toMatchObject({ algorithm: 'rsa', bits: 2048, oid: '1.2.840.113549.1.1.1' });
      expect(csr.key.rsaModulus).toBe(BigInt('0x' + Buffer.from(jwk.n!, 'base64url').toString('hex')));
      expect(csr.key.rsaExponent).toBe(65537n);
    });

    it('extracts the subject', () => {
      expect(csr.subject).toEqual({
        commonName: 'host.example.org',
        organizationalUnits: ['Unit One', 'Unit Two'],
        organization: 'Example Org',
        country: 'US',
        emailAddress: 'ops@example.org',
        rdns: [
          { type: 'C', value: 'US' },
          { type: 'O', value: 'Example Org' },
          { type: 'OU', value: 'Unit One' },
          { type: 'OU', value: 'Unit Two' },
          { type: 'CN', value: 'host.example.org' },
          { type: 'emailAddress', value: 'ops@example.org' },
        ],
      });
    });

    it('extracts DNS, IP and email SANs from the extensionRequest attribute', () => {
      expect(csr.dnsNames).toEqual(['host.example.org', 'www.example.org']);
      expect(csr.ipAddresses).toEqual(['192.0.2.7', '2001:db8::1:0:0:1', '::1']);
      expect(csr.emails).toEqual(['admin@example.org']);
    });

    it('returns empty SAN lists when there is no extensionRequest', () => {
      const plain = parseCsr(makeCsr(tmp.dir, { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'] }).pem);
      expect(plain.dnsNames).toEqual([]);
      expect(plain.ipAddresses).toEqual([]);
      expect(plain.emails).toEqual([]);
      expect(plain.subject.organizationalUnits).toEqual([]);
      expect(plain.subject.organization).toBeUndefined();
    });

    it('decodes UTF-8 subjects and unknown attribute types by OID', () => {
      const utf8 = makeCsr(tmp.dir, {
        newkey: 'ec',
        pkeyopt: ['ec_paramgen_curve:P-256'],
        subj: '/CN=Zoë Ångström/businessCategory=Private Organization/DC=example',
        extra: ['-utf8'],
      });
      const s = parseCsr(utf8.pem).subject;
      expect(s.commonName).toBe('Zoë Ångström');
      expect(s.rdns).toEqual([
        { type: 'CN', value: 'Zoë Ångström' },
        { type: '2.5.4.15', value: 'Private Organization' },
        { type: 'DC', value: 'example' },
      ]);
    });

    it('parseDn decodes a bare Name', () => {
      // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "a" } } }
      const name = Buffer.from('300c310a300806035504030c0161', 'hex');
      expect(parseDn(name).commonName).toBe('a');
      expect(() => parseDn(name.subarray(0, 10))).toThrow(CertgridError);
    });
  });

  describe('key types', () => {
    it('describes EC keys by curve', () => {
      for (const [curve, bits] of [
        ['P-256', 256],
        ['P-384', 384],
        ['P-521', 521],
        ['secp256k1', 256],
        ['prime192v1', 192],
      ] as const) {
        const { pem } = makeCsr(tmp.dir, { newkey: 'ec', pkeyopt: [`ec_paramgen_curve:${curve}`] });
        const key = parseCsr(pem).key;
        expect(key).toMatchObject({ algorithm: 'ec', bits, oid: '1.2.840.10045.2.1' });
        expect(key.curve).toBe(curve === 'prime192v1' ? 'P-192' : curve);
      }
    });

    it('describes Ed25519, Ed448 and DSA keys', () => {
      expect(parseCsr(makeCsr(tmp.dir, { newkey: 'ed25519' }).pem).key).toEqual({
        algorithm: 'ed25519',
        bits: 256,
        oid: '1.3.101.112',
      });
      expect(parseCsr(makeCsr(tmp.dir, { newkey: 'ed448' }).pem).key.algorithm).toBe('ed448');
      const params = `${tmp.dir}/dsa.pem`;
      openssl(['dsaparam', '-out', params, '1024']);
      expect(parseCsr(makeCsr(tmp.dir, { newkey: `dsa:${params}` }).pem).key).toEqual({
        algorithm: 'dsa',
        bits: 1024,
        oid: '1.2.840.10040.4.1',
      });
    });

    it('reads RSASSA-PSS parameters', () => {
      const { pem } = makeCsr(tmp.dir, {
        newkey: 'rsa:2048',
        digest: 'sha384',
        sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:48'],
      });
      const csr = parseCsr(pem);
      expect(csr.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.10');
      expect(csr.pssParams).toEqual({ hash: 'sha384', mgf1Hash: 'sha384', saltLength: 48, trailerField: 1 });
    });
  });
});
