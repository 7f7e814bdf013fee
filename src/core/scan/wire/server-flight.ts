/**
 * What a server answered to one ClientHello, read from the records received so far.
 *
 * Up to TLS 1.2 the server's first flight is plaintext up to ServerHelloDone (RFC 5246 §7.3).
 * In TLS 1.3 only the ServerHello (or HelloRetryRequest) is plaintext; EncryptedExtensions,
 * Certificate and the rest are encrypted (RFC 8446 §2) and are not readable here.
 */
import { parseAlerts, type Alert } from './alert.js';
import { parseCertificate } from './certificate.js';
import { CONTENT_TYPE, HANDSHAKE_TYPE } from './constants.js';
import { WireFormatError } from './errors.js';
import { HandshakeReassembler, type HandshakeMessage } from './handshake.js';
import type { WireRecord } from './record.js';
import { parseServerHello, type ServerHello } from './server-hello.js';
import {
  parseServerKeyExchange,
  type KeyExchangeKind,
  type ServerKeyExchange,
} from './server-key-exchange.js';
import { parseSsl2ServerMessage, type Ssl2ServerMessage } from './ssl2.js';

export interface ServerFlightOptions {
  /**
   * How to read a ServerKeyExchange: the kind, or a lookup from the chosen cipher suite (the
   * cipher registry knows which suites are DHE or ECDHE). Without it the message stays raw.
   */
  readonly keyExchange?: KeyExchangeKind | ((cipherSuite: number) => KeyExchangeKind | undefined);
  /** Passed to the handshake reassembler. */
  readonly maxMessageLength?: number;
}

interface FlightCommon {
  /** Alerts received in plaintext, in order. */
  readonly alerts: readonly Alert[];
  /** The first fatal alert: the server refused the hello. */
  readonly fatalAlert: Alert | null;
  /** Nothing more to read: the flight ended, the server refused, or the rest is encrypted. */
  readonly complete: boolean;
}

/** No ServerHello yet: nothing arrived, or only alerts. */
export interface NoHelloFlight extends FlightCommon {
  readonly kind: 'none';
}

/** SSL 3.0 to TLS 1.2 (`serverHello.version` says which): the whole first flight is plaintext. */
export interface TlsFlight extends FlightCommon {
  readonly kind: 'tls';
  readonly serverHello: ServerHello;
  /** Every plaintext handshake message, ServerHello first. */
  readonly messages: readonly HandshakeMessage[];
  /** DER certificates from the Certificate message, leaf first; null when none was sent (yet). */
  readonly certificates: readonly Uint8Array[] | null;
  /** The ServerKeyExchange body, and its parameters when the kind was known. */
  readonly serverKeyExchange: { readonly body: Uint8Array; readonly params: ServerKeyExchange | null } | null;
  /** The CertificateStatus body (stapled OCSP, RFC 6066 §8), unparsed. */
  readonly certificateStatus: Uint8Array | null;
  readonly certificateRequest: boolean;
  readonly serverHelloDone: boolean;
  /** A ChangeCipherSpec right after ServerHello: an abbreviated (resumed) handshake. */
  readonly changeCipherSpec: boolean;
}

/**
 * TLS 1.3: only the ServerHello or HelloRetryRequest (`serverHello.helloRetryRequest`) is readable;
 * the certificate and everything else the server sends next are encrypted.
 */
export interface Tls13Flight extends FlightCommon {
  readonly kind: 'tls13';
  readonly serverHello: ServerHello;
}

/** The server answered in SSLv2 framing. */
export interface Ssl2Flight extends FlightCommon {
  readonly kind: 'ssl2';
  readonly message: Ssl2ServerMessage;
}

export type ServerFlight = NoHelloFlight | TlsFlight | Tls13Flight | Ssl2Flight;

const TLS13 = 0x0304;

/**
 * Read the server's answer from `records` (everything received so far, in order). Call again with
 * more records until `complete`. Throws `WireFormatError` when a plaintext message is malformed or
 * out of place.
 */
