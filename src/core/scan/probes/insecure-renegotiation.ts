/**
 * Insecure client-initiated renegotiation (CVE-2009-3555; SSL Labs `renegSupport` bit 0).
 *
 * A server that renegotiates with a client that never showed RFC 5746 support lets a man in the
 * middle splice his own request in front of a victim's handshake. OpenSSL, and so node:tls, refuses
 * to be such a client, so the test runs on the scanner's own session engine: a TLS 1.0–1.2 handshake
 * with neither the renegotiation_info extension nor TLS_EMPTY_RENEGOTIATION_INFO_SCSV, then a new
 * ClientHello without them, protected under the session (RFC 5746 §4.1 describes such a client).
 *
 * Accepted when the server answers with a ServerHello. Refused when it sends a no_renegotiation
 * warning (RFC 5246 §7.2.2), a fatal alert such as handshake_failure (RFC 5746 §4.4 for a server
 * that implements the RFC), closes, or stays silent for the reaction timeout. A server that asks
 * for RFC 5746 in every first handshake (renegSupport bit 3) leaves the test without an answer.
 *
 * RFC 5746 support in the first ServerHello settles nothing: OpenSSL with
 * SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION (`s_server -legacy_renegotiation`) answers a secure
 * client with renegotiation_info and still renegotiates with a legacy one. A ServerHello is bit 0
 * either way. The one case the scan does not ask is `refusesClientRenegotiation`.
 */
import { ScanNetworkError, type ProbeConnection } from '../connection.js';
import { SessionError, TlsClient, cipherSpec, keyExchangeOf, type Reaction } from '../session/index.js';
import { HANDSHAKE_TYPE } from '../wire/index.js';
import { SSL2, SSL3, TLS13, type ProtocolSuitesFacts, type ProtocolVersion } from '../types.js';

export interface InsecureRenegotiationOptions {
  readonly serverName: string | null;
  /** How long to wait for the answer to the renegotiation ClientHello. */
  readonly reactionTimeoutMs: number;
  /** Randomness for the engine; injectable for tests. */
  readonly random?: (n: number) => Uint8Array;
}

/** The hello of the test: the best TLS 1.0–1.2 protocol and those of its accepted suites the engine runs. */
export interface RenegotiationHello {
  readonly version: ProtocolVersion;
  readonly suites: readonly number[];
}

/**
 * What to offer, from the suites enumeration found; null when no TLS 1.0–1.2 protocol has a suite
 * the engine can complete a handshake with (the test is then not run).
 */
export function renegotiationHello(protocols: readonly ProtocolSuitesFacts[]): RenegotiationHello | null {
  const legacy = protocols
    .filter((p) => p.protocol !== SSL2 && p.protocol !== SSL3 && p.protocol !== TLS13)
    .sort((a, b) => b.protocol - a.protocol);
  for (const p of legacy) {
    const suites = p.suites
      .map((s) => s.suite.id)
      .filter((id) => keyExchangeOf(id) !== undefined && cipherSpec(id) !== undefined);
    if (suites.length > 0) return { version: p.protocol, suites };
  }
  return null;
}

type Seen = Pick<Reaction, 'alerts' | 'handshakeTypes'>;

/**
 * The answer is known without asking: the server implements RFC 5746 and refused a secure
 * client-initiated renegotiation (node:tls, `tlsSession`), so it refuses clients' renegotiations
 * altogether. OpenSSL decides whether a client may renegotiate at all (SSL_OP_NO_RENEGOTIATION, and
 * since 3.0 SSL_OP_ALLOW_CLIENT_RENEGOTIATION) before it looks at RFC 5746 signalling. Not asking
 * matters on `openssl s_server -www`, which serves no one for a second after refusing a
 * renegotiation (an accepted one costs nothing): that second would hold up a second probe.
 */
export function refusesClientRenegotiation(
  secureRenegotiation: boolean | null,
  secureClientRenegotiation: boolean | null,
): boolean {
  return secureRenegotiation === true && secureClientRenegotiation === false;
}

/** The server went on with the renegotiation: a ServerHello came back (decrypted under the session). */
export function acceptedRenegotiation(seen: Seen): boolean {
  return seen.handshakeTypes.includes(HANDSHAKE_TYPE.server_hello);
}

/**
 * The answer is in: a ServerHello, or an alert (a no_renegotiation warning leaves the connection
 * open, so waiting on would only run out the timeout). A close or silence ends the wait by itself.
 */
export function renegotiationAnswered(seen: Seen): boolean {
  return acceptedRenegotiation(seen) || seen.alerts.length > 0;
}

/**
 * One connection: handshake as a legacy client, then renegotiate. Resolves true (renegotiation
 * accepted) or false (refused); null when the first handshake did not complete, so nothing was
 * learned. Network failures other than an abort also resolve null.
 */
export async function insecureRenegotiationProbe(
  conn: ProbeConnection,
  signal: AbortSignal,
  hello: RenegotiationHello,
  options: InsecureRenegotiationOptions,
): Promise<boolean | null> {
  const client = new TlsClient(conn, options.random !== undefined ? { random: options.random } : {});
  const helloOptions = {
    version: hello.version,
    suites: hello.suites,
    serverName: options.serverName,
    renegotiationInfo: false,
  } as const;
  try {
    await client.handshake(helloOptions);
  } catch (e) {
    if (e instanceof SessionError) return null;
    if (e instanceof ScanNetworkError && e.failure !== 'aborted') return null;
    throw e;
  }
  signal.throwIfAborted();
  try {
    if (!(await client.send(client.renegotiationHelloRecord(helloOptions)))) return false;
    return acceptedRenegotiation(
      await client.observe(options.reactionTimeoutMs, { until: renegotiationAnswered }),
    );
  } catch (e) {
    // The handshake completed: a reset or an unreadable answer now is a refusal, not a failure.
    if (e instanceof SessionError) return false;
    if (e instanceof ScanNetworkError && e.failure !== 'aborted') return false;
    throw e;
  }
}
