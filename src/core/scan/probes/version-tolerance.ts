import type { ProbeConnection } from '../connection.js';
import { TLS12, type ProtocolVersion } from '../types.js';
import { sendHello, type HelloOutcome, type HelloSpec } from './hello.js';

/**
 * SSL Labs `protocolIntolerance` bits and the client_version each one tests: a server that speaks
 * TLS 1.2 must answer a hello with a higher client_version by negotiating what it has (RFC 5246
 * Appendix E.1); refusing instead is version intolerance.
 */
export const INTOLERANCE_TESTS: readonly { readonly bit: number; readonly clientVersion: number }[] = [
  { bit: 8, clientVersion: 0x0304 }, // TLS 1.3 as a legacy client_version
  { bit: 16, clientVersion: 0x0398 }, // "TLS 1.152"
  { bit: 32, clientVersion: 0x0498 }, // "TLS 2.152"
];

/** A hello claiming `clientVersion` with TLS 1.2 suites and no supported_versions: accepted at all? */
export async function toleratesVersion(
  conn: ProbeConnection,
  spec: HelloSpec,
  clientVersion: number,
): Promise<boolean> {
  const outcome = await sendHello(conn, { ...spec, version: TLS12, clientVersion, until: 'server-hello' });
  return outcome.kind === 'tls';
}

/**
 * TLS_FALLBACK_SCSV (RFC 7507): a hello at a version below the server's highest, with the SCSV. A
 * server that supports it answers inappropriate_fallback; one that negotiates does not.
 * Null when the answer is neither (the test failed).
 */
export async function supportsFallbackScsv(
  conn: ProbeConnection,
  spec: HelloSpec,
  lowerVersion: ProtocolVersion,
): Promise<boolean | null> {
  const outcome: HelloOutcome = await sendHello(conn, {
    ...spec,
    version: lowerVersion,
    suites: [...spec.suites, 0x5600],
    until: 'server-hello',
  });
  if (outcome.kind === 'refused') return outcome.alert?.name === 'inappropriate_fallback' ? true : null;
  return false;
}

/** DEFLATE (RFC 3749) offered beside null: does the server choose it (CRIME)? Null when refused. */
export async function acceptsCompression(conn: ProbeConnection, spec: HelloSpec): Promise<boolean | null> {
  const outcome = await sendHello(conn, { ...spec, compression: [1, 0], until: 'server-hello' });
  return outcome.kind === 'tls' ? outcome.flight.serverHello.compressionMethod === 1 : null;
}

/**
 * Whether the server insists on secure renegotiation support (SSL Labs renegSupport bit 3): a hello with
 * neither renegotiation_info nor the SCSV is refused while an ordinary one is accepted.
 */
export async function requiresSecureRenegotiation(conn: ProbeConnection, spec: HelloSpec): Promise<boolean> {
  const outcome = await sendHello(conn, { ...spec, withoutRenegotiationInfo: true, until: 'server-hello' });
  return outcome.kind === 'refused';
}
