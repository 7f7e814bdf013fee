/**
 * How a fake answers one ClientHello (TLS, or the SSLv2-framed "version 2 compatible" hello of RFC 5246
 * Appendix E.2): pure decisions over the parsed hello, no sockets. In order:
 *
 * 1. client_version in `intolerance.versions` → close without a word (version intolerance).
 * 2. Version: min(client_version, highest configured); not configured → protocol_version (70).
 *    supported_versions is ignored, so a TLS 1.3 hello gets TLS 1.2 when that is configured.
 * 3. `fallbackScsv` and TLS_FALLBACK_SCSV offered below the highest version → inappropriate_fallback (86).
 * 4. Suite: the server's or the client's order (`serverPreference`); ECDHE suites only when a group is
 *    shared (a client without supported_groups gets the server's first group). None → handshake_failure (40).
 * 5. Flight: ServerHello, Certificate (not for anonymous suites), ServerKeyExchange (DHE/ECDHE),
 *    ServerHelloDone, in one go (handshake records of up to 2^14 bytes).
 */
import { randomBytes } from 'node:crypto';
import {
  ALERT_DESCRIPTION,
  COMPRESSION_METHOD,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HEARTBEAT_MODE,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  buildCertificate,
  buildServerHello,
  concatBytes,
  ecPointFormatsExtension,
  encodeHandshake,
  encodeRecord,
  heartbeatExtension,
  renegotiationInfoExtension,
  sessionTicketExtension,
  type ClientHello,
  type Extension,
  type Ssl2ClientHello,
} from '../../../../src/core/scan/wire/index.js';
import type { ResolvedConfig } from './config.js';
import { buildServerKeyExchange, suiteKeyExchange } from './key-exchange.js';

/** The parts of a ClientHello a fake looks at (a parsed TLS hello has them all). */
export type HelloView = Pick<
  ClientHello,
  | 'version'
  | 'sessionId'
  | 'cipherSuites'
  | 'compressionMethods'
  | 'supportedGroups'
  | 'ecPointFormats'
  | 'signatureAlgorithms'
  | 'renegotiationInfo'
  | 'heartbeatMode'
  | 'sessionTicket'
  | 'renegotiationScsv'
  | 'fallbackScsv'
>;

export type HelloAnswer =
  /** Close the connection without sending anything. */
  | { readonly kind: 'close'; readonly why: string }
  /** Send this fatal alert with this record version, then close. */
  | { readonly kind: 'alert'; readonly description: number; readonly version: number }
  /** Send the flight and keep reading. */
  | {
      readonly kind: 'flight';
      readonly version: number;
      readonly suite: number;
      readonly group: number | null;
      readonly bytes: Uint8Array;
    };

const SSL3 = 0x0300;

/** A v2-compatible hello (SSLv2 framing, client_version ≥ 3.0) as the TLS hello it stands for. */
export function helloFromSsl2(hello: Ssl2ClientHello): HelloView {
  // Three-byte kinds whose first byte is 0 are the TLS suites (RFC 5246 Appendix E.2).
  const cipherSuites = hello.cipherKinds.filter((k) => k >>> 16 === 0);
  return {
    version: hello.version,
    sessionId: hello.sessionId,
    cipherSuites,
    compressionMethods: [COMPRESSION_METHOD.null],
    renegotiationScsv: cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
    fallbackScsv: cipherSuites.includes(TLS_FALLBACK_SCSV),
  };
}

/** The group for ECDHE, or null when none is shared. */
export function chooseGroup(
  config: ResolvedConfig,
  clientGroups: readonly number[] | undefined,
): number | null {
  // RFC 8422 §4: without supported_groups the server may use any curve.
  if (clientGroups === undefined) return config.groups[0] ?? null;
  const found = config.groupPreference
    ? config.groups.find((g) => clientGroups.includes(g))
    : clientGroups.find((g) => config.groups.includes(g));
  return found ?? null;
}

/** The suite to negotiate at `version`, or null. */
export function chooseSuite(
  config: ResolvedConfig,
  version: number,
  offered: readonly number[],
  group: number | null,
): number | null {
  const accepted = config.suitesFor(version);
  const usable = (s: number): boolean =>
    accepted.includes(s) && (group !== null || suiteKeyExchange(s).kind !== 'ecdhe');
  const found = config.serverPreference
    ? accepted.find((s) => offered.includes(s) && usable(s))
    : offered.find(usable);
  return found ?? null;
}

