import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SessionError,
  deriveSecret,
  hkdfExtract,
  keyShareSecret,
  openTls13Record,
  sealTls13Record,
  tls13HandshakeSecrets,
  tls13Suite,
  tls13TrafficKeys,
  tls13TranscriptHash,
  type Tls13TrafficKeys,
} from '../../../../src/core/scan/session/index.js';
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  NAMED_GROUP,
  WireFormatError,
  encodeTls13Certificate,
  generateKeyShare,
  parseEncryptedExtensions,
  parseServerHello,
  parseTls13Certificate,
} from '../../../../src/core/scan/wire/index.js';
import { RFC8448 } from './rfc8448.js';

const AES128 = tls13Suite(0x1301)!;

/** The RFC's raw X25519 private key as a KeyObject (PKCS #8 header of RFC 8410 §7, then the 32 bytes). */
const x25519Private = (raw: Uint8Array) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]),
    format: 'der',
    type: 'pkcs8',
  });

describe('TLS 1.3 key schedule (RFC 8446 §7.1, checked against RFC 8448 §3)', () => {
  it('reads the ServerHello key share', () => {
    const hello = parseServerHello(RFC8448.serverHello.subarray(4));
    expect(hello.version).toBe(0x0304);
    expect(hello.cipherSuite).toBe(0x1301);
    expect(hello.keyShare?.group).toBe(NAMED_GROUP.x25519);
    expect(hello.keyShare?.keyExchange).toEqual(RFC8448.serverPublicX25519);
  });

  it('computes the X25519 shared secret from our key share', () => {
    const secret = keyShareSecret(
      NAMED_GROUP.x25519,
      x25519Private(RFC8448.clientPrivateX25519),
      RFC8448.serverPublicX25519,
    );
    expect(secret).toEqual(RFC8448.sharedSecret);
  });

  it('derives early, handshake and traffic secrets', () => {
    const zeros = new Uint8Array(32);
    expect(hkdfExtract('sha256', zeros, zeros)).toEqual(RFC8448.earlySecret);
    expect(hkdfExtract('sha256', new Uint8Array(0), zeros)).toEqual(RFC8448.earlySecret);
    expect(deriveSecret('sha256', RFC8448.earlySecret, 'derived', tls13TranscriptHash('sha256', []))).toEqual(
      RFC8448.derivedForHandshake,
    );
    const secrets = tls13HandshakeSecrets('sha256', RFC8448.sharedSecret, RFC8448.helloHash);
    expect(secrets.earlySecret).toEqual(RFC8448.earlySecret);
    expect(secrets.handshakeSecret).toEqual(RFC8448.handshakeSecret);
    expect(secrets.clientHandshakeTrafficSecret).toEqual(RFC8448.clientHandshakeTrafficSecret);
    expect(secrets.serverHandshakeTrafficSecret).toEqual(RFC8448.serverHandshakeTrafficSecret);
  });

  it('derives the handshake traffic keys and IVs (RFC 8446 §7.3)', () => {
    const server = tls13TrafficKeys(AES128, RFC8448.serverHandshakeTrafficSecret);
    expect(server.key).toEqual(RFC8448.serverHandshakeKey);
    expect(server.iv).toEqual(RFC8448.serverHandshakeIv);
    const client = tls13TrafficKeys(AES128, RFC8448.clientHandshakeTrafficSecret);
    expect(client.key).toEqual(RFC8448.clientHandshakeKey);
    expect(client.iv).toEqual(RFC8448.clientHandshakeIv);
  });

  it('gives SHA-384 lengths for TLS_AES_256_GCM_SHA384', () => {
    const suite = tls13Suite(0x1302)!;
    const secrets = tls13HandshakeSecrets('sha384', RFC8448.sharedSecret, new Uint8Array(48));
    expect(secrets.serverHandshakeTrafficSecret).toHaveLength(48);
    const keys = tls13TrafficKeys(suite, secrets.serverHandshakeTrafficSecret);
    expect(keys.key).toHaveLength(32);
    expect(keys.iv).toHaveLength(12);
  });
});

