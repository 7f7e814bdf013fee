import { cipherSuite } from '../ciphers.js';
import type { ProbeConnection } from '../connection.js';
import { TLS13, type ProtocolVersion } from '../types.js';
import {
  EXTENSION_TYPE,
  KEY_SHARE_GROUPS,
  NAMED_GROUP,
  RecordReader,
  SIGNATURE_SCHEME,
  WireFormatError,
  buildClientHelloRecord,
  ecPointFormatsExtension,
  extendedMasterSecretExtension,
  generateKeyShare,
  keyShareExtension,
  parseServerFlight,
  renegotiationInfoExtension,
  serverNameExtension,
  signatureAlgorithmsExtension,
  supportedGroupsExtension,
  supportedVersionsExtension,
  type Alert,
  type Extension,
  type KeyExchangeKind,
  type ServerFlight,
  type Tls13Flight,
  type TlsFlight,
  type WireRecord,
} from '../wire/index.js';

/**
 * One ClientHello and the server's plaintext answer, over the probe's one connection: the building block
 * of protocol, suite and group enumeration and of most vulnerability probes.
 */

/** Every curve a scanner offers by default: servers pick among what we list, so list them all. */
export const EC_GROUPS: readonly number[] = [
  NAMED_GROUP.x25519,
  NAMED_GROUP.secp256r1,
  NAMED_GROUP.secp384r1,
  NAMED_GROUP.secp521r1,
  NAMED_GROUP.x448,
  // brainpoolP256r1/384r1/512r1 (RFC 7027) and their TLS 1.3 code points (RFC 8734)
  26,
  27,
  28,
  31,
  32,
  33,
  // secp256k1, secp224r1, secp192r1 and older curves still found on appliances (RFC 4492)
  22,
  21,
  19,
  24,
  23,
  25,
  20,
  18,
  17,
  16,
  15,
  14,
  13,
  12,
  11,
  10,
  9,
  8,
  7,
  6,
  5,
  4,
  3,
  2,
  1,
];

/** Signature schemes, modern and legacy, so no server declines for lack of one. */
export const SIGNATURE_SCHEMES: readonly number[] = [
  SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
  SIGNATURE_SCHEME.ecdsa_secp384r1_sha384,
  SIGNATURE_SCHEME.ecdsa_secp521r1_sha512,
  SIGNATURE_SCHEME.ed25519,
  SIGNATURE_SCHEME.ed448,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha256,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha384,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha512,
  SIGNATURE_SCHEME.rsa_pss_pss_sha256,
  SIGNATURE_SCHEME.rsa_pss_pss_sha384,
  SIGNATURE_SCHEME.rsa_pss_pss_sha512,
  SIGNATURE_SCHEME.rsa_pkcs1_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha384,
  SIGNATURE_SCHEME.rsa_pkcs1_sha512,
  // SHA-224 and DSA schemes (RFC 5246 §7.4.1.4.1 pairs) still used by old servers
  0x0301,
  0x0302,
  0x0303,
  0x0402,
  0x0502,
  0x0602,
  SIGNATURE_SCHEME.rsa_pkcs1_sha1,
  SIGNATURE_SCHEME.ecdsa_sha1,
];

export interface HelloSpec {
  /** The highest version offered: client_version up to TLS 1.2, supported_versions for TLS 1.3. */
  readonly version: ProtocolVersion;
  readonly suites: readonly number[];
  readonly serverName: string | null;
  /** supported_groups; EC_GROUPS by default (TLS 1.3: the groups to choose from). */
  readonly groups?: readonly number[];
  /** Extra extensions, after the defaults. */
  readonly extensions?: readonly Extension[];
  /** Compression methods offered; [0] by default. */
  readonly compression?: readonly number[];
  /** Legacy client_version to send instead of `version` (intolerance tests). */
  readonly clientVersion?: number;
  /** Versions for supported_versions (TLS 1.3 probes); [version] by default when version is TLS 1.3. */
  readonly supportedVersions?: readonly number[];
  /** SSL 3.0 hellos carry no extensions, as SSL 3.0 clients did. Default: extensions unless SSL 3.0. */
  readonly withExtensions?: boolean;
  /** legacy_session_id to send (default: empty, or 32 bytes for TLS 1.3 compatibility mode). */
  readonly sessionId?: Uint8Array;
  /** Leave out renegotiation_info (secure renegotiation tests). */
  readonly withoutRenegotiationInfo?: boolean;
  /** Read until ServerHelloDone (certificates, key exchange) or stop at the ServerHello. Default: flight. */
  readonly until?: 'server-hello' | 'flight';
}

export type HelloOutcome =
  | { readonly kind: 'tls'; readonly flight: TlsFlight; readonly records: readonly WireRecord[] }
  | { readonly kind: 'tls13'; readonly flight: Tls13Flight; readonly records: readonly WireRecord[] }
  | {
      readonly kind: 'refused';
      /** The fatal alert, when the server sent one before closing. */
      readonly alert: Alert | null;
      /** 'alert', 'closed' (no answer, connection closed or reset), 'ssl2' (an SSLv2 answer), 'malformed'. */
      readonly reason: 'alert' | 'closed' | 'ssl2' | 'malformed';
      readonly detail?: string;
    };

