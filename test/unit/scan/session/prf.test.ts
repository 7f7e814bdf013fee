import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  extendedMasterSecret,
  finishedVerifyData,
  keyBlock,
  masterSecret,
  prf,
  prf10,
  prf12,
  transcriptHash,
} from '../../../../src/core/scan/session/index.js';
import { concatBytes, fromHex, toHex } from '../../../../src/core/scan/wire/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  // The P_SHA256 and P_SHA384 test vectors posted to the IETF TLS working group list (and used by
  // many implementations since); OpenSSL's `openssl kdf ... TLS1-PRF` prints the same bytes.
  it('P_SHA256: the published 100-byte vector', () => {
    const out = prf12(
      'sha256',
      fromHex('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'),
      'test label',
      fromHex('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'),
      100,
    );
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
        '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701' +
        '87347b66',
    );
  });

  it('P_SHA384: the published 148-byte vector', () => {
    const out = prf12(
      'sha384',
      fromHex('b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df'),
      'test label',
      fromHex('cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65'),
      148,
    );
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0' +
        'e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425' +
        '9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e099070' +
        '3d73e56f',
    );
  });

  it('any length is a prefix of a longer output', () => {
    const secret = fromHex('00112233');
    const long = prf12('sha256', secret, 'x', ascii('seed'), 77);
    expect(prf12('sha256', secret, 'x', ascii('seed'), 5)).toEqual(long.subarray(0, 5));
    expect(prf12('sha256', secret, 'x', ascii('seed'), 32)).toEqual(long.subarray(0, 32));
  });
});

describe('TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5 ⊕ P_SHA-1 over the two halves of the secret', () => {
  it('matches OpenSSL (openssl kdf -kdfopt digest:MD5-SHA1 TLS1-PRF) for a 19-byte secret, whose halves share a byte', () => {
    const out = prf10(
      fromHex('0102030405060708090a0b0c0d0e0f10111213'),
      'test label',
      fromHex('a0ba9f936cda311827a6f796ffd5198c'),
      48,
    );
    expect(toHex(out)).toBe(
      'a1d4ffe5468d2215788dcba95c524e7fd28b6863f0697c10b80ccb3811305b4368178a9c128ba31106fe2536e6cb1c5b',
    );
  });

  it('is the XOR of P_MD5(first half) and P_SHA1(second half)', () => {
    const secret = fromHex('aabbccddeeff0011');
    const labelSeed = concatBytes([ascii('lbl'), ascii('sd')]);
    // One block of each hash is enough for 16 bytes: HMAC(S, A(1) ‖ seed), A(1) = HMAC(S, seed).
    const first = (hash: string, s: Uint8Array) => {
      const a1 = createHmac(hash, s).update(labelSeed).digest();
      return createHmac(hash, s).update(a1).update(labelSeed).digest();
    };
    const md5 = first('md5', secret.subarray(0, 4));
    const sha1 = first('sha1', secret.subarray(4));
    const expected = Uint8Array.from({ length: 16 }, (_, i) => (md5[i] as number) ^ (sha1[i] as number));
    expect(prf10(secret, 'lbl', ascii('sd'), 16)).toEqual(expected);
  });

  it('prf() picks the PRF by version', () => {
    const s = fromHex('0102');
    expect(prf(0x0301, 'sha256', s, 'a', ascii('b'), 20)).toEqual(prf10(s, 'a', ascii('b'), 20));
    expect(prf(0x0302, 'sha384', s, 'a', ascii('b'), 20)).toEqual(prf10(s, 'a', ascii('b'), 20));
    expect(prf(0x0303, 'sha384', s, 'a', ascii('b'), 20)).toEqual(prf12('sha384', s, 'a', ascii('b'), 20));
  });
});

describe('secrets and Finished', () => {
  const pms = fromHex('0303' + '11'.repeat(46));
  const cr = new Uint8Array(32).fill(1);
  const sr = new Uint8Array(32).fill(2);

  it('master secret: PRF(pms, "master secret", client_random ‖ server_random), 48 bytes (RFC 5246 §8.1)', () => {
    const m = masterSecret(0x0303, 'sha256', pms, cr, sr);
    expect(m).toHaveLength(48);
    expect(m).toEqual(prf12('sha256', pms, 'master secret', concatBytes([cr, sr]), 48));
    expect(masterSecret(0x0301, 'sha256', pms, cr, sr)).toEqual(
      prf10(pms, 'master secret', concatBytes([cr, sr]), 48),
    );
  });

  it('extended master secret: PRF(pms, "extended master secret", session_hash) (RFC 7627 §4)', () => {
    const sessionHash = new Uint8Array(createHash('sha256').update('handshake').digest());
    expect(extendedMasterSecret(0x0303, 'sha256', pms, sessionHash)).toEqual(
      prf12('sha256', pms, 'extended master secret', sessionHash, 48),
    );
  });

  it('key block: PRF(master, "key expansion", server_random ‖ client_random) — server random first (RFC 5246 §6.3)', () => {
    const m = masterSecret(0x0303, 'sha256', pms, cr, sr);
    expect(keyBlock(0x0303, 'sha256', m, cr, sr, 72)).toEqual(
      prf12('sha256', m, 'key expansion', concatBytes([sr, cr]), 72),
    );
  });

  it('transcript hash: the PRF hash in TLS 1.2, MD5 ‖ SHA-1 before', () => {
    const msgs = ascii('messages');
    expect(transcriptHash(0x0303, 'sha384', msgs)).toEqual(
      new Uint8Array(createHash('sha384').update(msgs).digest()),
    );
    const old = transcriptHash(0x0301, 'sha256', msgs);
    expect(old).toHaveLength(36);
    expect(old.subarray(0, 16)).toEqual(new Uint8Array(createHash('md5').update(msgs).digest()));
    expect(old.subarray(16)).toEqual(new Uint8Array(createHash('sha1').update(msgs).digest()));
  });

  it('verify_data: 12 bytes of PRF(master, "<side> finished", Hash(messages)) (RFC 5246 §7.4.9)', () => {
    const m = masterSecret(0x0303, 'sha256', pms, cr, sr);
    const msgs = ascii('ClientHello…ClientKeyExchange');
    const client = finishedVerifyData(0x0303, 'sha256', m, 'client', msgs);
    expect(client).toHaveLength(12);
    expect(client).toEqual(
      prf12('sha256', m, 'client finished', new Uint8Array(createHash('sha256').update(msgs).digest()), 12),
    );
    expect(finishedVerifyData(0x0303, 'sha256', m, 'server', msgs)).not.toEqual(client);
    expect(finishedVerifyData(0x0301, 'sha256', m, 'client', msgs)).toEqual(
      prf10(m, 'client finished', transcriptHash(0x0301, 'sha256', msgs), 12),
    );
  });
});