/**
 * ServerHello.session_id. Ticketbleed (CVE-2016-9244): the vulnerable F5 stack echoes a session id of
 * 32 bytes whatever the client sent with its ticket, so the bytes after the client's are process memory
 * (here: random non-zero bytes). Otherwise a fresh id (the fakes keep no session cache and cannot read
 * tickets, so nothing is ever resumed) that does not start with the client's bytes.
 */
export function serverSessionId(config: ResolvedConfig, hello: HelloView): Uint8Array {
  const ours = hello.sessionId;
  if (config.ticketbleed && (hello.sessionTicket?.length ?? 0) > 0 && ours.length < 32) {
    const id = new Uint8Array(randomBytes(32)).map((b) => b || 0xa5);
    id.set(ours);
    return id;
  }
  const fresh = new Uint8Array(randomBytes(32));
  if (ours.length > 0 && ours.every((b, i) => fresh[i] === b)) fresh[0] = (fresh[0] as number) ^ 0xff;
  return fresh;
}

function serverHelloExtensions(
  config: ResolvedConfig,
  hello: HelloView,
  kind: 'dhe' | 'ecdhe' | null,
): Extension[] {
  const out: Extension[] = [];
  if (config.secureRenegotiation && (hello.renegotiationInfo !== undefined || hello.renegotiationScsv)) {
    out.push(renegotiationInfoExtension());
  }
  // RFC 8422 §5.2: a server that picked an ECC suite answers ec_point_formats.
  if (kind === 'ecdhe' && hello.ecPointFormats !== undefined) out.push(ecPointFormatsExtension());
  if (config.sessionTickets && hello.sessionTicket !== undefined) {
    out.push(sessionTicketExtension());
  }
  if (config.heartbeat && hello.heartbeatMode !== undefined) {
    out.push(heartbeatExtension(HEARTBEAT_MODE.peer_allowed_to_send));
  }
  return out;
}

/** The answer to `hello` under `config`. */
export function answerHello(config: ResolvedConfig, hello: HelloView): HelloAnswer {
  if (config.intolerantVersions.has(hello.version)) {
    return { kind: 'close', why: `intolerant of client_version 0x${hello.version.toString(16)}` };
  }
  const highest = config.tlsVersions[config.tlsVersions.length - 1];
  // An SSLv2-only server cannot read TLS records.
  if (highest === undefined) return { kind: 'close', why: 'no TLS version configured' };
  const version = Math.min(hello.version, highest);
  const recordVersion = Math.max(SSL3, version);
  const alert = (description: number): HelloAnswer => ({
    kind: 'alert',
    description,
    version: recordVersion,
  });
  if (!config.tlsVersions.some((v) => v === version)) return alert(ALERT_DESCRIPTION.protocol_version);
  if (config.fallbackScsv && hello.fallbackScsv && hello.version < highest) {
    return alert(ALERT_DESCRIPTION.inappropriate_fallback);
  }
  const group = chooseGroup(config, hello.supportedGroups);
  const suite = chooseSuite(config, version, hello.cipherSuites, group);
  if (suite === null) return alert(ALERT_DESCRIPTION.handshake_failure);
  const kx = suiteKeyExchange(suite);
  const extensions = serverHelloExtensions(config, hello, kx.kind);
  const compressionMethod =
    config.compression && hello.compressionMethods.includes(COMPRESSION_METHOD.deflate)
      ? COMPRESSION_METHOD.deflate
      : COMPRESSION_METHOD.null;

  const messages = [
    buildServerHello({
      version,
      sessionId: serverSessionId(config, hello),
      cipherSuite: suite,
      compressionMethod,
      ...(extensions.length > 0 ? { extensions } : {}),
    }),
  ];
  if (!kx.anonymous) messages.push(buildCertificate({ certs: config.chain }));
  if (kx.kind !== null) {
    messages.push(
      buildServerKeyExchange({
        version,
        kind: kx.kind,
        anonymous: kx.anonymous,
        dhPrime: config.dhPrime,
        group,
        leafKey: config.leafKey,
        clientSignatureSchemes: hello.signatureAlgorithms,
      }),
    );
  }
  messages.push(encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)));
  return {
    kind: 'flight',
    version,
    suite,
    group: kx.kind === 'ecdhe' ? group : null,
    bytes: encodeRecord(CONTENT_TYPE.handshake, version, concatBytes(messages)),
  };
}
