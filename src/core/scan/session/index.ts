/**
 * The scanner's own TLS 1.0–1.2 client: complete handshakes over one ProbeConnection, then send
 * records a probe has tampered with and observe the server's reaction. Probes that need a finished
 * session (ROBOT, CBC padding oracles) build on it; test servers use the same record protection
 * for the server side.
 *
 * Pure pieces — PRF, key schedule, CBC and AEAD record sealing and opening — are exported for
 * tests and test servers; `TlsClient` is the engine.
 */
export { SessionError, type SessionErrorCode } from './errors.js';
export {
  cipherSpec,
  keyExchangeOf,
  type AeadProtection,
  type BlockProtection,
  type CipherSpec,
  type KeyExchangeAlgorithm,
  type MacAlgorithm,
  type PrfHash,
  type RecordProtectionSpec,
} from './cipher-spec.js';
export {
  extendedMasterSecret,
  finishedVerifyData,
  keyBlock,
  masterSecret,
  pHash,
  prf,
  prf10,
  prf12,
  transcriptHash,
} from './prf.js';
export {
  deriveConnectionKeys,
  implicitIvLength,
  keyBlockLength,
  splitKeyBlock,
  type ConnectionKeys,
  type DirectionKeys,
} from './keys.js';
export {
  macHeader,
  openCbc,
  recordMac,
  sealCbc,
  standardPadding,
  type BlockKeys,
  type CbcTamper,
  type OpenedCbc,
  type RecordHeader,
  type SealedCbc,
} from './cbc.js';
export { openAead, sealAead, type AeadKeys, type AeadTamper } from './aead.js';
export {
  RecordProtection,
  recordLayerFor,
  type OpenedRecord,
  type RecordLayerKeys,
  type RecordTamper,
} from './record-protection.js';
export {
  ECDHE_GROUPS,
  dheClientKeyExchange,
  ecdheClientKeyExchange,
  encodeRsaClientKeyExchange,
  keyShareSecret,
  rsaClientKeyExchange,
  rsaEncryptRaw,
  rsaPublicKeyOf,
  type ClientKeyExchange,
  type RsaPublicKey,
} from './key-exchange.js';
export {
  TLS13_SUITES,
  deriveSecret,
  hashLength,
  hkdfExpandLabel,
  hkdfExtract,
  tls13HandshakeSecrets,
  tls13Suite,
  tls13TrafficKeys,
  tls13TranscriptHash,
  type Tls13Hash,
  type Tls13HandshakeSecrets,
  type Tls13Suite,
  type Tls13TrafficKeys,
} from './tls13-key-schedule.js';
export { openTls13Record, sealTls13Record, type OpenedTls13Record } from './tls13-record.js';
export { RecordChannel, type ChannelEvent } from './channel.js';
export {
  describeReaction,
  reactionKey,
  wireKey,
  type ObservedAlert,
  type ObservedRecord,
  type Reaction,
  type ReactionEnd,
} from './reaction.js';
export {
  TlsClient,
  type HelloOptions,
  type Negotiated,
  type ObserveOptions,
  type TlsClientOptions,
} from './client.js';
