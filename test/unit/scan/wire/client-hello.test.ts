import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EXTENSION_TYPE,
  HandshakeReassembler,
  NAMED_GROUP,
  RecordReader,
  SIGNATURE_SCHEME,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  alpnExtension,
  buildClientHello,
  buildClientHelloRecord,
  ecPointFormatsExtension,
  encodeClientHello,
  encryptThenMacExtension,
  extendedMasterSecretExtension,
  generateKeyShare,
  heartbeatExtension,
  keyShareExtension,
  paddingExtension,
  parseClientHello,
  pskKeyExchangeModesExtension,
  rawExtension,
  renegotiationInfoExtension,
  serverNameExtension,
  sessionTicketExtension,
  signatureAlgorithmsCertExtension,
  signatureAlgorithmsExtension,
  signedCertificateTimestampExtension,
  statusRequestExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  toHex,
  type ClientHelloSpec,
  type Extension,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

const extHex = (e: Extension): string => `${e.type.toString(16).padStart(4, '0')}:${toHex(e.data)}`;

describe('extension builders produce the RFC encodings', () => {
  it.each([
    // RFC 6066 §3: ServerNameList<u16> of {name_type 0, HostName<u16>}
    [serverNameExtension('example.com'), '0000:000e00000b' + toHex(new TextEncoder().encode('example.com'))],
    [supportedGroupsExtension([NAMED_GROUP.x25519, NAMED_GROUP.secp256r1]), '000a:0004001d0017'],
    [ecPointFormatsExtension(), '000b:0100'],
    [signatureAlgorithmsExtension([SIGNATURE_SCHEME.ecdsa_secp256r1_sha256, 0x0804]), '000d:000404030804'],
    [signatureAlgorithmsCertExtension([0x0401]), '0032:00020401'],
    // RFC 8446 §4.2.1: versions<2..254> with a one-byte length
    [supportedVersionsExtension([0x0304, 0x0303]), '002b:0403040303'],
    [keyShareExtension([{ group: 0x001d, keyExchange: hex('aabb') }]), '0033:0006001d0002aabb'],
    [pskKeyExchangeModesExtension(), '002d:0101'],
    // RFC 5746 §3.2: renegotiated_connection<0..255>, empty on an initial handshake
    [renegotiationInfoExtension(), 'ff01:00'],
    [heartbeatExtension(1), '000f:01'],
    [sessionTicketExtension(), '0023:'],
    [sessionTicketExtension(hex('0102')), '0023:0102'],
    // RFC 6066 §8: status_type ocsp(1), responder_id_list<u16> empty, request_extensions<u16> empty
    [statusRequestExtension(), '0005:0100000000'],
    [signedCertificateTimestampExtension(), '0012:'],
    // RFC 7301 §3.1: ProtocolNameList<u16> of ProtocolName<u8>
    [alpnExtension(['h2', 'http/1.1']), '0010:000c02683208' + toHex(new TextEncoder().encode('http/1.1'))],
    [extendedMasterSecretExtension(), '0017:'],
    [encryptThenMacExtension(), '0016:'],
    [paddingExtension(3), '0015:000000'],
    [rawExtension(0xfafa, hex('00')), 'fafa:00'],
  ])('vector %#', (ext, expected) => {
    expect(extHex(ext)).toBe(expected);
  });

  it('refuses arguments that cannot be encoded', () => {
    expect(() => serverNameExtension('')).toThrow(TypeError);
    expect(() => serverNameExtension('bad name')).toThrow(TypeError);
    expect(() => rawExtension(0x10000)).toThrow(RangeError);
    expect(() => supportedVersionsExtension(new Array(128).fill(0x0303))).toThrow(RangeError);
  });
});

