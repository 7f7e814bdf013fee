import {
  connect as tlsConnect,
  type ConnectionOptions,
  type DetailedPeerCertificate,
  type TLSSocket,
} from 'node:tls';
import { ScanNetworkError, type ProbeConnection } from '../connection.js';

/**
 * A full handshake through node:tls (OpenSSL) over the probe's one connection, then one HTTP request.
 * It sees what only a finished handshake shows: OCSP stapling, session tickets, the chain OpenSSL
 * received, and over HTTP the service, status, Server header and HSTS. OpenSSL here cannot speak
 * SSLv2/SSLv3 or export suites; the wire probes cover those.
 */
export interface TlsSessionOptions {
  /** SNI name; null sends none (a scan by address). */
  readonly serverName: string | null;
  /** Send an HTTP request after the handshake to detect the service and read its headers. */
  readonly http?: boolean;
  /** How long to wait for an HTTP answer before deciding the service is not HTTP. */
  readonly httpWaitMs?: number;
  /** The Host header; defaults to the SNI name. */
  readonly hostHeader?: string;
  readonly alpn?: readonly string[];
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Try a client-initiated renegotiation after the handshake (TLS 1.2 and older only). */
  readonly renegotiate?: boolean;
  /** How long to wait for the renegotiation to complete or be refused. Default 2 s. */
  readonly renegotiationWaitMs?: number;
}

export interface HttpAnswer {
  readonly statusCode: number;
  /** The first Strict-Transport-Security header, null when absent. */
  readonly hsts: string | null;
  /** The Server header, null when absent. */
  readonly server: string | null;
}

export interface TlsSessionResult {
  /** 'TLSv1.3', 'TLSv1.2' … as OpenSSL names it. */
  readonly protocol: string | null;
  /** IANA name of the suite, e.g. TLS_AES_128_GCM_SHA256. */
  readonly cipher: string | null;
  readonly alpn: string | null;
  readonly ocspStapled: boolean;
  /** The server sent a session ticket (RFC 5077 NewSessionTicket, or a TLS 1.3 ticket). */
  readonly sessionTicket: boolean;
  /** The chain OpenSSL received, leaf first (node:tls orders it by issuer; not the served order). */
  readonly chain: readonly Uint8Array[];
  /** The session to offer for resumption on a later connection. */
  readonly session: Buffer | null;
  /** This handshake resumed the session it was given. */
  readonly resumed: boolean;
  /** The RFC 5077 ticket the server issued (TLS 1.2 and older), for the Ticketbleed probe. */
  readonly ticket: Uint8Array | null;
  /** Client-initiated renegotiation: null when not tried (not asked, or TLS 1.3). */
  readonly clientRenegotiation: boolean | null;
  /** Null when the service did not answer HTTP. */
  readonly http: HttpAnswer | null;
}

const REQUEST_LIMIT = 32 * 1024;

/** Parses the head of an HTTP/1.x response; null when the bytes are not one. */
export function parseHttpHead(text: string): HttpAnswer | null {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split('\r\n');
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(lines[0] ?? '');
  if (!status) return null;
  let hsts: string | null = null;
  let server: string | null = null;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'strict-transport-security' && hsts === null) hsts = value;
    else if (name === 'server' && server === null) server = value;
  }
  return { statusCode: Number(status[1]), hsts, server };
}

/** The chain as OpenSSL received it, leaf first, each certificate once. */
function peerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

async function httpExchange(
  socket: TLSSocket,
  host: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<HttpAnswer | null> {
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: certgrid-scan\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
  );
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      socket.removeListener('data', onData);
      resolve(parseHttpHead(text));
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n') || text.length > REQUEST_LIMIT) finish();
    };
    const timer = setTimeout(finish, waitMs);
    signal.addEventListener('abort', finish, { once: true });
    socket.on('data', onData);
    socket.once('end', finish);
    socket.once('close', finish);
  });
}

/**
 * Asks for a renegotiation; true when the server completes it, false when it refuses, hangs up, or
 * says nothing within `waitMs`.
 */
