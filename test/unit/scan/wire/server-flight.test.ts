import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  RecordReader,
  buildAlertRecord,
  buildCertificate,
  buildChangeCipherSpecRecord,
  buildEcdheServerKeyExchange,
  buildHelloRetryRequest,
  buildServerHello,
  buildSsl2Error,
  concatBytes,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  encodeSsl2Record,
  keyShareServerExtension,
  parseServerFlight,
  supportedVersionsServerExtension,
  type WireRecord,
} from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

const records = (...wire: Uint8Array[]): WireRecord[] => new RecordReader().push(concatBytes(wire));
const hs = (...messages: Uint8Array[]) => encodeRecord(CONTENT_TYPE.handshake, 0x0303, concatBytes(messages));

const leaf = filled(300, 0x30);
const intermediate = filled(200, 0x31);
const serverHello12 = buildServerHello({ version: 0x0303, cipherSuite: 0xc02f, extensions: [] });
const certificate = buildCertificate({ certs: [leaf, intermediate] });
const ske = buildEcdheServerKeyExchange({
  namedCurve: 0x001d,
  point: filled(32, 9),
  signed: { algorithm: 0x0804, signature: filled(256, 1) },
});
const done = encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0));

describe('parseServerFlight, SSL 3.0 to TLS 1.2', () => {
  it('reads ServerHello, Certificate, ServerKeyExchange and ServerHelloDone coalesced in one record', () => {
    const flight = parseServerFlight(records(hs(serverHello12, certificate, ske, done)), {
      keyExchange: 'ecdhe',
    });
    if (flight.kind !== 'tls') throw new Error(`expected a TLS flight, got ${flight.kind}`);
    expect(flight.complete).toBe(true);
    expect(flight.serverHello.cipherSuite).toBe(0xc02f);
    expect(flight.certificates).toEqual([leaf, intermediate]);
    expect(flight.serverKeyExchange?.params).toMatchObject({
      kind: 'ecdhe',
      namedCurve: 0x001d,
      signed: { algorithm: 0x0804 },
    });
    expect(flight.serverHelloDone).toBe(true);
    expect(flight.messages.map((m) => m.type)).toEqual([2, 11, 12, 14]);
  });

  it('is incomplete until ServerHelloDone arrives, across small records', () => {
    const wire = encodeRecord(
      CONTENT_TYPE.handshake,
      0x0303,
      concatBytes([serverHello12, certificate, ske, done]),
      { maxFragment: 50 },
    );
    const all = records(wire);
    expect(all.length).toBeGreaterThan(10);
    const partial = parseServerFlight(all.slice(0, all.length - 2));
    expect(partial.kind).toBe('tls');
    expect(partial.complete).toBe(false);
    const whole = parseServerFlight(all, {
      keyExchange: (suite) => (suite === 0xc02f ? 'ecdhe' : undefined),
    });
    expect(whole.complete).toBe(true);
    expect(whole.kind === 'tls' && whole.serverKeyExchange?.params?.kind).toBe('ecdhe');
  });

  it('keeps the ServerKeyExchange raw when the kind is not known', () => {
    const flight = parseServerFlight(records(hs(serverHello12, certificate, ske, done)));
    expect(flight.kind === 'tls' && flight.serverKeyExchange).toEqual({
      body: ske.subarray(4),
      params: null,
    });
  });

  it('treats ServerHello + ChangeCipherSpec as a complete abbreviated handshake and ignores encrypted records', () => {
    const flight = parseServerFlight(
      records(
        hs(serverHello12),
        buildChangeCipherSpecRecord(),
        encodeRecord(CONTENT_TYPE.handshake, 0x0303, filled(40, 0xee)),
      ),
    );
    expect(flight).toMatchObject({ kind: 'tls', changeCipherSpec: true, complete: true, certificates: null });
  });

  it('collects warning alerts and stops at a fatal one', () => {
    const flight = parseServerFlight(
      records(
        encodeRecord(CONTENT_TYPE.alert, 0x0303, encodeAlert(1, 'unrecognized_name')),
        hs(serverHello12),
        buildAlertRecord('internal_error'),
      ),
    );
    expect(flight.alerts.map((a) => a.name)).toEqual(['unrecognized_name', 'internal_error']);
    expect(flight.fatalAlert?.name).toBe('internal_error');
    expect(flight.complete).toBe(true);
  });
});

describe('parseServerFlight, refusals and other protocols', () => {
  it('reports a handshake_failure alert with no ServerHello', () => {
    const flight = parseServerFlight(records(buildAlertRecord('handshake_failure')));
    expect(flight).toMatchObject({
      kind: 'none',
      complete: true,
      fatalAlert: { name: 'handshake_failure', level: 2 },
    });
    expect(parseServerFlight([])).toMatchObject({ kind: 'none', complete: false, alerts: [] });
  });

  it('reads an SSLv2 answer', () => {
    const flight = parseServerFlight(records(encodeSsl2Record(buildSsl2Error(1))));
    expect(flight).toMatchObject({
      kind: 'ssl2',
      complete: true,
      message: { kind: 'error', error: { name: 'NO-CIPHER-ERROR' } },
    });
  });

  it('refuses messages out of place', () => {
    expectWireError(() => parseServerFlight(records(hs(certificate))), /type 11 before ServerHello/);
    expectWireError(() => parseServerFlight(records(hs(serverHello12, serverHello12))), /second ServerHello/);
    expectWireError(
      () => parseServerFlight(records(hs(serverHello12), encodeSsl2Record(hex('0000')))),
      /SSLv2 record after TLS/,
    );
  });

  it('ignores a HelloRequest before the ServerHello', () => {
    const flight = parseServerFlight(records(hs(hex('00000000'), serverHello12)));
    expect(flight.kind).toBe('tls');
  });
});

describe('parseServerFlight, TLS 1.3', () => {
  it('reads only the ServerHello; what follows is encrypted', () => {
    const sh = buildServerHello({
      version: 0x0303,
      cipherSuite: 0x1301,
      extensions: [
        supportedVersionsServerExtension(0x0304),
        keyShareServerExtension({ group: 0x001d, keyExchange: filled(32, 4) }),
      ],
    });
    const flight = parseServerFlight(
      records(
        hs(sh),
        buildChangeCipherSpecRecord(),
        encodeRecord(CONTENT_TYPE.application_data, 0x0303, filled(100, 0x77)),
      ),
    );
    if (flight.kind !== 'tls13') throw new Error(`expected a TLS 1.3 flight, got ${flight.kind}`);
    expect(flight.complete).toBe(true);
    expect(flight.serverHello.version).toBe(0x0304);
    expect(flight.serverHello.keyShare?.group).toBe(0x001d);
    expect('certificates' in flight).toBe(false);
  });

  it('reports a HelloRetryRequest as complete: the server waits for a new ClientHello', () => {
    const flight = parseServerFlight(
      records(hs(buildHelloRetryRequest({ cipherSuite: 0x1301, selectedGroup: 0x0017 }))),
    );
    expect(flight).toMatchObject({
      kind: 'tls13',
      complete: true,
      serverHello: { helloRetryRequest: true, keyShare: { group: 0x0017 } },
    });
  });
});
