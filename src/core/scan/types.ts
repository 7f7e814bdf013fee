/**
 * The vocabulary shared by the scanner (`core/scan`) and the assessment (`core/assess`).
 *
 * Probes observe; they produce `EndpointFacts`, plain data with no judgement in it. The assessment turns
 * facts into the SSL Labs-shaped `EndpointDetails` (flags with the SSL Labs API v3 codes), the grade and
 * the vulnerability findings. Field names and codes below follow the SSL Labs assessment API docs
 * (ssllabs/ssllabs-scan, ssllabs-api-docs-v3.md), which the CertView endpoint sample reuses.
 */

/** Protocol versions as they appear on the wire (SSL Labs `Protocol.id`): 512 = SSLv2 … 772 = TLS 1.3. */
export const SSL2 = 0x0200;
export const SSL3 = 0x0300;
export const TLS10 = 0x0301;
export const TLS11 = 0x0302;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;
export type ProtocolVersion =
  typeof SSL2 | typeof SSL3 | typeof TLS10 | typeof TLS11 | typeof TLS12 | typeof TLS13;

/** Every protocol a probe may test, oldest first. */
export const ALL_PROTOCOLS: readonly ProtocolVersion[] = [SSL2, SSL3, TLS10, TLS11, TLS12, TLS13];

export interface ProtocolName {
  readonly id: ProtocolVersion;
  readonly name: 'SSL' | 'TLS';
  readonly version: string;
}

export function protocolName(id: ProtocolVersion): ProtocolName {
  switch (id) {
    case SSL2:
      return { id, name: 'SSL', version: '2.0' };
    case SSL3:
      return { id, name: 'SSL', version: '3.0' };
    default:
      return { id, name: 'TLS', version: `1.${id - TLS10}` };
  }
}

/**
 * Key exchange as SSL Labs names it in `Suite.kxType`: RSA, DH, ECDH (TLS 1.3 suites report the group's kind,
 * in practice ECDH), plus the rarer families the IANA registry holds.
 */
export type KxType = 'RSA' | 'DH' | 'ECDH' | 'PSK' | 'SRP' | 'KRB5' | 'ECCPWD' | 'GOST' | 'NULL';

/** Server authentication of a suite; `anon` suites authenticate nobody. TLS 1.3 suites carry `any`. */
export type AuthType =
  'RSA' | 'ECDSA' | 'DSS' | 'anon' | 'PSK' | 'SRP' | 'KRB5' | 'GOST' | 'ECCPWD' | 'any' | 'NULL';

export type CipherMode = 'AEAD' | 'CBC' | 'stream' | 'none';

/** One row of the cipher registry (`core/scan/ciphers.ts`). */
export interface CipherSuiteInfo {
  /** TLS: the two-byte IANA value (0x1301 = 4865). SSLv2: the three-byte kind (0x010080). */
  readonly id: number;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (SSL2_ names for SSLv2 kinds). */
  readonly iana: string;
  /** OpenSSL name as in the CertView sample (ECDHE-RSA-AES128-GCM-SHA256); the IANA name when OpenSSL has none. */
  readonly name: string;
  readonly kx: KxType;
  readonly auth: AuthType;
  /** Bulk cipher family: AES, CHACHA20, 3DES, DES, RC4, RC2, IDEA, SEED, CAMELLIA, ARIA, SM4, GOST, NULL … */
  readonly cipher: string;
  /** Effective symmetric strength in bits, as SSL Labs' `cipherStrength` (3DES = 112, export DES = 40 …). */
  readonly strength: number;
  /** Cipher block size in bits (64 for 3DES/DES/IDEA/RC2, 128 for AES …); 0 for stream ciphers and NULL. */
  readonly blockBits: number;
  readonly mode: CipherMode;
  /** MAC or PRF hash: SHA, SHA256, SHA384, MD5, AEAD … */
  readonly mac: string;
  readonly export: boolean;
  /** Ephemeral key exchange (DHE, ECDHE, all TLS 1.3 suites). */
  readonly forwardSecrecy: boolean;
  /** Lowest protocol that may negotiate the suite (TLS 1.2 for SHA-256/GCM suites, TLS 1.3 for 0x13xx). */
  readonly minProtocol: ProtocolVersion;
  /** Highest protocol that may negotiate it (TLS 1.2 for every pre-1.3 suite, TLS 1.3 for 0x13xx, SSLv2 kinds). */
  readonly maxProtocol: ProtocolVersion;
}

/** A named group (elliptic curve or finite-field group) as SSL Labs reports it. */
export interface NamedGroupInfo {
  readonly id: number;
  readonly name: string;
  /** EC bits (secp256r1 = 256, x25519 = 255 as SSL Labs does, ffdhe2048 = 2048). */
  readonly bits: number;
}

/** Server key exchange parameters seen with one accepted suite. */
export interface KeyExchangeParams {
  /** DHE: prime size in bits and the hex-encoded prime (for `dhPrimes`, known-prime checks). */
  readonly dhBits?: number;
  readonly dhP?: string;
  readonly dhG?: string;
  readonly dhYs?: string;
  /** ECDHE / TLS 1.3: the group the server chose. */
  readonly group?: NamedGroupInfo;
}