describe('buildClientHello', () => {
  const random = filled(32, 0x11);

  it('encodes an SSL 3.0 style hello without an extensions block, byte for byte', () => {
    const spec: ClientHelloSpec = { version: 0x0300, random, cipherSuites: [0x000a, 0x002f] };
    const body = '0300' + '11'.repeat(32) + '00' + '0004000a002f' + '0100';
    expect(toHex(encodeClientHello(spec))).toBe(body);
    expect(toHex(buildClientHello(spec))).toBe('0100002b' + body);
    expect(toHex(buildClientHelloRecord(spec, 0x0300))).toBe('160300002f' + '0100002b' + body);
  });

  it('writes an empty extensions block when given an empty list', () => {
    const body = encodeClientHello({ version: 0x0303, random, cipherSuites: [0x002f], extensions: [] });
    expect(toHex(body.subarray(-2))).toBe('0000');
    expect(parseClientHello(body).extensions).toEqual([]);
  });

  it('refuses a random that is not 32 bytes', () => {
    expect(() => encodeClientHello({ version: 0x0303, random: filled(31, 0), cipherSuites: [] })).toThrow(
      TypeError,
    );
  });

  it('round-trips every extension helper through parseClientHello', () => {
    const share = generateKeyShare(NAMED_GROUP.x25519);
    const spec: ClientHelloSpec = {
      version: 0x0303,
      random,
      sessionId: filled(32, 0x22),
      cipherSuites: [0x1301, 0xc02f, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV],
      compressionMethods: [1, 0],
      extensions: [
        serverNameExtension('scan.example'),
        supportedGroupsExtension([0x001d, 0x0017]),
        ecPointFormatsExtension([0, 1]),
        signatureAlgorithmsExtension([0x0403, 0x0804]),
        signatureAlgorithmsCertExtension([0x0401]),
        supportedVersionsExtension([0x0304, 0x0303]),
        keyShareExtension([share]),
        pskKeyExchangeModesExtension([1]),
        alpnExtension(['h2']),
        renegotiationInfoExtension(),
        heartbeatExtension(2),
        sessionTicketExtension(),
        statusRequestExtension(),
        signedCertificateTimestampExtension(),
        extendedMasterSecretExtension(),
        encryptThenMacExtension(),
        rawExtension(0x7777, hex('abcd')),
      ],
    };
    const hello = parseClientHello(encodeClientHello(spec));
    expect(hello).toMatchObject({
      version: 0x0303,
      random,
      sessionId: filled(32, 0x22),
      cipherSuites: [0x1301, 0xc02f, 0x00ff, 0x5600],
      compressionMethods: [1, 0],
      serverNames: ['scan.example'],
      supportedGroups: [0x001d, 0x0017],
      ecPointFormats: [0, 1],
      signatureAlgorithms: [0x0403, 0x0804],
      signatureAlgorithmsCert: [0x0401],
      supportedVersions: [0x0304, 0x0303],
      keyShares: [{ group: 0x001d, keyExchange: share.keyExchange }],
      pskKeyExchangeModes: [1],
      alpn: ['h2'],
      renegotiationInfo: new Uint8Array(0),
      heartbeatMode: 2,
      sessionTicket: new Uint8Array(0),
      statusRequest: true,
      signedCertificateTimestamp: true,
      extendedMasterSecret: true,
      encryptThenMac: true,
      renegotiationScsv: true,
      fallbackScsv: true,
    });
    expect(hello.extensions?.map((e) => e.type)).toEqual(spec.extensions?.map((e) => e.type));
    expect(hello.extensions?.at(-1)).toEqual({ type: 0x7777, data: hex('abcd') });
  });

  it('reads the hello back from records, as a test server does', () => {
    const spec: ClientHelloSpec = { version: 0x0303, random, cipherSuites: [0xc02b], extensions: [] };
    const records = new RecordReader().push(buildClientHelloRecord(spec, 0x0301, { maxFragment: 16 }));
    expect(records.length).toBeGreaterThan(2);
    const hs = new HandshakeReassembler();
    const [msg] = records.flatMap((r) => (r.kind === 'tls' ? hs.push(r.fragment) : []));
    expect(msg?.type).toBe(1);
    expect(parseClientHello(msg!.body).cipherSuites).toEqual([0xc02b]);
  });
});

describe('padding against the 256–511 byte hang (RFC 7685)', () => {
  const base = (n: number, extra: Extension[] = []): ClientHelloSpec => ({
    version: 0x0303,
    cipherSuites: new Array(n).fill(0x002f),
    extensions: [extendedMasterSecretExtension(), ...extra],
    padToAvoid256To511: true,
  });

  it('pads a 256–511 byte hello to exactly 512 bytes', () => {
    for (const n of [104, 150, 200, 229]) {
      const msg = buildClientHello(base(n));
      const unpadded = buildClientHello({ ...base(n), padToAvoid256To511: false });
      expect(unpadded.length).toBeGreaterThanOrEqual(256);
      expect(unpadded.length).toBeLessThan(512);
      expect(msg.length).toBe(512);
      const exts = parseClientHello(msg.subarray(4)).extensions!;
      expect(exts.at(-1)?.type).toBe(EXTENSION_TYPE.padding);
      expect(exts.at(-1)?.data.every((b) => b === 0)).toBe(true);
    }
  });

  it('goes just past 512 when even an empty padding extension overshoots', () => {
    for (const n of [230, 231]) {
      const msg = buildClientHello(base(n));
      expect(msg.length).toBeGreaterThanOrEqual(512);
      expect(msg.length).toBeLessThanOrEqual(515);
      expect(parseClientHello(msg.subarray(4)).extensions?.at(-1)).toEqual({
        type: 21,
        data: new Uint8Array(0),
      });
    }
  });

  it('adds the extensions block too when the hello had none', () => {
    const msg = buildClientHello({
      version: 0x0303,
      cipherSuites: new Array(150).fill(0x002f),
      padToAvoid256To511: true,
    });
    expect(msg.length).toBe(512);
    expect(parseClientHello(msg.subarray(4)).extensions?.map((e) => e.type)).toEqual([
      EXTENSION_TYPE.padding,
    ]);
  });

  it('leaves shorter and longer hellos alone', () => {
    expect(buildClientHello(base(50)).length).toBeLessThan(256);
    expect(buildClientHello(base(300)).length).toBeGreaterThan(512);
    expect(parseClientHello(buildClientHello(base(50)).subarray(4)).extensions).toHaveLength(1);
  });

  it('keeps pre_shared_key last (RFC 8446 §4.2.11)', () => {
    const msg = buildClientHello(base(150, [rawExtension(EXTENSION_TYPE.pre_shared_key, hex('00'))]));
    const types = parseClientHello(msg.subarray(4)).extensions!.map((e) => e.type);
    expect(types.slice(-2)).toEqual([EXTENSION_TYPE.padding, EXTENSION_TYPE.pre_shared_key]);
  });
});

