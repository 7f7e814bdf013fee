/**
 * Code points of the TLS/SSL wire formats, named as the defining RFC names them
 * (IANA "TLS Parameters" and "TLS ExtensionType Values" registries).
 */

/** Wire value of the SSLv2 version field (draft-hickman-netscape-ssl-00). SSL Labs' id for SSLv2 is 0x0200. */
export const SSL2_WIRE_VERSION = 0x0002;

/** ContentType, RFC 5246 §6.2.1, RFC 6520 §3 (heartbeat). */
export const CONTENT_TYPE = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
} as const;

/** HandshakeType, RFC 5246 §7.4, RFC 8446 §4, RFC 6066 §8 (certificate_status). */
export const HANDSHAKE_TYPE = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  supplemental_data: 23,
  key_update: 24,
  message_hash: 254,
} as const;

/** ExtensionType (IANA registry; RFC 6066, 8422, 5246, 6520, 7301, 6962, 7685, 7366, 7627, 5077, 8446, 5746). */
export const EXTENSION_TYPE = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/** AlertLevel, RFC 5246 §7.2. */
export const ALERT_LEVEL = { warning: 1, fatal: 2 } as const;

/**
 * AlertDescription: RFC 5246 §7.2 and RFC 8446 §6, plus no_certificate (RFC 6101 §5.4.2, SSL 3.0 only),
 * inappropriate_fallback (RFC 7507 §2), the RFC 6066 §9 values and no_application_protocol (RFC 7301 §3.2).
 */
export const ALERT_DESCRIPTION = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

export type AlertDescriptionName = keyof typeof ALERT_DESCRIPTION;

/** NamedGroup, RFC 8422 §5.1.1, RFC 7919 §2, RFC 8446 §4.2.7 (a selection; any u16 may be sent). */
export const NAMED_GROUP = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  brainpoolP256r1: 0x001a,
  brainpoolP384r1: 0x001b,
  brainpoolP512r1: 0x001c,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
} as const;

/** SignatureScheme, RFC 8446 §4.2.3 (the TLS 1.2 SignatureAndHashAlgorithm pairs share the encoding). */
export const SIGNATURE_SCHEME = {
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pkcs1_sha384: 0x0501,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
} as const;

/** Signalling cipher suite values: RFC 5746 §3.3 and RFC 7507 §6. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
export const TLS_FALLBACK_SCSV = 0x5600;

/** ECPointFormat, RFC 8422 §5.1.2. */
export const EC_POINT_FORMAT = {
  uncompressed: 0,
  ansiX962_compressed_prime: 1,
  ansiX962_compressed_char2: 2,
} as const;

/** HeartbeatMode, RFC 6520 §2. */
export const HEARTBEAT_MODE = { peer_allowed_to_send: 1, peer_not_allowed_to_send: 2 } as const;

/** PskKeyExchangeMode, RFC 8446 §4.2.9. */
export const PSK_KEY_EXCHANGE_MODE = { psk_ke: 0, psk_dhe_ke: 1 } as const;

/** CompressionMethod: null (RFC 5246 §7.4.1.2), DEFLATE (RFC 3749). */
export const COMPRESSION_METHOD = { null: 0, deflate: 1 } as const;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3. */
export const HELLO_RETRY_REQUEST_RANDOM: readonly number[] = Object.freeze([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
  0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * Last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates TLS 1.2 ("DOWNGRD" 01) or
 * TLS 1.1 and below ("DOWNGRD" 00), RFC 8446 §4.1.3.
 */
export const DOWNGRADE_TLS12: readonly number[] = Object.freeze([
  0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01,
]);
export const DOWNGRADE_TLS11: readonly number[] = Object.freeze([
  0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00,
]);
