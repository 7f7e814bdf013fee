import { randomBytes } from 'node:crypto';
import type { ProbeConnection } from '../connection.js';
import {
  SessionError,
  TLS13_SUITES,
  keyShareSecret,
  openTls13Record,
  tls13HandshakeSecrets,
  tls13Suite,
  tls13TrafficKeys,
  tls13TranscriptHash,
  type Tls13Hash,
  type Tls13Suite,
  type Tls13TrafficKeys,
} from '../session/index.js';
import { TLS13 } from '../types.js';
import {
  CONTENT_TYPE,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  HandshakeReassembler,
  KEY_SHARE_GROUPS,
  NAMED_GROUP,
  RecordReader,
  WireFormatError,
  buildClientHello,
  cookieExtension,
  encodeHandshake,
  encodeRecord,
  generateKeyShare,
  keyShareExtension,
  parseEncryptedExtensions,
  parseServerHello,
  parseTls13Certificate,
  serverNameExtension,
  signatureAlgorithmsExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  type Extension,
  type GeneratedKeyShare,
  type HandshakeMessage,
  type ServerHello,
  type TlsRecord,
} from '../wire/index.js';
import { SIGNATURE_SCHEMES } from './hello.js';

/**
 * The served certificate chain of a TLS 1.3 server, read by our own handshake over the probe's one
 * connection: a TLS 1.3 ClientHello, the ServerHello (answering one HelloRetryRequest), the
 * ECDHE key schedule (RFC 8446 §7.1), then the server's encrypted flight decrypted up to its
 * Certificate message (§4.4.2), whose certificate_list is returned exactly as sent. node:tls cannot
 * give this: OpenSSL hands back the peer chain ordered by issuer, hiding order issues (issue 4).
 *
 * Stops at the Certificate: CertificateVerify and Finished are not checked and nothing is sent back.
 * Resolves null when the server does not complete that much of a TLS 1.3 handshake with us (an
 * alert, a second HelloRetryRequest, a suite or group we do not offer, a record that does not
 * decrypt); network failures reject as everywhere else.
 */
export interface Tls13ChainOptions {
  /** SNI name; null sends none. */
  readonly serverName: string | null;
  /** Groups in supported_groups; the first two get a key share. Default x25519, P-256, P-384, P-521, X448. */
  readonly groups?: readonly number[];
}

export interface Tls13ChainResult {
  /** cert_data of each CertificateEntry, in the server's order. */
  readonly chain: readonly Uint8Array[];
  readonly cipherSuite: number;
  /** The key exchange group of the handshake. */
  readonly group: number;
  /** The server asked for another key share first (RFC 8446 §4.1.4). */
  readonly helloRetryRequest: boolean;
}

const DEFAULT_GROUPS: readonly number[] = [
  NAMED_GROUP.x25519,
  NAMED_GROUP.secp256r1,
  NAMED_GROUP.secp384r1,
  NAMED_GROUP.secp521r1,
  NAMED_GROUP.x448,
];

/** Why the reader stopped short; caught in `readTls13Chain` and turned into null. */
class NotTls13 extends Error {}

interface HelloParts {
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly serverName: string | null;
  readonly groups: readonly number[];
}

function clientHello(
  parts: HelloParts,
  shares: readonly GeneratedKeyShare[],
  cookie?: Uint8Array,
): Uint8Array {
  const extensions: Extension[] = [];
  if (parts.serverName !== null) extensions.push(serverNameExtension(parts.serverName));
  extensions.push(
    supportedGroupsExtension(parts.groups),
    signatureAlgorithmsExtension(SIGNATURE_SCHEMES),
    supportedVersionsExtension([TLS13]),
    // psk_dhe_ke: some servers want the extension even when no PSK is offered.
    { type: EXTENSION_TYPE.psk_key_exchange_modes, data: Uint8Array.of(1, 1) },
    keyShareExtension(shares),
  );
  if (cookie !== undefined) extensions.push(cookieExtension(cookie));
  return buildClientHello({
    version: 0x0303,
    random: parts.random,
    sessionId: parts.sessionId,
    cipherSuites: TLS13_SUITES.map((s) => s.id),
    extensions,
    padToAvoid256To511: true,
  });
}

/** The framed message again (type, u24 length, body), for the transcript. */
const framed = (m: HandshakeMessage): Uint8Array => encodeHandshake(m.type, m.body);

/** After a HelloRetryRequest the first ClientHello enters the transcript as message_hash (RFC 8446 §4.4.1). */
const messageHash = (hash: Tls13Hash, clientHello1: Uint8Array): Uint8Array =>
  encodeHandshake(HANDSHAKE_TYPE.message_hash, tls13TranscriptHash(hash, [clientHello1]));

/** Records off the connection, one at a time. */
class Records {
  readonly #reader = new RecordReader({ ssl2: false });
  readonly #queue: TlsRecord[] = [];

  constructor(private readonly conn: ProbeConnection) {}

  async next(): Promise<TlsRecord> {
    while (this.#queue.length === 0) {
      const chunk = await this.conn.read();
      if (chunk === null) throw new NotTls13('the server closed the connection');
      this.#queue.push(...(this.#reader.push(chunk) as TlsRecord[]));
    }
    return this.#queue.shift() as TlsRecord;
  }
}

