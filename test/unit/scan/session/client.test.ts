import { getDiffieHellman } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ProbeConnection } from '../../../../src/core/scan/connection.js';
import { insecureRenegotiationProbe } from '../../../../src/core/scan/probes/insecure-renegotiation.js';
import {
  RecordProtection,
  SessionError,
  TlsClient,
  cipherSpec,
  deriveConnectionKeys,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  reactionKey,
  transcriptHash,
} from '../../../../src/core/scan/session/index.js';
import {
  ByteReader,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  RecordReader,
  buildAlertRecord,
  buildChangeCipherSpecRecord,
  buildDheServerKeyExchange,
  buildServerHello,
  concatBytes,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  extendedMasterSecretExtension,
  parseClientHello,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  type TlsRecord,
} from '../../../../src/core/scan/wire/index.js';

/**
 * A ProbeConnection in memory: each write goes to `server`, which answers through `reply` and may
 * `close`. No socket, no timers but the client's own.
 */
function memoryConnection(
  server: (bytes: Uint8Array, reply: (b: Uint8Array) => void, close: () => void) => void,
): ProbeConnection {
  const chunks: Uint8Array[] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const reply = (b: Uint8Array) => {
    chunks.push(b);
    notify();
  };
  const close = () => {
    closed = true;
    notify();
  };
  return {
    socket: {} as Socket,
    write: async (bytes) => {
      if (closed) throw new Error('closed');
      queueMicrotask(() => server(bytes, reply, close));
    },
    read: async () => {
      for (;;) {
        const c = chunks.shift();
        if (c !== undefined) return c;
        if (closed) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close,
  };
}

const records = (bytes: Uint8Array): TlsRecord[] =>
  new RecordReader().push(bytes).filter((r): r is TlsRecord => r.kind === 'tls');

const SUITE = 0x0034; // TLS_DH_anon_WITH_AES_128_CBC_SHA: no certificate, nothing to sign
const TLS12 = 0x0303;

interface AnonServerOptions {
  /** Corrupt our Finished. */
  readonly badFinished?: boolean;
  /** What to send back for the first application data record. */
  readonly onData?: (content: Uint8Array, write: RecordProtection) => Uint8Array | null;
}

/** A DH_anon TLS 1.2 server built from the session's pieces: the other half of the key schedule. */
function anonServer(options: AnonServerOptions = {}) {
  const dh = getDiffieHellman('modp14');
  dh.generateKeys();
  const spec = cipherSpec(SUITE)!;
  const transcript: Uint8Array[] = [];
  let clientRandom = new Uint8Array(0);
  const serverRandom = new Uint8Array(32).fill(0x5e);
  let ems = false;
  let read: RecordProtection | null = null;
  let write: RecordProtection | null = null;
  let master: Uint8Array = new Uint8Array(0);
  let step = 0;
  return (bytes: Uint8Array, reply: (b: Uint8Array) => void, close: () => void): void => {
    for (const rec of records(bytes)) {
      if (step === 0) {
        const [m] = new HandshakeReassembler().push(rec.fragment);
        const hello = parseClientHello(m!.body);
        clientRandom = Uint8Array.from(hello.random);
        ems = hello.extendedMasterSecret;
        const flight = [
          buildServerHello({
            version: TLS12,
            random: serverRandom,
            cipherSuite: SUITE,
            extensions: ems ? [extendedMasterSecretExtension()] : [],
          }),
          buildDheServerKeyExchange({ p: dh.getPrime(), g: dh.getGenerator(), ys: dh.getPublicKey() }),
          encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
        ];
        transcript.push(encodeHandshake(m!.type, m!.body), ...flight);
        reply(encodeRecord(CONTENT_TYPE.handshake, TLS12, concatBytes(flight)));
        step = 1;
      } else if (step === 1) {
        const [m] = new HandshakeReassembler().push(rec.fragment);
        transcript.push(encodeHandshake(m!.type, m!.body));
        const yc = new ByteReader(m!.body, 'cke').vector(2, 'yc');
        const pms = new Uint8Array(dh.computeSecret(yc));
        let i = 0;
        while (pms[i] === 0) i++;
        const secret = pms.subarray(i);
        master = ems
          ? extendedMasterSecret(
              TLS12,
              'sha256',
              secret,
              transcriptHash(TLS12, 'sha256', concatBytes(transcript)),
            )
          : masterSecret(TLS12, 'sha256', secret, clientRandom, serverRandom);
        const keys = deriveConnectionKeys(spec, TLS12, master, clientRandom, serverRandom);
        read = new RecordProtection(spec, TLS12, keys.client);
        write = new RecordProtection(spec, TLS12, keys.server);
        step = 2;
      } else if (step === 2) {
        step = 3; // ChangeCipherSpec
      } else if (step === 3) {
        const opened = read!.open(rec.type, rec.fragment);
        if (!opened.ok) {
          reply(buildAlertRecord('bad_record_mac'));
          return close();
        }
        const verify = finishedVerifyData(TLS12, 'sha256', master, 'client', concatBytes(transcript));
        expect(opened.content).toEqual(encodeHandshake(HANDSHAKE_TYPE.finished, verify));
        transcript.push(opened.content);
        const ours = finishedVerifyData(TLS12, 'sha256', master, 'server', concatBytes(transcript));
        if (options.badFinished) ours[0] = (ours[0] as number) ^ 1;
        reply(
          concatBytes([
            buildChangeCipherSpecRecord(TLS12),
            write!.sealRecord(CONTENT_TYPE.handshake, encodeHandshake(HANDSHAKE_TYPE.finished, ours)),
          ]),
        );
        step = 4;
      } else {
        const opened = read!.open(rec.type, rec.fragment);
        const answer = options.onData?.(opened.ok ? opened.content : new Uint8Array(0), write!);
        if (answer === undefined) {
          reply(
            write!.sealRecord(CONTENT_TYPE.application_data, opened.ok ? opened.content : new Uint8Array(0)),
          );
          close();
        } else if (answer !== null) {
          reply(answer);
          close();
        }
      }
    }
  };
}

const hello = { version: TLS12, suites: [SUITE], serverName: 'example.test' } as const;

describe('TlsClient against an in-memory DH_anon server', () => {
  it('completes the handshake (with and without the extended master secret) and exchanges data', async () => {
    for (const extendedMasterSecret of [true, false]) {
      const client = new TlsClient(memoryConnection(anonServer()));
      const n = await client.handshake({ ...hello, extendedMasterSecret });
      expect(n).toMatchObject({
        version: TLS12,
        cipherSuite: SUITE,
        keyExchange: 'dhe',
        certificates: [],
        extendedMasterSecret,
      });
      expect(n.serverKeyExchange?.kind).toBe('dhe');
      expect(client.established).toBe(true);
      await client.send(client.applicationDataRecord('ping'));
      const reaction = await client.observe(1_000);
      expect(new TextDecoder().decode(reaction.applicationData)).toBe('ping');
      expect(reaction.end).toBe('closed');
      expect(reactionKey(reaction)).toBe('data, closed');
    }
  });

  it('a server Finished that does not verify is SESSION_PROTOCOL', async () => {
    const client = new TlsClient(memoryConnection(anonServer({ badFinished: true })));
    await expect(client.handshake(hello)).rejects.toMatchObject({
      code: 'SESSION_PROTOCOL',
      message: /Finished/,
    });
  });

  it('a tampered record draws the server alert, read decrypted and marked encrypted', async () => {
    const client = new TlsClient(
      memoryConnection(
        anonServer({
          onData: (content, write) =>
            content.length === 0
              ? write.sealRecord(CONTENT_TYPE.alert, encodeAlert(2, 'bad_record_mac'))
              : null,
        }),
      ),
    );
    await client.handshake(hello);
    await client.send(client.applicationDataRecord('x', { mac: (m) => m.map((b) => b ^ 1) }));
    const r = await client.observe(1_000);
    expect(r.alerts).toMatchObject([{ name: 'bad_record_mac', levelName: 'fatal', encrypted: true }]);
    expect(r.records[0]).toMatchObject({ type: CONTENT_TYPE.alert });
    expect(r.records[0]?.visibleAlert).toBeUndefined();
  });

  it('a server that says nothing: observe ends with timeout after the wait', async () => {
    const client = new TlsClient(memoryConnection(anonServer({ onData: () => null })));
    await client.handshake(hello);
    await client.send(client.applicationDataRecord('x'));
    const r = await client.observe(50);
    expect(r).toMatchObject({ end: 'timeout', alerts: [], records: [] });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(45);
    // Nothing came: no reaction time to learn from.
    expect(r.reactedAfterMs).toBeNull();
  });

  it('step by step: a ClientKeyExchange with a secret the server does not share fails at the Finished', async () => {
    const client = new TlsClient(memoryConnection(anonServer()));
    await client.hello(hello);
    const kx = client.clientKeyExchange();
    await client.send(
      client.clientKeyExchangeRecord(kx.body, new Uint8Array(32).fill(1)),
      client.changeCipherSpecRecord(),
      client.finishedRecord(),
    );
    const r = await client.observe(1_000);
    expect(reactionKey(r)).toBe('alert bad_record_mac, closed');
    expect(r.records[0]?.visibleAlert).toBe('fatal bad_record_mac');
  });
});

describe('TlsClient: what the server refuses or gets wrong', () => {
  const flightOf = (over: Partial<Parameters<typeof buildServerHello>[0]>) =>
    encodeRecord(
      CONTENT_TYPE.handshake,
      TLS12,
      concatBytes([
        buildServerHello({ version: TLS12, cipherSuite: SUITE, ...over }),
        encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
      ]),
    );
  const refuse = (answer: Uint8Array | null) =>
    new TlsClient(
      memoryConnection((_b, reply, close) => {
        if (answer !== null) reply(answer);
        close();
      }),
    ).hello(hello);

  it('a fatal alert is SESSION_REFUSED and carries the alert', async () => {
    const err = await refuse(buildAlertRecord('handshake_failure')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect(err).toMatchObject({ code: 'SESSION_REFUSED', alert: { name: 'handshake_failure' } });
  });

  it('a close is SESSION_CLOSED', async () => {
    await expect(refuse(null)).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('a suite we did not offer is SESSION_PROTOCOL; a version above ours or compression is SESSION_UNSUPPORTED', async () => {
    await expect(refuse(flightOf({ cipherSuite: 0x002f }))).rejects.toMatchObject({
      code: 'SESSION_PROTOCOL',
    });
    await expect(refuse(flightOf({ version: 0x0304 }))).rejects.toMatchObject({
      code: 'SESSION_UNSUPPORTED',
    });
    await expect(refuse(flightOf({ compressionMethod: 1 }))).rejects.toMatchObject({
      code: 'SESSION_UNSUPPORTED',
    });
  });

  it('no ServerKeyExchange for an ephemeral suite, and bytes that are not TLS, are SESSION_PROTOCOL', async () => {
    await expect(refuse(flightOf({}))).rejects.toMatchObject({
      code: 'SESSION_PROTOCOL',
      message: /ServerKeyExchange/,
    });
    await expect(refuse(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'))).rejects.toMatchObject({
      code: 'SESSION_PROTOCOL',
    });
  });

  it('the ClientHello carries what was asked: SNI (not for an address), groups, EMS, TLS 1.2 signature algorithms', async () => {
    const seen: ReturnType<typeof parseClientHello>[] = [];
    const capture = (serverName: string | null, version: number) =>
      new TlsClient(
        memoryConnection((b, _reply, close) => {
          seen.push(parseClientHello(new HandshakeReassembler().push(records(b)[0]!.fragment)[0]!.body));
          close();
        }),
      )
        .hello({ version, suites: [0x002f], serverName, groups: [29] })
        .catch(() => undefined);
    await capture('example.test', TLS12);
    await capture('192.0.2.1', 0x0301);
    expect(seen[0]).toMatchObject({
      version: TLS12,
      serverNames: ['example.test'],
      supportedGroups: [29],
      extendedMasterSecret: true,
      cipherSuites: [0x002f],
    });
    expect(seen[0]?.signatureAlgorithms?.length).toBeGreaterThan(4);
    expect(seen[1]?.serverNames).toBeUndefined();
    expect(seen[1]?.signatureAlgorithms).toBeUndefined();
  });
});

describe('TlsClient: renegotiation without RFC 5746', () => {
  const helloOf = (content: Uint8Array) => {
    const [m] = new HandshakeReassembler().push(content);
    expect(m?.type).toBe(HANDSHAKE_TYPE.client_hello);
    return parseClientHello(m!.body);
  };

  it('renegotiationInfo: false sends neither the extension nor the SCSV; the default sends the extension', async () => {
    const seen: ReturnType<typeof parseClientHello>[] = [];
    for (const renegotiationInfo of [false, undefined]) {
      await new TlsClient(
        memoryConnection((b, _reply, close) => {
          seen.push(helloOf(records(b)[0]!.fragment));
          close();
        }),
      )
        .hello({ ...hello, ...(renegotiationInfo === undefined ? {} : { renegotiationInfo }) })
        .catch(() => undefined);
    }
    expect(seen[0]?.renegotiationInfo).toBeUndefined();
    expect(seen[0]?.renegotiationScsv).toBe(false);
    expect(seen[0]?.cipherSuites).not.toContain(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    expect(seen[1]?.renegotiationInfo).toEqual(new Uint8Array(0));
  });

  it('renegotiationHelloRecord: a ClientHello without renegotiation_info, protected under the session, once established', async () => {
    let renegotiation: ReturnType<typeof parseClientHello> | null = null;
    const client = new TlsClient(
      memoryConnection(
        anonServer({
          onData: (content) => {
            renegotiation = helloOf(content);
            return null;
          },
        }),
      ),
    );
    expect(() => client.renegotiationHelloRecord(hello)).toThrow(TypeError);
    await client.handshake({ ...hello, renegotiationInfo: false });
    const record = client.renegotiationHelloRecord(hello);
    expect(records(record)[0]?.type).toBe(CONTENT_TYPE.handshake);
    await client.send(record);
    await client.observe(50);
    expect(renegotiation).toMatchObject({ cipherSuites: [SUITE], renegotiationScsv: false });
    expect(renegotiation!.renegotiationInfo).toBeUndefined();
  });

  it('observe stops as soon as `until` holds, before the close that follows', async () => {
    const client = new TlsClient(
      memoryConnection(
        anonServer({
          onData: (_c, write) => write.sealRecord(CONTENT_TYPE.alert, encodeAlert(1, 'no_renegotiation')),
        }),
      ),
    );
    await client.handshake(hello);
    await client.send(client.renegotiationHelloRecord(hello));
    const r = await client.observe(5_000, { until: (seen) => seen.alerts.length > 0 });
    expect(r.alerts).toMatchObject([{ name: 'no_renegotiation', levelName: 'warning', encrypted: true }]);
    expect(r.end).toBe('timeout');
    expect(r.elapsedMs).toBeLessThan(1_000);
    // The alert was the reaction, though the observation ended on `until`.
    expect(r.reactedAfterMs).not.toBeNull();
    expect(r.reactedAfterMs).toBeLessThanOrEqual(r.elapsedMs);
  });
});

describe('insecureRenegotiationProbe against the in-memory server', () => {
  const run = (onData: AnonServerOptions['onData']) =>
    insecureRenegotiationProbe(
      memoryConnection(anonServer({ onData })),
      new AbortController().signal,
      { version: TLS12, suites: [SUITE] },
      { serverName: null, reactionTimeoutMs: 100 },
    );

  it('a ServerHello in answer is an accepted renegotiation', async () => {
    const accept: AnonServerOptions['onData'] = (_c, write) =>
      write.sealRecord(
        CONTENT_TYPE.handshake,
        buildServerHello({ version: TLS12, random: new Uint8Array(32), cipherSuite: SUITE }),
      );
    expect(await run(accept)).toBe(true);
  });

  it('a no_renegotiation warning, a handshake_failure, a close or silence is a refusal', async () => {
    const alert =
      (level: number, name: 'no_renegotiation' | 'handshake_failure'): AnonServerOptions['onData'] =>
      (_c, write) =>
        write.sealRecord(CONTENT_TYPE.alert, encodeAlert(level, name));
    expect(await run(alert(1, 'no_renegotiation'))).toBe(false);
    expect(await run(alert(2, 'handshake_failure'))).toBe(false);
    expect(await run(() => new Uint8Array(0))).toBe(false);
    expect(await run(() => null)).toBe(false);
  });

  it('a first handshake that fails leaves the question open (null)', async () => {
    const probe = insecureRenegotiationProbe(
      memoryConnection((_b, reply, close) => {
        reply(buildAlertRecord('handshake_failure'));
        close();
      }),
      new AbortController().signal,
      { version: TLS12, suites: [SUITE] },
      { serverName: null, reactionTimeoutMs: 100 },
    );
    expect(await probe).toBeNull();
  });
});