export function parseServerFlight(
  records: readonly WireRecord[],
  options: ServerFlightOptions = {},
): ServerFlight {
  const alerts: Alert[] = [];
  const messages: HandshakeMessage[] = [];
  const reassembler = new HandshakeReassembler({ maxMessageLength: options.maxMessageLength });
  let hello: ServerHello | undefined;
  let fatalAlert: Alert | null = null;
  let encrypted = false;
  let changeCipherSpec = false;

  const onMessage = (m: HandshakeMessage): void => {
    // HelloRequest may arrive at any time and is ignored by clients (RFC 5246 §7.4.1.1).
    if (m.type === HANDSHAKE_TYPE.hello_request) return;
    if (hello === undefined) {
      if (m.type !== HANDSHAKE_TYPE.server_hello) {
        throw new WireFormatError(`flight: handshake type ${m.type} before ServerHello`);
      }
      hello = parseServerHello(m.body);
      // TLS 1.3: whatever follows the ServerHello is encrypted (RFC 8446 §2).
      if (hello.version >= TLS13 || hello.helloRetryRequest) encrypted = true;
    } else if (m.type === HANDSHAKE_TYPE.server_hello) {
      throw new WireFormatError('flight: second ServerHello');
    }
    messages.push(m);
  };

  for (const [i, rec] of records.entries()) {
    if (rec.kind === 'ssl2') {
      if (i !== 0) throw new WireFormatError('flight: SSLv2 record after TLS records');
      return {
        kind: 'ssl2',
        message: parseSsl2ServerMessage(rec.message),
        alerts,
        fatalAlert,
        complete: true,
      };
    }
    if (encrypted || fatalAlert) break;
    if (rec.type === CONTENT_TYPE.alert) {
      for (const a of parseAlerts(rec.fragment)) {
        alerts.push(a);
        if (a.levelName === 'fatal' && !fatalAlert) fatalAlert = a;
      }
    } else if (rec.type === CONTENT_TYPE.handshake) {
      for (const m of reassembler.push(rec.fragment)) {
        onMessage(m);
        if (encrypted) break;
      }
    } else if (rec.type === CONTENT_TYPE.change_cipher_spec && hello !== undefined) {
      // Records after a ChangeCipherSpec are protected with the new keys (RFC 5246 §7.1).
      changeCipherSpec = true;
      encrypted = true;
    }
    // application_data and heartbeat records are not part of the flight.
  }

  const common = { alerts, fatalAlert };
  if (hello === undefined) return { kind: 'none', ...common, complete: fatalAlert !== null };
  if (hello.version >= TLS13 || hello.helloRetryRequest) {
    return { kind: 'tls13', serverHello: hello, ...common, complete: true };
  }
  const find = (type: number): HandshakeMessage | undefined => messages.find((m) => m.type === type);
  const ske = find(HANDSHAKE_TYPE.server_key_exchange);
  const kind =
    typeof options.keyExchange === 'function' ? options.keyExchange(hello.cipherSuite) : options.keyExchange;
  const certificate = find(HANDSHAKE_TYPE.certificate);
  const serverHelloDone = find(HANDSHAKE_TYPE.server_hello_done) !== undefined;
  return {
    kind: 'tls',
    serverHello: hello,
    messages,
    certificates: certificate ? parseCertificate(certificate.body).certs : null,
    serverKeyExchange: ske
      ? {
          body: ske.body,
          params: kind ? parseServerKeyExchange(ske.body, kind, { version: hello.version }) : null,
        }
      : null,
    certificateStatus: find(HANDSHAKE_TYPE.certificate_status)?.body ?? null,
    certificateRequest: find(HANDSHAKE_TYPE.certificate_request) !== undefined,
    serverHelloDone,
    changeCipherSpec,
    ...common,
    complete: serverHelloDone || changeCipherSpec || fatalAlert !== null,
  };
}
