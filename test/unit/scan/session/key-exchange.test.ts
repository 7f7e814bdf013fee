import {
  constants,
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  getDiffieHellman,
  privateDecrypt,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SessionError,
  dheClientKeyExchange,
  ecdheClientKeyExchange,
  encodeRsaClientKeyExchange,
  rsaEncryptRaw,
  rsaPublicKeyOf,
  type RsaPublicKey,
} from '../../../../src/core/scan/session/index.js';
import { ByteReader, NAMED_GROUP, fromHex } from '../../../../src/core/scan/wire/index.js';

describe('RSA', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = publicKey.export({ format: 'jwk' });
  const modulus = BigInt(`0x${Buffer.from(jwk.n as string, 'base64url').toString('hex')}`);
  const key: RsaPublicKey = { key: publicKey, modulus, exponent: 65537n, size: 128 };

  it('rsaEncryptRaw is RSAEP: the private key gives back exactly the block (any padding, or none)', () => {
    const block = new Uint8Array(128);
    block.set([0x41, 0x17], 0);
    block.fill(0x5a, 2);
    const c = rsaEncryptRaw(key, block);
    expect(c).toHaveLength(128);
    expect(new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c))).toEqual(
      block,
    );
  });

  it('rejects blocks of the wrong size, or not below the modulus', () => {
    expect(() => rsaEncryptRaw(key, new Uint8Array(127))).toThrow(RangeError);
    expect(() => rsaEncryptRaw(key, new Uint8Array(128).fill(0xff))).toThrow(RangeError);
  });

  it('the ClientKeyExchange body has a two-byte length (TLS 1.0+, RFC 5246 §7.4.7.1)', () => {
    const body = encodeRsaClientKeyExchange(new Uint8Array(128).fill(7));
    expect(body).toHaveLength(130);
    expect(new ByteReader(body, 'cke').vector(2, 'x')).toEqual(new Uint8Array(128).fill(7));
  });

  it("rsaPublicKeyOf: a certificate that does not parse is the server's protocol error", () => {
    const err = (() => {
      try {
        rsaPublicKeyOf(new Uint8Array([0x30, 0x00]));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(SessionError);
    expect(err).toMatchObject({ code: 'SESSION_PROTOCOL' });
  });
});

describe('ECDHE (RFC 8422)', () => {
  it('x25519: our raw 32-byte share, and the secret the server computes too', () => {
    const server = generateKeyPairSync('x25519');
    const point = new Uint8Array(
      Buffer.from(server.publicKey.export({ format: 'jwk' }).x as string, 'base64url'),
    );
    const kx = ecdheClientKeyExchange(NAMED_GROUP.x25519, point);
    const ours = new ByteReader(kx.body, 'cke').vector(1, 'point');
    expect(ours).toHaveLength(32);
    const peer = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(ours).toString('base64url') },
      format: 'jwk',
    });
    expect(new Uint8Array(diffieHellman({ privateKey: server.privateKey, publicKey: peer }))).toEqual(
      kx.preMasterSecret,
    );
  });

  for (const [group, curve, size] of [
    [NAMED_GROUP.secp256r1, 'prime256v1', 32],
    [NAMED_GROUP.secp384r1, 'secp384r1', 48],
  ] as const) {
    it(`${curve}: an uncompressed point, and the shared x-coordinate as the secret`, () => {
      const server = createECDH(curve);
      const serverPoint = new Uint8Array(server.generateKeys());
      const kx = ecdheClientKeyExchange(group, serverPoint);
      const ours = new ByteReader(kx.body, 'cke').vector(1, 'point');
      expect(ours[0]).toBe(4);
      expect(ours).toHaveLength(1 + 2 * size);
      expect(new Uint8Array(server.computeSecret(ours))).toEqual(kx.preMasterSecret);
      expect(kx.preMasterSecret).toHaveLength(size);
    });
  }

  it('an unknown group is unsupported; a point not on the curve is a protocol error', () => {
    expect(() => ecdheClientKeyExchange(0x0016, new Uint8Array(65))).toThrow(
      expect.objectContaining({ code: 'SESSION_UNSUPPORTED' }),
    );
    expect(() => ecdheClientKeyExchange(NAMED_GROUP.secp256r1, fromHex('04' + '01'.repeat(64)))).toThrow(
      expect.objectContaining({ code: 'SESSION_PROTOCOL' }),
    );
  });
});

describe('DHE (RFC 5246 §8.1.2)', () => {
  it('the shared secret, leading zero bytes removed', () => {
    const server = getDiffieHellman('modp14');
    server.generateKeys();
    const kx = dheClientKeyExchange(
      server.getPrime('hex'),
      server.getGenerator('hex'),
      server.getPublicKey('hex'),
    );
    const yc = new ByteReader(kx.body, 'cke').vector(2, 'yc');
    const secret = new Uint8Array(server.computeSecret(yc));
    let i = 0;
    while (secret[i] === 0) i++;
    expect(kx.preMasterSecret).toEqual(secret.subarray(i));
    expect(kx.preMasterSecret[0]).not.toBe(0);
  });
});
