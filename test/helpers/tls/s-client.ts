/**
 * `openssl s_client` as an independent judge of a TLS server: one handshake, its output parsed.
 */
import { execFile } from 'node:child_process';
import { splitPems } from '../tls-fixtures.js';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Oldest first. SSL 2 and 3 are missing: this OpenSSL build can neither offer nor accept them. */
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The version on the wire (SSL Labs `Protocol.id`): TLSv1 = 0x0301 … TLSv1.3 = 0x0304. */
export const TLS_VERSION_WIRE: Readonly<Record<TlsVersion, number>> = {
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

const VERSION_FLAG: Readonly<Record<TlsVersion, string>> = {
  TLSv1: '-tls1',
  'TLSv1.1': '-tls1_1',
  'TLSv1.2': '-tls1_2',
  'TLSv1.3': '-tls1_3',
};

export interface SClientOptions {
  readonly host?: string;
  readonly port: number;
  /** Offer this version only. */
  readonly version?: TlsVersion;
  /**
   * TLS <= 1.2 cipher string; `@SECLEVEL=0` is appended so the client offers everything it has and a refusal is
   * the server's (at the default level 2 this OpenSSL will not even offer TLS 1.0/1.1 or a 1024-bit DH group).
   */
  readonly cipher?: string;
  /** Default `localhost`. */
  readonly servername?: string;
  /** Trust anchors for the `verification` result. */
  readonly caFile?: string;
  /** Checked against the leaf for the `verification` result. */
  readonly verifyHostname?: string;
  /**
   * Security level of the `verification` result (`-auth_level`), apart from the handshake's level 0: 2 judges
   * the chain as a client at this OpenSSL's default would (SHA-1 signatures and 1024-bit keys are too weak).
   */
  readonly authLevel?: number;
  /** Client certificate and key (and the certificates to send after it). */
  readonly clientCert?: { readonly cert: string; readonly key: string; readonly chain?: string };
  /** Sent after the handshake (e.g. an HTTP request); the reply is read until the server closes or 3 s pass. */
  readonly send?: string;
  readonly timeoutMs?: number;
}

export interface SClientResult {
  /** The handshake completed (s_client printed a negotiated cipher). */
  readonly connected: boolean;
  readonly protocol?: TlsVersion;
  /** OpenSSL name of the negotiated suite, e.g. ECDHE-RSA-AES128-GCM-SHA256, TLS_AES_256_GCM_SHA384. */
  readonly cipher?: string;
  /** `DH, 1024 bits`, `X25519, 253 bits` … (absent for RSA key exchange). */
  readonly serverTempKey?: string;
  /** The certificates the server sent, in its order. */
  readonly chain: readonly string[];
  /** `ok`, or OpenSSL's reason (`certificate has expired`, `hostname mismatch` …). */
  readonly verification?: string;
  /** The server sent a TLS 1.2 session ticket (or a TLS 1.3 one, when one arrived before s_client quit). */
  readonly sessionTicket: boolean;
  /** A TLS alert the client received, e.g. `tlsv13 alert certificate required`. */
  readonly alert?: string;
  /** Everything s_client printed, stdout then stderr. */
  readonly output: string;
}

/** Runs one `openssl s_client` handshake (asynchronously: servers may be running in this process). */
export function sClient(options: SClientOptions): Promise<SClientResult> {
  const args = [
    's_client',
    '-connect',
    `${options.host ?? '127.0.0.1'}:${options.port}`,
    '-servername',
    options.servername ?? 'localhost',
    '-showcerts',
    '-cipher',
    `${options.cipher ?? 'ALL'}:@SECLEVEL=0`,
  ];
  if (options.version) args.push(VERSION_FLAG[options.version]);
  if (options.caFile) args.push('-CAfile', options.caFile);
  if (options.verifyHostname) args.push('-verify_hostname', options.verifyHostname);
  if (options.authLevel !== undefined) args.push('-auth_level', String(options.authLevel));
  if (options.clientCert) {
    args.push('-cert', options.clientCert.cert, '-key', options.clientCert.key);
    if (options.clientCert.chain) args.push('-cert_chain', options.clientCert.chain);
  }
  // -ign_eof keeps the connection open after stdin ends, to read the reply (or a TLS 1.3 post-handshake alert).
  if (options.send !== undefined) args.push('-ign_eof');
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      args,
      { encoding: 'utf8', timeout: options.timeoutMs ?? 15_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => resolve(parseSClient(`${stdout}\n${stderr}`, err === null)),
    );
    // s_client may exit (a refused handshake) before it reads its input: a broken pipe is not an error.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.send ?? '');
  });
}

/**
 * `exitedCleanly`: s_client prints the session it was negotiating even when the server then aborts the handshake
 * (a TLS 1.2 server refusing a missing client certificate after the client's Finished); its exit status tells.
 */
export function parseSClient(output: string, exitedCleanly: boolean): SClientResult {
  // "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256" / "New, (NONE), Cipher is (NONE)"
  const session = /^(?:New|Reused), (\S+), Cipher is (\S+)/m.exec(output);
  const connected = exitedCleanly && session !== null && session[2] !== '(NONE)';
  // The "New," line names the suite's own version (TLSv1.0 for a CBC-SHA suite in TLS 1.2), not the connection's;
  // the SSL-Session block has the connection's, but in TLS 1.3 it is printed only once a ticket arrived.
  const version =
    /^\s*Protocol\s*: (\S+)/m.exec(output)?.[1] ?? (session?.[1] === 'TLSv1.3' ? 'TLSv1.3' : undefined);
  const protocol = (TLS_VERSIONS as readonly string[]).includes(version ?? '')
    ? (version as TlsVersion)
    : undefined;
  const certificateChain = /^Certificate chain\n([\s\S]*?)^---$/m.exec(output)?.[1] ?? '';
  const verification = /^\s*Verify return code: \d+ \((.*)\)/m.exec(output)?.[1];
  const alert = /:SSL routines:[^:]*:([^:]*alert[^:]*):/.exec(output)?.[1];
  return {
    connected,
    ...(connected && protocol ? { protocol } : {}),
    ...(connected && session ? { cipher: session[2] } : {}),
    ...(connected ? optional('serverTempKey', /^Server Temp Key: (.+)$/m.exec(output)?.[1]) : {}),
    chain: splitPems(certificateChain),
    ...optional('verification', verification),
    sessionTicket: /TLS session ticket lifetime hint/.test(output),
    ...optional('alert', alert),
    output,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
