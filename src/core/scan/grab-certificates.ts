import { suitesForProtocol } from './ciphers.js';
import { ScanNetworkError, statusMessageOf, type Target } from './connection.js';
import { sendHello } from './probes/hello.js';
import { readTls13Chain } from './probes/tls13-chain.js';
import { tlsSession } from './probes/tls-session.js';
import type { Scheduler } from './scheduler.js';
import { TLS12, type ProtocolVersion } from './types.js';

/**
 * Discovery: the served certificate chain of an endpoint in as few connections as possible. One
 * TLS 1.2 hello offering every suite reads the chain in plaintext; a server that speaks only TLS 1.3
 * (where the Certificate message is encrypted) gets our own TLS 1.3 handshake, decrypted up to its
 * Certificate so the served order is kept, and a node:tls handshake only when that one fails (its
 * chain is ordered by issuer). No grading.
 */
export interface GrabResult {
  readonly ip: string;
  readonly port: number;
  readonly serverName: string | null;
  /** Null when the endpoint could not be read; then `failure` says why. */
  readonly chain: readonly Uint8Array[] | null;
  /** The version the server answered with ('TLSv1.2', 'TLSv1.3' …). */
  readonly protocol: string | null;
  readonly failure: string | null;
}

const TLS12_SUITES = suitesForProtocol(TLS12).map((s) => s.id);

const name = (v: number): string =>
  v === 0x0300 ? 'SSLv3' : v >= 0x0301 && v <= 0x0304 ? `TLSv1.${v - 0x0301}` : `0x${v.toString(16)}`;

function failureOf(e: unknown): string {
  if (!(e instanceof ScanNetworkError)) throw e;
  return statusMessageOf(e);
}

export async function grabCertificates(
  scheduler: Scheduler,
  input: {
    readonly ip: string;
    readonly port: number;
    readonly serverName: string | null;
    readonly signal?: AbortSignal;
  },
): Promise<GrabResult> {
  const target: Target = { host: input.ip, port: input.port };
  const base = { ip: input.ip, port: input.port, serverName: input.serverName };
  try {
    const outcome = await scheduler.probe(
      target,
      (conn) => sendHello(conn, { version: TLS12, suites: TLS12_SUITES, serverName: input.serverName }),
      input.signal,
    );
    if (
      outcome.kind === 'tls' &&
      outcome.flight.certificates !== null &&
      outcome.flight.certificates.length > 0
    ) {
      return {
        ...base,
        chain: outcome.flight.certificates,
        protocol: name(outcome.flight.serverHello.version as ProtocolVersion),
        failure: null,
      };
    }
    if (outcome.kind === 'refused' && (outcome.reason === 'closed' || outcome.reason === 'malformed')) {
      // Silence or non-TLS bytes in answer to a hello: not a TLS service (an HTTP or SSH port).
      return { ...base, chain: null, protocol: null, failure: 'No SSL/TLS service' };
    }
    // A network failure here still leaves node:tls to try: a server may stall on our hello alone.
    const tls13 = await scheduler
      .probe(target, (conn) => readTls13Chain(conn, { serverName: input.serverName }), input.signal)
      .catch((e: unknown) => {
        if (ScanNetworkError.is(e) && e.failure !== 'aborted') return null;
        throw e;
      });
    if (tls13 !== null && tls13.chain.length > 0) {
      return { ...base, chain: tls13.chain, protocol: 'TLSv1.3', failure: null };
    }
    const session = await scheduler.probe(
      target,
      (conn, signal) => tlsSession(conn, signal, { serverName: input.serverName, http: false }),
      input.signal,
    );
    return session.chain.length > 0
      ? { ...base, chain: session.chain, protocol: session.protocol, failure: null }
      : { ...base, chain: null, protocol: session.protocol, failure: 'No certificate was sent' };
  } catch (e) {
    return { ...base, chain: null, protocol: null, failure: failureOf(e) };
  }
}
