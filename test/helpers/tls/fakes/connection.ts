/**
 * One connection to a fake: reads the client's first message, answers it (`responder.ts`), then plays
 * the part the config describes for whatever the client sends after the flight.
 *
 * After the flight (TLS):
 * - heartbeat record (when heartbeat or heartbleed is on; otherwise → close):
 *   well-formed heartbeat_request → heartbeat_response echoing the payload;
 *   payload_length larger than the payload → with `heartbleed`, a response of payload_length bytes (what
 *   arrived, then 0xAA filler: the "leak"; split over several records past 2^14 bytes), else dropped
 *   silently (RFC 6520 §4); heartbeat_response → dropped.
 * - ChangeCipherSpec before any ClientKeyExchange: with `ccsInjection` accepted silently (CVE-2014-0224),
 *   else unexpected_message (10) and close. After a ClientKeyExchange it is accepted as normal.
 * - after an accepted ChangeCipherSpec, any record → bad_record_mac (20) and close: a vulnerable OpenSSL
 *   has switched to keys derived from an empty master secret and fails to decrypt what follows (the fake
 *   sends the alert in plaintext, where the real server would have encrypted it).
 * - ClientKeyExchange and other client handshake messages → read and ignored; a second ClientHello → close.
 * - alerts, application data, anything else → close.
 *
 * SSLv2 CLIENT-HELLO (version 2): SERVER-HELLO with the configured kinds the client also offered (none
 * → an empty list) and the leaf, when SSLv2 is on; close otherwise. Anything after it → close.
 * Bytes that are not a record, or a first message that is not a hello → close.
 */
import type { Socket } from 'node:net';
import {
  ALERT_DESCRIPTION,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HEARTBEAT_MESSAGE_TYPE,
  HEARTBEAT_MIN_PADDING,
  HandshakeReassembler,
  RecordReader,
  SSL2_WIRE_VERSION,
  buildAlertRecord,
  buildHeartbeatResponse,
  buildSsl2ServerHello,
  ByteWriter,
  encodeRecord,
  encodeSsl2Record,
  isChangeCipherSpec,
  parseClientHello,
  parseHeartbeat,
  parseSsl2ClientHello,
  type HandshakeMessage,
  type TlsRecord,
  type WireRecord,
} from '../../../../src/core/scan/wire/index.js';
import type { ResolvedConfig } from './config.js';
import { answerHello, helloFromSsl2, type HelloView } from './responder.js';
import { randomBytes } from 'node:crypto';

type State =
  /** Waiting for the first message. */
  | 'hello'
  /** TLS flight sent. */
  | 'flight'
  /** A ChangeCipherSpec was accepted: nothing more can be read in plaintext. */
  | 'ccs'
  /** SSLv2 SERVER-HELLO sent. */
  | 'ssl2'
  | 'closed';

/** What a connection did, for a test that wants to know. */
export interface ConnectionEvent {
  readonly kind:
    | 'hello'
    | 'alert'
    | 'close'
    | 'ssl2-hello'
    | 'heartbeat-response'
    | 'heartbleed-leak'
    | 'heartbeat-dropped'
    | 'ccs-accepted';
  readonly detail?: string;
}

const LEAK_FILLER = 0xaa;

export class FakeConnection {
  readonly #socket: Socket;
  readonly #config: ResolvedConfig;
  readonly #onEvent: (e: ConnectionEvent) => void;
  readonly #records = new RecordReader();
  readonly #handshake = new HandshakeReassembler();
  #state: State = 'hello';
  /** Record version of what the server sends: the negotiated version once known. */
  #version = 0x0303;
  #sawClientKeyExchange = false;

  constructor(socket: Socket, config: ResolvedConfig, onEvent: (e: ConnectionEvent) => void = () => {}) {
    this.#socket = socket;
    this.#config = config;
    this.#onEvent = onEvent;
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Feed bytes from the socket. Never throws: anything unexpected closes the connection. */
  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      for (const record of this.#records.push(chunk)) {
        if (this.closed) break;
        this.#onRecord(record);
      }
    } catch (e) {
      this.#close(`unreadable input: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #send(bytes: Uint8Array): void {
    if (this.#state !== 'closed') this.#socket.write(bytes);
  }

  /** Half-close (FIN) after what was written; the socket goes once the client closes too. */
  #close(why: string, last?: Uint8Array): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#onEvent({ kind: 'close', detail: why });
    if (last) this.#socket.end(last);
    else this.#socket.end();
  }

