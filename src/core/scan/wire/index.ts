/**
 * The TLS/SSL wire codec of the scanner: pure functions over `Uint8Array`, no sockets. Probes use
 * it to speak to servers (including deliberately old or odd hellos); test servers use it to play
 * broken or ancient servers. Bad bytes from the network throw `WireFormatError`, nothing else.
 *
 * @example
 *   const hello = buildClientHelloRecord({
 *     version: TLS12,
 *     cipherSuites: [0xc02f, 0xc02b],
 *     extensions: [serverNameExtension('example.com'), supportedGroupsExtension([NAMED_GROUP.x25519]),
 *                  ecPointFormatsExtension(), signatureAlgorithmsExtension([SIGNATURE_SCHEME.rsa_pss_rsae_sha256])],
 *   });
 *   socket.write(hello);
 *   const reader = new RecordReader();
 *   const records: WireRecord[] = [];
 *   socket.on('data', (chunk) => {
 *     records.push(...reader.push(chunk));
 *     const flight = parseServerFlight(records, { keyExchange: 'ecdhe' });
 *     if (flight.complete) done(flight);
 *   });
 */
export { WireFormatError } from './errors.js';
export { ByteReader, ByteWriter, bytesEqual, concatBytes, fromHex, toHex, type PrefixSize } from './bytes.js';
export {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  COMPRESSION_METHOD,
  CONTENT_TYPE,
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  EC_POINT_FORMAT,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  HEARTBEAT_MODE,
  HELLO_RETRY_REQUEST_RANDOM,
  NAMED_GROUP,
  PSK_KEY_EXCHANGE_MODE,
  SIGNATURE_SCHEME,
  SSL2_WIRE_VERSION,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  type AlertDescriptionName,
} from './constants.js';
export {
  DEFAULT_MAX_RECORD_LENGTH,
  MAX_FRAGMENT_LENGTH,
  MAX_SSL2_RECORD_LENGTH,
  RecordReader,
  encodeRecord,
  encodeSsl2Record,
  type EncodeRecordOptions,
  type RecordReaderOptions,
  type Ssl2Record,
  type TlsRecord,
  type WireRecord,
} from './record.js';
export {
  DEFAULT_MAX_HANDSHAKE_LENGTH,
  HandshakeReassembler,
  encodeHandshake,
  type HandshakeMessage,
  type HandshakeReassemblerOptions,
} from './handshake.js';
export {
  alpnExtension,
  cookieExtension,
  ecPointFormatsExtension,
  encryptThenMacExtension,
  extendedMasterSecretExtension,
  findExtension,
  heartbeatExtension,
  keyShareExtension,
  keyShareHelloRetryExtension,
  keyShareServerExtension,
  paddingExtension,
  pskKeyExchangeModesExtension,
  rawExtension,
  readAlpn,
  readClientKeyShares,
  readCookie,
  readEmpty,
  readHeartbeatMode,
  readRenegotiationInfo,
  readSctList,
  readServerKeyShare,
  readServerNames,
  readU16,
  readU16List,
  readU8List,
  renegotiationInfoExtension,
  sctListExtension,
  serverNameExtension,
  sessionTicketExtension,
  signatureAlgorithmsCertExtension,
  signatureAlgorithmsExtension,
  signedCertificateTimestampExtension,
  statusRequestExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  supportedVersionsServerExtension,
  type Extension,
  type KeyShareEntry,
} from './extensions.js';
export { KEY_SHARE_GROUPS, generateKeyShare, type GeneratedKeyShare } from './key-share.js';
export {
  buildClientHello,
  buildClientHelloRecord,
  encodeClientHello,
  parseClientHello,
  type ClientHello,
  type ClientHelloSpec,
} from './client-hello.js';
export {
  buildHelloRetryRequest,
  buildServerHello,
  encodeServerHello,
  parseServerHello,
  type DowngradeSentinel,
  type HelloRetryRequestSpec,
  type ServerHello,
  type ServerHelloSpec,
} from './server-hello.js';
export {
  buildCertificate,
  parseCertificate,
  type CertificateEntry,
  type CertificateFormat,
  type CertificateMessage,
  type CertificateSpec,
} from './certificate.js';
export {
  encodeTls13Certificate,
  parseEncryptedExtensions,
  parseTls13Certificate,
  type Tls13Certificate,
  type Tls13CertificateEntry,
} from './tls13-certificate.js';
export {
  bitLength,
  buildDheServerKeyExchange,
  buildEcdheServerKeyExchange,
  parseServerKeyExchange,
  type DheServerKeyExchange,
  type EcdheServerKeyExchange,
  type KeyExchangeKind,
  type KeyExchangeSignature,
  type KeyExchangeSignatureSpec,
  type ParseServerKeyExchangeOptions,
  type ServerKeyExchange,
} from './server-key-exchange.js';
export { alertName, buildAlertRecord, encodeAlert, parseAlerts, type Alert } from './alert.js';
export {
  buildChangeCipherSpec,
  buildChangeCipherSpecRecord,
  isChangeCipherSpec,
} from './change-cipher-spec.js';
export {
  HEARTBEAT_MESSAGE_TYPE,
  HEARTBEAT_MIN_PADDING,
  buildHeartbeatRequest,
  buildHeartbeatResponse,
  buildMalformedHeartbeatRequest,
  parseHeartbeat,
  type HeartbeatMessage,
} from './heartbeat.js';
export {
  SSL2_CT_X509_CERTIFICATE,
  SSL2_ERROR,
  SSL2_MESSAGE_TYPE,
  buildSsl2ClientHello,
  buildSsl2Error,
  buildSsl2ServerHello,
  parseSsl2ClientHello,
  parseSsl2ServerHello,
  parseSsl2ServerMessage,
  type Ssl2ClientHello,
  type Ssl2ClientHelloSpec,
  type Ssl2Error,
  type Ssl2ServerHello,
  type Ssl2ServerHelloSpec,
  type Ssl2ServerMessage,
} from './ssl2.js';
export {
  parseServerFlight,
  type NoHelloFlight,
  type ServerFlight,
  type ServerFlightOptions,
  type Ssl2Flight,
  type Tls13Flight,
  type TlsFlight,
} from './server-flight.js';