const keyExchangeOf = (id: number): KeyExchangeKind | undefined => {
  const s = cipherSuite(id);
  if (s === undefined || !s.forwardSecrecy) return undefined;
  return s.kx === 'DH' ? 'dhe' : s.kx === 'ECDH' ? 'ecdhe' : undefined;
};

/** The ClientHello record for a spec. */
export function helloRecord(spec: HelloSpec): Uint8Array {
  const tls13 = spec.version >= TLS13;
  const groups = spec.groups ?? EC_GROUPS;
  const withExtensions = spec.withExtensions ?? spec.version > 0x0300;
  const extensions: Extension[] = [];
  if (withExtensions) {
    if (spec.serverName !== null) extensions.push(serverNameExtension(spec.serverName));
    extensions.push(supportedGroupsExtension(groups), ecPointFormatsExtension());
    if (spec.version >= 0x0303) extensions.push(signatureAlgorithmsExtension(SIGNATURE_SCHEMES));
    if (spec.withoutRenegotiationInfo !== true) extensions.push(renegotiationInfoExtension());
    // As browsers do; a server must refuse to resume an EMS session without it (RFC 7627 §5.3).
    extensions.push(extendedMasterSecretExtension());
    if (tls13 || spec.supportedVersions !== undefined) {
      extensions.push(supportedVersionsExtension(spec.supportedVersions ?? [spec.version]));
      // One real share for the first group we can generate; a server preferring another asks with an HRR.
      const shareGroup = groups.find((g) => KEY_SHARE_GROUPS.includes(g));
      extensions.push(keyShareExtension(shareGroup === undefined ? [] : [generateKeyShare(shareGroup)]));
      // psk_key_exchange_modes is required alongside key_share by some servers.
      extensions.push({ type: EXTENSION_TYPE.psk_key_exchange_modes, data: new Uint8Array([1, 1]) });
    }
    extensions.push(...(spec.extensions ?? []));
  }
  const clientVersion = spec.clientVersion ?? Math.min(spec.version, 0x0303);
  return buildClientHelloRecord(
    {
      version: clientVersion,
      cipherSuites: spec.suites,
      compressionMethods: spec.compression ?? [0],
      ...(withExtensions ? { extensions } : {}),
      // A 32-byte session id, as browsers send, keeps middleboxes in TLS 1.3 compatibility mode quiet.
      ...(spec.sessionId !== undefined
        ? { sessionId: spec.sessionId }
        : tls13
          ? { sessionId: new Uint8Array(32).fill(7) }
          : {}),
      padToAvoid256To511: true,
    },
    // Record version: TLS 1.0 for compatibility (RFC 8446 §5.1), SSL 3.0 for SSL 3.0 hellos.
    spec.version === 0x0300 ? 0x0300 : 0x0301,
  );
}

/**
 * Reads records from `conn` until `done(flight)` or the server stops talking. Returns every record read
 * and the last parse of the flight.
 */
export async function readFlight(
  conn: ProbeConnection,
  done: (flight: ServerFlight) => boolean,
): Promise<{ records: WireRecord[]; flight: ServerFlight | null; error?: string }> {
  const reader = new RecordReader();
  const records: WireRecord[] = [];
  let flight: ServerFlight | null = null;
  for (;;) {
    const chunk = await conn.read();
    if (chunk === null) return { records, flight };
    try {
      records.push(...reader.push(chunk));
      flight = parseServerFlight(records, { keyExchange: keyExchangeOf });
    } catch (e) {
      if (e instanceof WireFormatError) return { records, flight, error: e.message };
      throw e;
    }
    if (done(flight)) return { records, flight };
  }
}

/** Sends the hello and reads the answer. Network failures other than a reset reject (ScanNetworkError). */
export async function sendHello(conn: ProbeConnection, spec: HelloSpec): Promise<HelloOutcome> {
  await conn.write(helloRecord(spec));
  const stopAtHello = spec.until === 'server-hello';
  const { records, flight, error } = await readFlight(
    conn,
    (f) => f.complete || f.fatalAlert !== null || (stopAtHello && f.kind !== 'none'),
  );
  if (flight?.kind === 'tls') return { kind: 'tls', flight, records };
  if (flight?.kind === 'tls13') return { kind: 'tls13', flight, records };
  if (flight?.kind === 'ssl2') return { kind: 'refused', alert: null, reason: 'ssl2' };
  if (error !== undefined) return { kind: 'refused', alert: null, reason: 'malformed', detail: error };
  const alert = flight?.fatalAlert ?? null;
  return { kind: 'refused', alert, reason: alert !== null ? 'alert' : 'closed' };
}