  #alertAndClose(description: number, why: string): void {
    this.#onEvent({ kind: 'alert', detail: `${description}: ${why}` });
    this.#close(why, buildAlertRecord(description, this.#version));
  }

  #onRecord(record: WireRecord): void {
    switch (this.#state) {
      case 'hello':
        if (record.kind === 'ssl2') this.#onSsl2Hello(record.message);
        else if (record.type === CONTENT_TYPE.handshake) this.#onFirstHandshake(record.fragment);
        else this.#close(`record type ${record.type} before the hello`);
        return;
      case 'flight':
        if (record.kind === 'ssl2') this.#close('SSLv2 record after the flight');
        else this.#afterFlight(record);
        return;
      case 'ccs':
        this.#alertAndClose(ALERT_DESCRIPTION.bad_record_mac, 'record after an accepted ChangeCipherSpec');
        return;
      case 'ssl2':
        this.#close('SSLv2: nothing after SERVER-HELLO is played');
        return;
      case 'closed':
        return;
    }
  }

  #onFirstHandshake(fragment: Uint8Array): void {
    const messages = this.#handshake.push(fragment);
    const [first, ...rest] = messages;
    if (first === undefined) return; // the hello continues in the next record
    if (first.type !== HANDSHAKE_TYPE.client_hello) {
      this.#close(`handshake type ${first.type} before ClientHello`);
      return;
    }
    this.#answer(parseClientHello(first.body));
    for (const m of rest) if (this.#state === 'flight') this.#onClientHandshake(m);
  }

  #onSsl2Hello(message: Uint8Array): void {
    const hello = parseSsl2ClientHello(message);
    if (hello.version >= 0x0300) {
      this.#answer(helloFromSsl2(hello));
      return;
    }
    const kinds = this.#config.ssl2Kinds;
    if (hello.version !== SSL2_WIRE_VERSION || kinds === null) {
      this.#close('SSLv2 hello, SSLv2 not spoken');
      return;
    }
    const cipherKinds = kinds.filter((k) => hello.cipherKinds.includes(k));
    this.#send(
      encodeSsl2Record(
        buildSsl2ServerHello({ certificate: this.#config.chain[0] ?? new Uint8Array(0), cipherKinds }),
      ),
    );
    this.#state = 'ssl2';
    this.#onEvent({ kind: 'ssl2-hello', detail: cipherKinds.map((k) => k.toString(16)).join(',') });
  }

  #answer(hello: HelloView): void {
    const answer = answerHello(this.#config, hello);
    switch (answer.kind) {
      case 'close':
        this.#close(answer.why);
        return;
      case 'alert':
        this.#version = answer.version;
        this.#alertAndClose(answer.description, 'hello refused');
        return;
      case 'flight':
        this.#version = answer.version;
        this.#send(answer.bytes);
        this.#state = 'flight';
        this.#onEvent({
          kind: 'hello',
          detail: `version 0x${answer.version.toString(16)} suite 0x${answer.suite.toString(16)}`,
        });
        return;
    }
  }

  #afterFlight(record: TlsRecord): void {
    switch (record.type) {
      case CONTENT_TYPE.handshake:
        for (const m of this.#handshake.push(record.fragment)) {
          if (this.#state !== 'flight') return;
          this.#onClientHandshake(m);
        }
        return;
      case CONTENT_TYPE.change_cipher_spec:
        this.#onChangeCipherSpec(record.fragment);
        return;
      case CONTENT_TYPE.heartbeat:
        this.#onHeartbeat(record.fragment);
        return;
      default:
        this.#close(`record type ${record.type} after the flight`);
    }
  }

  #onClientHandshake(m: HandshakeMessage): void {
    if (m.type === HANDSHAKE_TYPE.client_hello) this.#close('renegotiation is not played');
    else if (m.type === HANDSHAKE_TYPE.client_key_exchange) this.#sawClientKeyExchange = true;
  }

  #onChangeCipherSpec(fragment: Uint8Array): void {
    if (!isChangeCipherSpec(fragment)) {
      this.#alertAndClose(ALERT_DESCRIPTION.unexpected_message, 'malformed ChangeCipherSpec');
    } else if (this.#sawClientKeyExchange || this.#config.ccsInjection) {
      this.#state = 'ccs';
      this.#onEvent({ kind: 'ccs-accepted', detail: this.#sawClientKeyExchange ? 'in order' : 'early' });
    } else {
      this.#alertAndClose(ALERT_DESCRIPTION.unexpected_message, 'ChangeCipherSpec before ClientKeyExchange');
    }
  }

  #onHeartbeat(fragment: Uint8Array): void {
    if (!this.#config.heartbeat) {
      this.#close('heartbeat record, heartbeat not supported');
      return;
    }
    const hb = parseHeartbeat(fragment);
    if (hb.type !== HEARTBEAT_MESSAGE_TYPE.heartbeat_request) {
      this.#onEvent({ kind: 'heartbeat-dropped', detail: `type ${hb.type}` });
    } else if (hb.wellFormed) {
      this.#send(encodeRecord(CONTENT_TYPE.heartbeat, this.#version, buildHeartbeatResponse(hb.payload)));
      this.#onEvent({ kind: 'heartbeat-response', detail: `${hb.payloadLength} bytes` });
    } else if (this.#config.heartbleed && hb.payload.length < hb.payloadLength) {
      // buildHeartbeatResponse refuses messages over 2^14 bytes, which a lie of up to 64 KiB needs: built
      // here and sent in as many heartbeat records as it takes.
      const leaked = new Uint8Array(hb.payloadLength).fill(LEAK_FILLER);
      leaked.set(hb.payload);
      const message = new ByteWriter()
        .u8(HEARTBEAT_MESSAGE_TYPE.heartbeat_response)
        .vector(2, leaked)
        .bytes(new Uint8Array(randomBytes(HEARTBEAT_MIN_PADDING)))
        .finish();
      this.#send(encodeRecord(CONTENT_TYPE.heartbeat, this.#version, message));
      this.#onEvent({
        kind: 'heartbleed-leak',
        detail: `${hb.payloadLength} bytes claimed, ${hb.payload.length} sent`,
      });
    } else {
      this.#onEvent({ kind: 'heartbeat-dropped', detail: 'malformed request' });
    }
  }
}
