import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CertgridError } from '../../../../src/core/errors.js';
import type { ErrorCode } from '../../../../src/core/errors.js';
import { checkCsr, createWeakKeyChecker, parseCsr } from '../../../../src/core/ca/csr/index.js';
import type { CsrKey, ParsedCsr, WeakKeyChecker } from '../../../../src/core/ca/csr/index.js';
import { requireTool } from '../../../helpers/tools.js';
import { compressedP256Spki, handBuiltEcCsr, makeCsr, openssl, pemToDer, scratchDir } from './csr-helpers.js';
import type { CsrOptions } from './csr-helpers.js';

const hasOpenssl = requireTool('openssl', ['version']);
const weakKeys = createWeakKeyChecker();

function codeOf(csr: ParsedCsr, checker: WeakKeyChecker = weakKeys): ErrorCode | 'ok' {
  try {
    checkCsr(csr, { weakKeys: checker });
    return 'ok';
  } catch (e) {
    if (e instanceof CertgridError) return e.code;
    throw e;
  }
}

/** The DER with the last signature octet flipped. */
function flipSignature(der: Buffer): Buffer {
  const out = Buffer.from(der);
  out[out.length - 1]! ^= 0x01;
  return out;
}

describe.skipIf(!hasOpenssl)('checkCsr', () => {
  const tmp = scratchDir();
  const csr = (o: CsrOptions): ParsedCsr => parseCsr(makeCsr(tmp.dir, o).pem);
  let dsaParams: string;

  beforeAll(() => {
    dsaParams = join(tmp.dir, 'dsaparam.pem');
    openssl(['dsaparam', '-out', dsaParams, '1024']);
  });
  afterAll(() => tmp.cleanup());

  describe('accepts', () => {
    it.each<[string, CsrOptions]>([
      ['RSA 2048, SHA-256', { newkey: 'rsa:2048' }],
      ['RSA 2048, SHA-1 (legacy clients)', { newkey: 'rsa:2048', digest: 'sha1' }],
      ['RSA 2048, SHA-224', { newkey: 'rsa:2048', digest: 'sha224' }],
      ['RSA 3072, SHA-384', { newkey: 'rsa:3072', digest: 'sha384' }],
      ['RSA 2048, SHA-512', { newkey: 'rsa:2048', digest: 'sha512' }],
      [
        'RSA 2048, RSASSA-PSS SHA-256',
        { newkey: 'rsa:2048', digest: 'sha256', sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'] },
      ],
      ['RSA-PSS key', { newkey: 'rsa-pss', pkeyopt: ['rsa_keygen_bits:2048'] }],
      ['ECDSA P-256, SHA-256', { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'] }],
      ['ECDSA P-256, SHA-512', { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'], digest: 'sha512' }],
      ['ECDSA P-384, SHA-384', { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-384'], digest: 'sha384' }],
      ['ECDSA P-521, SHA-512', { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-521'], digest: 'sha512' }],
      ['Ed25519', { newkey: 'ed25519' }],
    ])('%s', (_name, o) => {
      expect(codeOf(csr(o))).toBe('ok');
    });

    it('RSA with public exponent 3 (BR §6.1.6 allows odd exponents of 3 or more)', () => {
      const key = openssl([
        'genpkey',
        '-algorithm',
        'RSA',
        '-pkeyopt',
        'rsa_keygen_bits:2048',
        '-pkeyopt',
        'rsa_keygen_pubexp:3',
      ]);
      const c = csr({ keyPem: key });
      expect(c.key.rsaExponent).toBe(3n);
      expect(codeOf(c)).toBe('ok');
    });
  });

  describe('public key loading', () => {
    it('accepts a P-256 key with a compressed point (not canonical: OpenSSL decodes the DER)', () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = compressedP256Spki(publicKey);
      const c = parseCsr(handBuiltEcCsr(spki, privateKey));
      expect(c.spkiDer.equals(spki)).toBe(true);
      expect(c.key).toMatchObject({ algorithm: 'ec', curve: 'P-256', bits: 256 });
      expect(c.subject.commonName).toBe('hand.example');
      expect(codeOf(c)).toBe('ok');
      // The same request signed by another key must still fail on this route.
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      expect(codeOf(parseCsr(handBuiltEcCsr(spki, other)))).toBe('CSR_BAD_SIGNATURE');
    });

    it('a point that is not on the curve is CSR_BAD_SIGNATURE', () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = Buffer.from(publicKey.export({ type: 'spki', format: 'der' }));
      spki[spki.length - 1]! ^= 0x01; // flip a bit of Y
      expect(codeOf(parseCsr(handBuiltEcCsr(spki, privateKey)))).toBe('CSR_BAD_SIGNATURE');
    });
  });

  describe('signature', () => {
    it.each<[string, CsrOptions]>([
      ['RSA', { newkey: 'rsa:2048' }],
      ['RSASSA-PSS', { newkey: 'rsa:2048', sigopt: ['rsa_padding_mode:pss'] }],
      ['ECDSA', { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'] }],
      ['Ed25519', { newkey: 'ed25519' }],
    ])('a flipped %s signature bit is CSR_BAD_SIGNATURE', (_name, o) => {
      const der = pemToDer(makeCsr(tmp.dir, o).pem);
      expect(codeOf(parseCsr(der))).toBe('ok');
      expect(codeOf(parseCsr(flipSignature(der)))).toBe('CSR_BAD_SIGNATURE');
    });

    it('a tampered subject is CSR_BAD_SIGNATURE', () => {
      const der = pemToDer(
        makeCsr(tmp.dir, { newkey: 'ec', subj: '/CN=good.example', pkeyopt: ['ec_paramgen_curve:P-256'] })
          .pem,
      );
      const at = der.indexOf('good.example');
      der.write('evil', at, 'latin1');
      const c = parseCsr(der);
      expect(c.subject.commonName).toBe('evil.example');
      expect(codeOf(c)).toBe('CSR_BAD_SIGNATURE');
    });

    it('a signature algorithm that does not match the signature is CSR_BAD_SIGNATURE', () => {
      const der = pemToDer(makeCsr(tmp.dir, { newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'] }).pem);
      // ecdsa-with-SHA256 → ecdsa-with-SHA512: the last arc of the outer signatureAlgorithm OID.
      const oid = Buffer.from('06082a8648ce3d040302', 'hex');
      const at = der.lastIndexOf(oid);
      der[at + oid.length - 1] = 0x04;
      expect(parseCsr(der).signatureAlgorithmOid).toBe('1.2.840.10045.4.3.4');
      expect(codeOf(parseCsr(der))).toBe('CSR_BAD_SIGNATURE');
      // ... and one for another key type (sha256WithRSAEncryption on an EC key).
      const rsaOid = Buffer.from('06092a864886f70d01010b', 'hex');
      const spliced = Buffer.concat([der.subarray(0, at), rsaOid, der.subarray(at + oid.length)]);
      // Fix the outer SEQUENCE and AlgorithmIdentifier lengths (both short enough here).
      const outerLen = spliced.readUInt8(2) + 1;
      spliced[2] = outerLen;
      spliced[at - 1]! += 1;
      const c = parseCsr(spliced);
      expect(c.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.11');
      expect(codeOf(c)).toBe('CSR_BAD_SIGNATURE');
    });

    it('signature is checked before key size', () => {
      const der = pemToDer(makeCsr(tmp.dir, { newkey: 'rsa:1024' }).pem);
      expect(codeOf(parseCsr(flipSignature(der)))).toBe('CSR_BAD_SIGNATURE');
    });
  });

  describe('key policy', () => {
    it('RSA 1024 is CSR_KEY_TOO_WEAK', () => {
      expect(codeOf(csr({ newkey: 'rsa:1024' }))).toBe('CSR_KEY_TOO_WEAK');
    });

    it('RSA 2560 is CSR_KEY_SIZE_UNSUPPORTED', () => {
      const c = csr({ newkey: 'rsa:2560' });
      expect(c.key.bits).toBe(2560);
      expect(codeOf(c)).toBe('CSR_KEY_SIZE_UNSUPPORTED');
    });

    it('RSA over 8192 bits is CSR_KEY_SIZE_UNSUPPORTED before any signature work', () => {
      // A 9216-bit key takes minutes to generate; the guard only reads key.bits, and the
      // signature here would not even verify, which proves the guard runs first.
      const real = csr({ newkey: 'rsa:2048' });
      const big: ParsedCsr = { ...real, key: { ...real.key, bits: 9216 }, signature: Buffer.alloc(1) };
      expect(codeOf(big)).toBe('CSR_KEY_SIZE_UNSUPPORTED');
    });

    it.each(['secp256k1', 'prime192v1', 'secp224r1', 'brainpoolP256r1'])(
      'EC curve %s is CSR_KEY_SIZE_UNSUPPORTED',
      (curve) => {
        expect(codeOf(csr({ newkey: 'ec', pkeyopt: [`ec_paramgen_curve:${curve}`] }))).toBe(
          'CSR_KEY_SIZE_UNSUPPORTED',
        );
      },
    );

    it('DSA is CSR_KEY_TYPE_DSA, even with a bad signature', () => {
      const der = pemToDer(makeCsr(tmp.dir, { newkey: `dsa:${dsaParams}` }).pem);
      expect(codeOf(parseCsr(der))).toBe('CSR_KEY_TYPE_DSA');
      expect(codeOf(parseCsr(flipSignature(der)))).toBe('CSR_KEY_TYPE_DSA');
    });

    it('Ed448 is CSR_KEY_TYPE_UNSUPPORTED', () => {
      expect(codeOf(csr({ newkey: 'ed448' }))).toBe('CSR_KEY_TYPE_UNSUPPORTED');
    });

    it('other key algorithms are CSR_KEY_TYPE_UNSUPPORTED', () => {
      const real = csr({ newkey: 'ed25519' });
      const other: CsrKey = { algorithm: 'other', bits: 0, oid: '1.2.643.7.1.1.1.1' };
      expect(codeOf({ ...real, key: other })).toBe('CSR_KEY_TYPE_UNSUPPORTED');
    });

    it.each([
      ['even', 65538n],
      ['1', 1n],
      ['2^256 + 1', (1n << 256n) + 1n],
    ])('RSA public exponent %s is CSR_KEY_KNOWN_WEAK', (_name, e) => {
      // The signature still verifies against the real SPKI; only the exponent policy sees `e`.
      const real = csr({ newkey: 'rsa:2048' });
      expect(codeOf({ ...real, key: { ...real.key, rsaExponent: e } })).toBe('CSR_KEY_KNOWN_WEAK');
    });
  });

  describe('weak keys', () => {
    it('runs last, with the key and SPKI, and its error propagates', () => {
      const calls: [CsrKey, Buffer][] = [];
      const reject: WeakKeyChecker = {
        check(key, spki) {
          calls.push([key, spki]);
          throw new CertgridError('CSR_KEY_KNOWN_WEAK', 'nope');
        },
      };
      const good = csr({ newkey: 'ec', pkeyopt: ['ec_paramgen_curve:P-256'] });
      expect(codeOf(good, reject)).toBe('CSR_KEY_KNOWN_WEAK');
      expect(calls).toHaveLength(1);
      expect(calls[0]![0]).toBe(good.key);
      expect(calls[0]![1].equals(good.spkiDer)).toBe(true);

      const weakRsa = csr({ newkey: 'rsa:1024' });
      expect(codeOf(weakRsa, reject)).toBe('CSR_KEY_TOO_WEAK');
      expect(calls).toHaveLength(1);
    });
  });
});