/** The next plaintext handshake message (the ServerHello or a HelloRetryRequest). */
async function plainMessage(records: Records): Promise<HandshakeMessage> {
  const reassembler = new HandshakeReassembler();
  for (;;) {
    const record = await records.next();
    if (record.type === CONTENT_TYPE.change_cipher_spec) continue;
    if (record.type !== CONTENT_TYPE.handshake)
      throw new NotTls13(`record type ${record.type} before ServerHello`);
    const [message, ...rest] = reassembler.push(record.fragment);
    if (message === undefined) continue;
    // A key change must fall on a record boundary (RFC 8446 §5.1): nothing may follow the hello.
    if (rest.length > 0 || reassembler.buffered > 0) throw new NotTls13('data after the ServerHello');
    return message;
  }
}

function serverHelloOf(message: HandshakeMessage): ServerHello {
  if (message.type !== HANDSHAKE_TYPE.server_hello) throw new NotTls13(`handshake type ${message.type}`);
  const hello = parseServerHello(message.body);
  if (hello.version !== TLS13) throw new NotTls13(`version 0x${hello.version.toString(16)}`);
  suiteOf(hello);
  return hello;
}

function suiteOf(hello: ServerHello): Tls13Suite {
  const suite = tls13Suite(hello.cipherSuite);
  if (suite === undefined) throw new NotTls13('a suite we did not offer');
  return suite;
}

/** Decrypts the server's handshake records and returns its Certificate's entries. */
async function encryptedCertificate(records: Records, keys: Tls13TrafficKeys): Promise<Uint8Array[]> {
  const reassembler = new HandshakeReassembler();
  let seq = 0n;
  let sawExtensions = false;
  for (;;) {
    const record = await records.next();
    // Middlebox compatibility mode sends one plaintext change_cipher_spec (RFC 8446 §D.4).
    if (record.type === CONTENT_TYPE.change_cipher_spec) continue;
    if (record.type !== CONTENT_TYPE.application_data) throw new NotTls13(`plaintext record ${record.type}`);
    const opened = openTls13Record(keys, seq++, record.fragment);
    if (opened === null) throw new NotTls13('a handshake record does not decrypt');
    if (opened.type !== CONTENT_TYPE.handshake) throw new NotTls13(`encrypted record type ${opened.type}`);
    for (const message of reassembler.push(opened.content)) {
      if (!sawExtensions) {
        if (message.type !== HANDSHAKE_TYPE.encrypted_extensions)
          throw new NotTls13('no EncryptedExtensions');
        parseEncryptedExtensions(message.body);
        sawExtensions = true;
      } else if (message.type === HANDSHAKE_TYPE.certificate) {
        return parseTls13Certificate(message.body).entries.map((e) => e.certData);
      } else if (message.type !== HANDSHAKE_TYPE.certificate_request) {
        throw new NotTls13(`handshake type ${message.type} before Certificate`);
      }
    }
  }
}

export async function readTls13Chain(
  conn: ProbeConnection,
  options: Tls13ChainOptions,
): Promise<Tls13ChainResult | null> {
  const groups = (options.groups ?? DEFAULT_GROUPS).filter((g) => KEY_SHARE_GROUPS.includes(g));
  if (groups.length === 0) throw new RangeError('no group to offer a key share for');
  const parts: HelloParts = {
    random: new Uint8Array(randomBytes(32)),
    // A 32-byte legacy_session_id keeps middleboxes in compatibility mode quiet (RFC 8446 §D.4).
    sessionId: new Uint8Array(randomBytes(32)),
    serverName: options.serverName,
    groups,
  };
  const send = (message: Uint8Array) => conn.write(encodeRecord(CONTENT_TYPE.handshake, 0x0301, message));
  try {
    let shares = groups.slice(0, 2).map(generateKeyShare);
    const hello1 = clientHello(parts, shares);
    await send(hello1);
    const records = new Records(conn);
    let message = await plainMessage(records);
    let hello = serverHelloOf(message);
    let transcript: Uint8Array[] = [hello1];
    const retried = hello.helloRetryRequest;
    if (retried) {
      const group = hello.keyShare?.group;
      if (group === undefined || !groups.includes(group) || shares.some((s) => s.group === group)) {
        throw new NotTls13('HelloRetryRequest for a group we cannot offer');
      }
      shares = [generateKeyShare(group)];
      const hello2 = clientHello(parts, shares, hello.cookie);
      await send(hello2);
      transcript = [messageHash(suiteOf(hello).hash, hello1), framed(message), hello2];
      message = await plainMessage(records);
      hello = serverHelloOf(message);
      if (hello.helloRetryRequest) throw new NotTls13('a second HelloRetryRequest');
    }
    const suite = suiteOf(hello);
    const serverShare = hello.keyShare;
    const ours = shares.find((s) => s.group === serverShare?.group);
    if (serverShare?.keyExchange === undefined || ours === undefined) {
      throw new NotTls13('the ServerHello has no key share of ours');
    }
    const shared = keyShareSecret(ours.group, ours.privateKey, serverShare.keyExchange);
    const helloHash = tls13TranscriptHash(suite.hash, [...transcript, framed(message)]);
    const secrets = tls13HandshakeSecrets(suite.hash, shared, helloHash);
    const chain = await encryptedCertificate(
      records,
      tls13TrafficKeys(suite, secrets.serverHandshakeTrafficSecret),
    );
    return { chain, cipherSuite: suite.id, group: ours.group, helloRetryRequest: retried };
  } catch (e) {
    if (e instanceof NotTls13 || e instanceof WireFormatError || e instanceof SessionError) return null;
    throw e;
  }
}