function renegotiate(socket: TLSSocket, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    const refused = () => {
      clearTimeout(timer);
      resolve(false);
    };
    // A refusal arrives as a no_renegotiation alert (a socket error) or a hang-up.
    socket.once('close', refused);
    socket.once('error', refused);
    const started = socket.renegotiate({ rejectUnauthorized: false }, (err) => {
      clearTimeout(timer);
      resolve(err === null || err === undefined);
    });
    if (started === false) {
      clearTimeout(timer);
      resolve(false);
    }
  });
}

/**
 * Runs the handshake over `conn` (which it then owns). Rejects with ScanNetworkError
 * 'connection-reset' when the server refuses every protocol and suite OpenSSL offers.
 */
export function tlsSession(
  conn: ProbeConnection,
  signal: AbortSignal,
  options: TlsSessionOptions,
  resume?: Buffer,
): Promise<TlsSessionResult> {
  return new Promise((resolve, reject) => {
    let ocspStapled = false;
    let session: Buffer | null = null;
    let ticket = false;
    const connectOptions: ConnectionOptions & { requestOCSP: boolean } = {
      socket: conn.socket,
      // An address as host keeps node:tls from sending SNI by itself; servername sends it on purpose.
      host: conn.socket.remoteAddress ?? '127.0.0.1',
      ...(options.serverName !== null ? { servername: options.serverName } : {}),
      rejectUnauthorized: false,
      // Assess, don't judge: accept every protocol and suite this OpenSSL still has, any DH size.
      minVersion: 'TLSv1',
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      ciphers: 'ALL:COMPLEMENTOFALL:@SECLEVEL=0',
      minDHSize: 1,
      requestOCSP: true,
      ...(options.alpn !== undefined ? { ALPNProtocols: [...options.alpn] } : {}),
      ...(resume !== undefined ? { session: resume } : {}),
    };
    // requestOCSP is passed through to the TLSSocket (node's docs); its typings omit it on connect.
    const socket = tlsConnect(connectOptions);
    const fail = (e: unknown) => {
      socket.destroy();
      reject(
        signal.aborted && signal.reason instanceof ScanNetworkError
          ? signal.reason
          : e instanceof ScanNetworkError
            ? e
            : new ScanNetworkError('connection-reset', e instanceof Error ? e.message : String(e)),
      );
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('OCSPResponse', (response: Buffer | null) => {
      ocspStapled = response !== null && response.length > 0;
    });
    socket.on('session', (s: Buffer) => {
      session = s;
      // TLS 1.3 sends tickets after the handshake; for 1.2 a ticket shows in the session itself.
      ticket = ticket || socket.getProtocol() === 'TLSv1.3' || socket.getTLSTicket() !== undefined;
    });
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      // From here on the handshake is done: a later error (a refused renegotiation, a reset during
      // the HTTP request) ends that step, not the probe.
      socket.removeListener('error', fail);
      socket.on('error', () => {});
      void (async () => {
        try {
          const protocol = socket.getProtocol();
          const cipher = socket.getCipher();
          const chain = peerChain(socket);
          const ticketBytes = socket.getTLSTicket();
          const clientRenegotiation =
            options.renegotiate === true && protocol !== 'TLSv1.3'
              ? await renegotiate(socket, options.renegotiationWaitMs ?? 2_000)
              : null;
          const http =
            options.http === false
              ? null
              : await httpExchange(
                  socket,
                  options.hostHeader ?? options.serverName ?? conn.socket.remoteAddress ?? 'localhost',
                  options.httpWaitMs ?? 2_000,
                  signal,
                );
          // TLS 1.3 tickets arrive after the first read; give them the HTTP round trip.
          if (socket.getTLSTicket() !== undefined) ticket = true;
          signal.removeEventListener('abort', onAbort);
          const alpn = socket.alpnProtocol;
          resolve({
            protocol: protocol ?? null,
            cipher: cipher?.standardName ?? null,
            alpn: typeof alpn === 'string' ? alpn : null,
            ocspStapled,
            sessionTicket: ticket,
            chain,
            session: session ?? socket.getSession() ?? null,
            resumed: socket.isSessionReused(),
            ticket: ticketBytes !== undefined && ticketBytes.length > 0 ? new Uint8Array(ticketBytes) : null,
            clientRenegotiation,
            http,
          });
          socket.destroy();
        } catch (e) {
          fail(e);
        }
      })();
    });
  });
}