describe('TLS 1.3 record protection (RFC 8446 §5.2)', () => {
  const keys = tls13TrafficKeys(AES128, RFC8448.serverHandshakeTrafficSecret);
  const fragment = RFC8448.serverHandshakeRecord.subarray(5);

  it("opens the RFC 8448 server flight and reads EncryptedExtensions and the server's Certificate", () => {
    const opened = openTls13Record(keys, 0n, fragment);
    expect(opened?.type).toBe(CONTENT_TYPE.handshake);
    const messages = new HandshakeReassembler().push(opened!.content);
    expect(messages.map((m) => m.type)).toEqual([
      HANDSHAKE_TYPE.encrypted_extensions,
      HANDSHAKE_TYPE.certificate,
      HANDSHAKE_TYPE.certificate_verify,
      HANDSHAKE_TYPE.finished,
    ]);
    expect(opened!.content.subarray(0, RFC8448.encryptedExtensions.length)).toEqual(
      RFC8448.encryptedExtensions,
    );
    expect(parseEncryptedExtensions(messages[0]!.body).map((e) => e.type)).toEqual([10, 28, 0]);
    const certificate = parseTls13Certificate(messages[1]!.body);
    expect(certificate.requestContext).toHaveLength(0);
    expect(certificate.entries).toHaveLength(1);
    expect(new X509Certificate(certificate.entries[0]!.certData).subject).toBe('CN=rsa');
    // Sealing the plaintext again gives the RFC's bytes.
    expect(sealTls13Record(keys, 0n, CONTENT_TYPE.handshake, opened!.content)).toEqual(
      RFC8448.serverHandshakeRecord,
    );
  });

  it('refuses the record at another sequence number or under another key', () => {
    expect(openTls13Record(keys, 1n, fragment)).toBeNull();
    const client = tls13TrafficKeys(AES128, RFC8448.clientHandshakeTrafficSecret);
    expect(openTls13Record(client, 0n, fragment)).toBeNull();
    expect(openTls13Record(keys, 0n, fragment.subarray(0, 10))).toBeNull();
  });

  it.each([0x1301, 0x1302, 0x1303])('round-trips suite 0x%s with padding at a late sequence number', (id) => {
    const suite = tls13Suite(id)!;
    const k: Tls13TrafficKeys = tls13TrafficKeys(
      suite,
      new Uint8Array(suite.hash === 'sha256' ? 32 : 48).fill(9),
    );
    const record = sealTls13Record(k, 258n, CONTENT_TYPE.alert, Uint8Array.of(2, 40), 7);
    expect(openTls13Record(k, 258n, record.subarray(5))).toEqual({
      type: CONTENT_TYPE.alert,
      content: Uint8Array.of(2, 40),
    });
  });
});

describe('TLS 1.3 Certificate message (RFC 8446 §4.4.2)', () => {
  it('keeps the entries in the order sent', () => {
    const entries = [Uint8Array.of(1, 2, 3), Uint8Array.of(9), Uint8Array.of(4, 5)].map((certData) => ({
      certData,
      extensions: [],
    }));
    const body = encodeTls13Certificate({ requestContext: new Uint8Array(0), entries });
    expect(parseTls13Certificate(body).entries.map((e) => [...e.certData])).toEqual([[1, 2, 3], [9], [4, 5]]);
  });

  it('rejects an empty cert_data and trailing bytes', () => {
    expect(() => parseTls13Certificate(Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 0, 0))).toThrow(WireFormatError);
    const body = encodeTls13Certificate({
      requestContext: new Uint8Array(0),
      entries: [{ certData: Uint8Array.of(1), extensions: [] }],
    });
    expect(() => parseTls13Certificate(Uint8Array.from([...body, 0]))).toThrow(WireFormatError);
  });
});

describe('keyShareSecret', () => {
  it('agrees with the peer on P-256 and X25519', () => {
    for (const group of [NAMED_GROUP.secp256r1, NAMED_GROUP.x25519, NAMED_GROUP.secp384r1]) {
      const a = generateKeyShare(group);
      const b = generateKeyShare(group);
      expect(keyShareSecret(group, a.privateKey, b.keyExchange)).toEqual(
        keyShareSecret(group, b.privateKey, a.keyExchange),
      );
    }
  });

  it('rejects a point that is not on the curve and groups it cannot compute', () => {
    const a = generateKeyShare(NAMED_GROUP.secp256r1);
    const bad = Uint8Array.from(a.keyExchange);
    bad[40] = (bad[40] as number) ^ 1;
    expect(() => keyShareSecret(NAMED_GROUP.secp256r1, a.privateKey, bad)).toThrow(SessionError);
    expect(() => keyShareSecret(NAMED_GROUP.secp256r1, a.privateKey, bad.subarray(1))).toThrow(SessionError);
    expect(() => keyShareSecret(0x0100, a.privateKey, a.keyExchange)).toThrow(
      expect.objectContaining({ code: 'SESSION_UNSUPPORTED' }),
    );
  });
});
