import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  HELLO_RETRY_REQUEST_RANDOM,
  alpnExtension,
  buildHelloRetryRequest,
  buildServerHello,
  ecPointFormatsExtension,
  encodeServerHello,
  encryptThenMacExtension,
  extendedMasterSecretExtension,
  heartbeatExtension,
  keyShareServerExtension,
  parseServerHello,
  rawExtension,
  renegotiationInfoExtension,
  sctListExtension,
  sessionTicketExtension,
  supportedVersionsServerExtension,
  toHex,
  type Extension,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

const HRR_HEX = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

describe('HelloRetryRequest detection (RFC 8446 §4.1.3)', () => {
  it('uses SHA-256("HelloRetryRequest") as the special random', () => {
    const digest = createHash('sha256').update('HelloRetryRequest').digest('hex');
    expect(digest).toBe(HRR_HEX);
    expect(toHex(Uint8Array.from(HELLO_RETRY_REQUEST_RANDOM))).toBe(HRR_HEX);
  });

  it('recognises a hand-written HelloRetryRequest and reads its selected group', () => {
    const body = hex(
      '0303' + // legacy_version
        HRR_HEX +
        '00' + // legacy_session_id_echo
        '1301' + // TLS_AES_128_GCM_SHA256
        '00' + // legacy_compression_method
        '000c' +
        '002b 0002 0304' + // supported_versions: TLS 1.3
        '0033 0002 0017', // key_share: selected_group secp256r1
    );
    const hello = parseServerHello(body);
    expect(hello.helloRetryRequest).toBe(true);
    expect(hello.version).toBe(0x0304);
    expect(hello.legacyVersion).toBe(0x0303);
    expect(hello.cipherSuite).toBe(0x1301);
    expect(hello.keyShare).toEqual({ group: 0x0017 });
  });

  it('does not mistake an ordinary random for it', () => {
    const random = hex(HRR_HEX);
    random[31] ^= 1;
    const hello = parseServerHello(
      encodeServerHello({ version: 0x0303, random, cipherSuite: 0x1301, extensions: [] }),
    );
    expect(hello.helloRetryRequest).toBe(false);
  });

  it('builds a HelloRetryRequest with a cookie that parses back', () => {
    const msg = buildHelloRetryRequest({
      cipherSuite: 0x1302,
      selectedGroup: 0x001d,
      cookie: hex('c0ffee'),
      sessionId: filled(32, 9),
    });
    expect(msg[0]).toBe(2);
    const hello = parseServerHello(msg.subarray(4));
    expect(hello).toMatchObject({
      helloRetryRequest: true,
      version: 0x0304,
      cipherSuite: 0x1302,
      keyShare: { group: 0x001d },
      cookie: hex('c0ffee'),
      sessionId: filled(32, 9),
    });
  });
});