export interface AcceptedSuite {
  readonly suite: CipherSuiteInfo;
  readonly kx?: KeyExchangeParams;
}

/** What the enumeration of one protocol found. */
export interface ProtocolSuitesFacts {
  readonly protocol: ProtocolVersion;
  /** Accepted suites, in the server's preference order when it has one, else in our probe order. */
  readonly suites: readonly AcceptedSuite[];
  /** true: the server picks by its own order; false: it follows the client; null: could not tell (one suite). */
  readonly preference: boolean | null;
  /** SSLv2 only: the server speaks SSLv2 but offers no SSLv2 cipher kinds. */
  readonly v2SuitesDisabled?: boolean;
}

/** The result of one active vulnerability test, before it is mapped to the API's codes. */
export type TestOutcome<T extends string = 'vulnerable' | 'not-vulnerable'> =
  | { readonly status: T; readonly detail?: string }
  | { readonly status: 'failed' | 'timeout' | 'not-applicable'; readonly detail: string };

/** A certificate chain exactly as the server sent it (DER, leaf first). */
export interface ObservedChain {
  readonly certs: readonly Uint8Array[];
  /** true when the chain was only seen without SNI (SSL Labs `noSni`). */
  readonly noSni: boolean;
}

/** What the server's ServerHello said about itself, from the best TLS 1.2-or-older handshake. */
export interface ServerHelloFacts {
  /** renegotiation_info answered (RFC 5746). Null when no TLS 1.0–1.2 handshake was seen. */
  readonly secureRenegotiation: boolean | null;
  /** session_ticket extension answered (RFC 5077). */
  readonly sessionTicketExtension: boolean;
  /** signed_certificate_timestamp extension answered (RFC 6962 §3.3). */
  readonly sctExtension: boolean;
  /** status_request answered: the server staples OCSP (RFC 6066 §8). */
  readonly statusRequest: boolean;
}

/** What a full node:tls handshake and one HTTP request showed. Null fields: not observed. */
export interface SessionFacts {
  readonly ocspStapled: boolean;
  /** SSL Labs sessionTickets bit 0: the server issued a ticket. */
  readonly sessionTickets: boolean;
  /** SSL Labs sessionResumption: 0 no session ids, 1 ids but no resumption, 2 resumed. */
  readonly sessionResumption: 0 | 1 | 2;
  readonly alpn: string | null;
  /** Client-initiated renegotiation accepted (TLS 1.2 and older); null when not tested. */
  readonly clientRenegotiation: boolean | null;
  /** The HTTP answer over TLS, null when the service is not HTTP. */
  readonly http: {
    readonly statusCode: number;
    readonly hsts: string | null;
    readonly server: string | null;
  } | null;
}

/** Raw observations about one endpoint (ip, port, optional SNI name). No grading, no codes. */
export interface EndpointFacts {
  readonly ip: string;
  readonly port: number;
  readonly serverName: string | null;
  readonly startedAt: number;
  readonly durationMs: number;
  /** Null when the endpoint speaks SSL/TLS; otherwise why it could not be assessed. */
  readonly failure: string | null;
  /** Supported protocols only, oldest first, each with its accepted suites. */
  readonly protocols: readonly ProtocolSuitesFacts[];
  readonly namedGroups: { readonly list: readonly NamedGroupInfo[]; readonly preference: boolean | null };
  readonly chains: readonly ObservedChain[];
  /** A hello without SNI was refused while one with the name succeeded (SSL Labs sniRequired). */
  readonly sniRequired: boolean;
  readonly serverHello: ServerHelloFacts;
  readonly session: SessionFacts | null;
  /** The server refuses hellos without secure renegotiation signalling (renegSupport bit 3). */
  readonly requiresSecureRenegotiation: boolean;
  /**
   * A client without RFC 5746 signalling renegotiated after a TLS 1.0–1.2 handshake (renegSupport
   * bit 0, CVE-2009-3555); null when not tested (no TLS 1.0–1.2 suite the scanner's session engine
   * runs, or the first handshake failed).
   */
  readonly insecureRenegotiation: boolean | null;
  /** DEFLATE accepted; null when not testable. */
  readonly compression: boolean | null;
  /** TLS_FALLBACK_SCSV honoured; undefined with a single protocol (cannot be tested), null when the test failed. */
  readonly fallbackScsv: boolean | null | undefined;
  /** SSL Labs protocolIntolerance bits. */
  readonly protocolIntolerance: number;
  readonly heartbeat: boolean;
  readonly heartbleed: TestOutcome;
  /** SSL Labs openSslCcs code. */
  readonly openSslCcs: -1 | 0 | 1 | 2 | 3;
  /** SSL Labs ticketbleed code. */
  readonly ticketbleed: -1 | 0 | 1 | 2;
  /** Results of active tests that need a completed session (ROBOT, padding oracles), as SSL Labs codes. */
  readonly activeTests: Readonly<Record<string, number>>;
}