describe('parseClientHello on bad input', () => {
  const good = encodeClientHello({
    version: 0x0303,
    random: filled(32, 1),
    cipherSuites: [0xc02f],
    extensions: [supportedGroupsExtension([0x1d]), serverNameExtension('a.example')],
  });
  const noExtLength = 2 + 32 + 1 + 4 + 2;

  it('throws only WireFormatError for every truncation (an SSL 3.0 hello is a valid prefix)', () => {
    for (let n = 0; n < good.length; n++) {
      if (n === noExtLength) {
        expect(parseClientHello(good.subarray(0, n)).extensions).toBeNull();
      } else {
        expectWireError(() => parseClientHello(good.subarray(0, n)));
      }
    }
  });

  it('refuses an extension whose length runs past the extensions block', () => {
    const body = hex('0303' + '00'.repeat(32) + '00' + '0002c02f' + '0100' + '0006' + '000a 0004 001d');
    expectWireError(() => parseClientHello(body), /extension 10 data length 4 exceeds the 2 bytes left/);
  });

  it('refuses an extensions block longer than the message', () => {
    const body = hex('0303' + '00'.repeat(32) + '00' + '0002c02f' + '0100' + '0010' + '0017 0000');
    expectWireError(() => parseClientHello(body), /extensions length 16 exceeds/);
  });

  it('refuses a session id over 32 bytes, an odd suite list, no compression methods', () => {
    const at = (sid: string, suites: string, comp: string) =>
      hex('0303' + '00'.repeat(32) + sid + suites + comp);
    expectWireError(
      () => parseClientHello(at('21' + '00'.repeat(33), '0002c02f', '0100')),
      /session_id longer/,
    );
    expectWireError(() => parseClientHello(at('00', '0003c02f00', '0100')), /even/);
    expectWireError(() => parseClientHello(at('00', '0002c02f', '00')), /compression_methods shorter/);
  });

  it('refuses malformed contents of a known extension', () => {
    const withExt = (e: Extension) =>
      encodeClientHello({ version: 0x0303, random: filled(32, 0), cipherSuites: [1], extensions: [e] });
    expectWireError(() => parseClientHello(withExt(rawExtension(10, hex('0003 001d00')))), /odd length/);
    expectWireError(() => parseClientHello(withExt(rawExtension(10, hex('0002 001d 00')))), /trailing/);
    expectWireError(() => parseClientHello(withExt(rawExtension(43, hex('05 0304')))), /length 5 exceeds/);
    expectWireError(
      () => parseClientHello(withExt(rawExtension(16, hex('0000')))),
      /protocol_name_list is empty/,
    );
    expectWireError(() => parseClientHello(withExt(rawExtension(23, hex('00')))), /extended_master_secret/);
  });
});

describe('generateKeyShare', () => {
  it('makes real X25519 and X448 public keys that agree with a peer', () => {
    for (const [group, crv, size] of [
      [NAMED_GROUP.x25519, 'X25519', 32],
      [NAMED_GROUP.x448, 'X448', 56],
    ] as const) {
      const share = generateKeyShare(group);
      expect(share.keyExchange.length).toBe(size);
      const ours = createPublicKey({
        key: { kty: 'OKP', crv, x: Buffer.from(share.keyExchange).toString('base64url') },
        format: 'jwk',
      });
      const peer = crv === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
      const a = diffieHellman({ privateKey: peer.privateKey, publicKey: ours });
      const b = diffieHellman({ privateKey: share.privateKey, publicKey: peer.publicKey });
      expect(a).toEqual(b);
    }
  });

  it('makes uncompressed NIST points that are on the curve', () => {
    for (const [group, curve, size] of [
      [NAMED_GROUP.secp256r1, 'prime256v1', 65],
      [NAMED_GROUP.secp384r1, 'secp384r1', 97],
      [NAMED_GROUP.secp521r1, 'secp521r1', 133],
    ] as const) {
      const share = generateKeyShare(group);
      expect(share.keyExchange.length).toBe(size);
      expect(share.keyExchange[0]).toBe(4);
      const peer = createECDH(curve);
      peer.generateKeys();
      // computeSecret throws for a point not on the curve.
      expect(peer.computeSecret(share.keyExchange).length).toBe((size - 1) / 2);
    }
  });

  it('refuses groups it cannot generate', () => {
    expect(() => generateKeyShare(NAMED_GROUP.ffdhe2048)).toThrow(RangeError);
  });
});