describe('parseServerHello', () => {
  it('reads a TLS 1.3 ServerHello: version from supported_versions, key_share group and key', () => {
    const key = filled(32, 0x42);
    const hello = parseServerHello(
      encodeServerHello({
        version: 0x0303,
        random: filled(32, 5),
        sessionId: filled(32, 6),
        cipherSuite: 0x1301,
        extensions: [
          supportedVersionsServerExtension(0x0304),
          keyShareServerExtension({ group: 0x001d, keyExchange: key }),
        ],
      }),
    );
    expect(hello).toMatchObject({
      legacyVersion: 0x0303,
      version: 0x0304,
      supportedVersion: 0x0304,
      keyShare: { group: 0x001d, keyExchange: key },
      helloRetryRequest: false,
      downgradeSentinel: null,
    });
  });

  it('round-trips the TLS 1.2 extensions a scanner looks at', () => {
    const sct = hex('00 aabbcc');
    const hello = parseServerHello(
      buildServerHello({
        version: 0x0303,
        random: filled(32, 1),
        sessionId: filled(16, 2),
        cipherSuite: 0xc02f,
        compressionMethod: 0,
        extensions: [
          renegotiationInfoExtension(),
          extendedMasterSecretExtension(),
          encryptThenMacExtension(),
          ecPointFormatsExtension([0]),
          alpnExtension(['http/1.1']),
          sctListExtension([sct]),
          heartbeatExtension(1),
          sessionTicketExtension(),
          rawExtension(5),
        ],
      }).subarray(4),
    );
    expect(hello).toMatchObject({
      version: 0x0303,
      random: filled(32, 1),
      sessionId: filled(16, 2),
      cipherSuite: 0xc02f,
      compressionMethod: 0,
      renegotiationInfo: new Uint8Array(0),
      extendedMasterSecret: true,
      encryptThenMac: true,
      ecPointFormats: [0],
      alpn: 'http/1.1',
      scts: [sct],
      heartbeatMode: 1,
      sessionTicket: true,
      statusRequest: true,
    });
    expect(hello.supportedVersion).toBeUndefined();
    expect(hello.keyShare).toBeUndefined();
  });

  it('reports absent extensions as absent, and a missing block as null (SSL 3.0)', () => {
    const body = hex('0300' + '77'.repeat(32) + '00' + '000a' + '00');
    const hello = parseServerHello(body);
    expect(hello.extensions).toBeNull();
    expect(hello.version).toBe(0x0300);
    expect(hello.renegotiationInfo).toBeUndefined();
    expect(hello.extendedMasterSecret).toBe(false);
    expect(hello.sessionTicket).toBe(false);
  });

  it('reads a non-empty renegotiation_info as sent', () => {
    const hello = parseServerHello(
      encodeServerHello({
        version: 0x0303,
        cipherSuite: 1,
        extensions: [renegotiationInfoExtension(filled(24, 3))],
      }),
    );
    expect(hello.renegotiationInfo).toEqual(filled(24, 3));
  });

  it('reports the downgrade sentinels only when the negotiated version is below TLS 1.3', () => {
    const random = (tail: readonly number[]) => Uint8Array.from([...new Array(24).fill(0xab), ...tail]);
    const parse = (version: number, tail: readonly number[], exts?: Extension[]) =>
      parseServerHello(
        encodeServerHello({ version, random: random(tail), cipherSuite: 0x002f, extensions: exts }),
      ).downgradeSentinel;
    expect(toHex(Uint8Array.from(DOWNGRADE_TLS12))).toBe(toHex(new TextEncoder().encode('DOWNGRD\x01')));
    expect(parse(0x0303, DOWNGRADE_TLS12)).toBe('tls12');
    expect(parse(0x0302, DOWNGRADE_TLS11)).toBe('tls11-or-older');
    expect(parse(0x0303, [0, 0, 0, 0, 0, 0, 0, 1])).toBeNull();
    expect(parse(0x0303, DOWNGRADE_TLS12, [supportedVersionsServerExtension(0x0304)])).toBeNull();
  });
});

describe('parseServerHello on bad input', () => {
  const good = encodeServerHello({
    version: 0x0303,
    random: filled(32, 1),
    cipherSuite: 0xc02f,
    extensions: [renegotiationInfoExtension(), extendedMasterSecretExtension()],
  });
  const noExtLength = 2 + 32 + 1 + 2 + 1;

  it('throws only WireFormatError for every truncation', () => {
    for (let n = 0; n < good.length; n++) {
      if (n === noExtLength) expect(parseServerHello(good.subarray(0, n)).extensions).toBeNull();
      else expectWireError(() => parseServerHello(good.subarray(0, n)));
    }
  });

  const withBlock = (block: string) => hex('0303' + '00'.repeat(32) + '00' + 'c02f' + '00' + block);

  it('refuses extension lengths that lie', () => {
    expectWireError(
      () => parseServerHello(withBlock('0005 ff01 0002 00')),
      /extension 65281 data length 2 exceeds the 1 bytes left/,
    );
    expectWireError(() => parseServerHello(withBlock('0008 0017 0000')), /extensions length 8 exceeds/);
    expectWireError(() => parseServerHello(withBlock('0004 0017 0000 00')), /1 unexpected trailing bytes/);
    // A single stray byte where the extensions block length should be.
    expectWireError(() => parseServerHello(withBlock('00')), /extensions truncated/);
  });

  it('refuses malformed known extensions', () => {
    expectWireError(
      () => parseServerHello(withBlock('0008 002b 0004 0304 0303')),
      /supported_versions: 2 unexpected trailing/,
    );
    expectWireError(
      () => parseServerHello(withBlock('0005 ff01 0001 05')),
      /renegotiated_connection length 5/,
    );
    expectWireError(() => parseServerHello(withBlock('0008 0017 0000 0017 0000')), /duplicate extension 23/);
    expectWireError(() => parseServerHello(withBlock('0005 0017 0001 00')), /extended_master_secret/);
    const twoAlpn = alpnExtension(['h2', 'h3']);
    expectWireError(
      () => parseServerHello(encodeServerHello({ version: 0x0303, cipherSuite: 1, extensions: [twoAlpn] })),
      /exactly one protocol/,
    );
    expectWireError(() => parseServerHello(withBlock('0006 0033 0002 001d')), /key_exchange truncated/);
  });

  it('refuses a session id over 32 bytes', () => {
    const body = hex('0303' + '00'.repeat(32) + '21' + '00'.repeat(33) + 'c02f00');
    expectWireError(() => parseServerHello(body), /session_id longer than 32/);
  });
});
