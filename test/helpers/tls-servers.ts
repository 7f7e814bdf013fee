/**
 * Real TLS servers on 127.0.0.1 for the scanner's tests: OpenSSL's s_server, nginx, gnutls-serv and node:tls,
 * each set up as one known case (modern, legacy, weak DH, expired certificate …) with the facts a scan of it
 * should find in `expected`. test/e2e/tls-servers.test.ts checks every fact with `openssl s_client` on this
 * machine, so they describe what the server does, not what its configuration was meant to do.
 *
 * @example
 * const server = await startTlsServer('openssl-weak-dh');
 * try {
 *   const facts = await scanEndpoint({ host: server.host, port: server.port, roots: [tlsFixtures().root.pem] });
 *   expect(facts.dhBits).toBe(server.expected.dhBits);
 * } finally {
 *   await server.stop();
 * }
 */
import { constants } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  certificateFacts,
  splitPems,
  tlsFixtures,
  type CertificateFacts,
  type TlsFixtures,
} from './tls-fixtures.js';
import { startNodeTlsServer } from './tls/node-server.js';
import { onProcessEnd } from './tls/process-end.js';
import { TLS_VERSIONS, type TlsVersion } from './tls/s-client.js';
import { LOOPBACK, spawnOpensslServer, spawnServer } from './tls/spawned-server.js';

export { TLS_VERSIONS, TLS_VERSION_WIRE, type TlsVersion } from './tls/s-client.js';

/** Key exchange of a TLS <= 1.2 suite (TLS 1.3 has only ephemeral ones). */
export type KeyExchange = 'ECDHE' | 'DHE' | 'RSA';

export type TlsServerTool = 'openssl' | 'nginx' | 'gnutls-serv' | 'node';

export const TLS_SERVER_KINDS = [
  'openssl-modern',
  'openssl-intermediate',
  'openssl-legacy',
  'openssl-weak-dh',
  'openssl-no-fs',
  'openssl-ecdsa',
  'openssl-self-signed',
  'openssl-expired',
  'openssl-wrong-host',
  'openssl-incomplete-chain',
  'openssl-chain-wrong-order',
  'openssl-chain-extra-cert',
  'openssl-sha1',
  'openssl-rsa1024',
  'openssl-client-cert',
  'nginx-intermediate',
  'nginx-legacy',
  'gnutls-normal',
  'gnutls-tls12',
  'gnutls-3des',
  'node-modern',
  'node-intermediate',
  'node-no-tickets',
] as const;
export type TlsServerKind = (typeof TLS_SERVER_KINDS)[number];

/** What a scan of the server should find. Every field is checked by test/e2e/tls-servers.test.ts. */
export interface TlsServerExpected {
  /** Versions a handshake completes with, oldest first. */
  readonly protocols: readonly TlsVersion[];
  /**
   * The other versions of TLS 1.0–1.3. Every server here also refuses SSL 3.0 (checked with a raw ClientHello) and
   * SSL 2 (none of these libraries has it).
   */
  readonly refusedProtocols: readonly TlsVersion[];
  /** Key exchanges of the TLS <= 1.2 suites it accepts; empty when it refuses TLS <= 1.2. */
  readonly keyExchanges: readonly KeyExchange[];
  /** Accepts a CBC suite in TLS <= 1.2. */
  readonly cbc: boolean;
  /** Accepts a 3DES suite (only gnutls here: this OpenSSL build has no 3DES suites at all). */
  readonly tripleDes: boolean;
  /** Size of the finite-field group of its DHE suites, when it has some. */
  readonly dhBits?: number;
  /** Issues a TLS 1.2 (RFC 5077) session ticket; absent when TLS 1.2 is refused. */
  readonly sessionTickets?: boolean;
  /** The handshake fails without a client certificate (`tlsFixtures().leaves.client` is accepted). */
  readonly clientCertRequired: boolean;
  /** Its Strict-Transport-Security header on `GET /`, when it sends one. */
  readonly hsts?: string;
  /** The certificates it sends, leaf first, PEM. */
  readonly chain: readonly string[];
  readonly leaf: CertificateFacts;
  /**
   * What a client trusting only `tlsFixtures().root` at OpenSSL's default security level (2) says of the chain
   * for the name localhost: `ok` or OpenSSL's reason. Absent for a caller's own certificate.
   */
  readonly verification?: string;
}

export interface RunningTlsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly kind: TlsServerKind;
  /** The server program's process group id (absent for a node:tls server, which runs in this process). */
  readonly pid?: number;
  readonly expected: TlsServerExpected;
  /** Stops the server (the whole process group for a spawned one) and removes its files. */
  stop(): Promise<void>;
}

export interface TlsServerOptions {
  /**
   * Serve this certificate instead of the kind's own (e.g. one certgrid's CA issued): PEM file paths. `cert` may
   * hold the whole chain, leaf first; `chain` is appended to it.
   */
  readonly certificate?: { readonly cert: string; readonly key: string; readonly chain?: string };
  /** How long a server may take to accept connections; default 10 s. */
  readonly startTimeoutMs?: number;
}

/** The command a kind needs (for `requireTool`); `node` needs none. */
export function tlsServerTool(kind: TlsServerKind): TlsServerTool {
  return PROFILES[kind].tool;
}

// Mozilla's "intermediate" configuration (ssl-config.mozilla.org, guidelines 5.7).
const MOZILLA_INTERMEDIATE =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:' +
  'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305';
// OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1/MD5 handshake signatures), 1024-bit keys and DH groups and SHA-1
// certificates at its default security level 2; level 0 lets a server use them.
const ALL_LEVEL0 = 'ALL:@SECLEVEL=0';

type CertificateChoice =
  | 'rsa'
  | 'ecdsa'
  | 'expired'
  | 'wrongHost'
  | 'selfSigned'
  | 'sha1'
  | 'rsa1024'
  | 'leafOnly'
  | 'wrongOrder'
  | 'extraCert';

type Facts = Omit<TlsServerExpected, 'refusedProtocols' | 'chain' | 'leaf' | 'verification'> & {
  readonly verification: string;
};

interface Profile {
  readonly tool: TlsServerTool;
  readonly certificate: CertificateChoice;
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion;
  /** TLS <= 1.2 cipher string (OpenSSL syntax; gnutls uses `priority`). */
  readonly ciphers?: string;
  readonly dhParams?: 'weak1024' | 'ffdhe2048';
  readonly noTickets?: boolean;
  /** s_server only (`-Verify 1`). */
  readonly requireClientCert?: boolean;
  readonly legacyRenegotiation?: boolean;
  readonly hsts?: string;
  /** gnutls-serv priority string. */
  readonly priority?: string;
  readonly expected: Facts;
}

const TLS12_AND_13: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];
const FS: readonly KeyExchange[] = ['ECDHE', 'DHE'];

/** s_server with Mozilla's intermediate settings and the given certificate; `facts` overrides expectations. */
const opensslIntermediate = (
  certificate: CertificateChoice,
  verification: string,
  settings: Partial<Omit<Profile, 'expected'>> = {},
  facts: Partial<Facts> = {},
): Profile => ({
  tool: 'openssl',
  certificate,
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: MOZILLA_INTERMEDIATE,
  dhParams: 'ffdhe2048',
  ...settings,
  expected: {
    protocols: TLS12_AND_13,
    keyExchanges: FS,
    cbc: false,
    tripleDes: false,
    dhBits: 2048,
    sessionTickets: true,
    clientCertRequired: false,
    verification,
    ...facts,
  },
});

const PROFILES: Readonly<Record<TlsServerKind, Profile>> = {
  'openssl-modern': {
    tool: 'openssl',
    certificate: 'rsa',
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    expected: {
      protocols: ['TLSv1.3'],
      keyExchanges: [],
      cbc: false,
      tripleDes: false,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'openssl-intermediate': opensslIntermediate('rsa', 'ok'),
  'openssl-legacy': {
    tool: 'openssl',
    certificate: 'rsa',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    ciphers: ALL_LEVEL0,
    dhParams: 'ffdhe2048',
    legacyRenegotiation: true,
    expected: {
      protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
      keyExchanges: ['ECDHE', 'DHE', 'RSA'],
      cbc: true,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'openssl-weak-dh': {
    tool: 'openssl',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: 'kDHE:@SECLEVEL=0',
    dhParams: 'weak1024',
    expected: {
      protocols: ['TLSv1.2'],
      keyExchanges: ['DHE'],
      cbc: true,
      tripleDes: false,
      dhBits: 1024,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'openssl-no-fs': {
    tool: 'openssl',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: 'kRSA',
    expected: {
      protocols: ['TLSv1.2'],
      keyExchanges: ['RSA'],
      cbc: true,
      tripleDes: false,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  // Mozilla's DHE suites are all RSA-authenticated: with an ECDSA key only the ECDHE ones are left.
  'openssl-ecdsa': opensslIntermediate('ecdsa', 'ok', {}, { keyExchanges: ['ECDHE'], dhBits: undefined }),
  'openssl-self-signed': opensslIntermediate('selfSigned', 'self-signed certificate'),
  'openssl-expired': opensslIntermediate('expired', 'certificate has expired'),
  'openssl-wrong-host': opensslIntermediate('wrongHost', 'hostname mismatch'),
  'openssl-incomplete-chain': opensslIntermediate('leafOnly', 'unable to verify the first certificate'),
  'openssl-chain-wrong-order': opensslIntermediate('wrongOrder', 'ok'),
  'openssl-chain-extra-cert': opensslIntermediate('extraCert', 'ok'),
  'openssl-sha1': opensslIntermediate('sha1', 'CA signature digest algorithm too weak', {
    ciphers: `${MOZILLA_INTERMEDIATE}:@SECLEVEL=0`,
  }),
  'openssl-rsa1024': opensslIntermediate('rsa1024', 'EE certificate key too weak', {
    ciphers: `${MOZILLA_INTERMEDIATE}:@SECLEVEL=0`,
  }),
  'openssl-client-cert': opensslIntermediate(
    'rsa',
    'ok',
    { requireClientCert: true },
    { clientCertRequired: true },
  ),
  'nginx-intermediate': {
    tool: 'nginx',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: MOZILLA_INTERMEDIATE,
    dhParams: 'ffdhe2048',
    hsts: 'max-age=63072000',
    expected: {
      protocols: TLS12_AND_13,
      keyExchanges: FS,
      cbc: false,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      hsts: 'max-age=63072000',
      verification: 'ok',
    },
  },
  'nginx-legacy': {
    tool: 'nginx',
    certificate: 'rsa',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    ciphers: ALL_LEVEL0,
    dhParams: 'ffdhe2048',
    expected: {
      protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
      keyExchanges: ['ECDHE', 'DHE', 'RSA'],
      cbc: true,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  // gnutls 3.7's NORMAL as Debian builds it: TLS 1.0 and 1.1 are still in it.
  'gnutls-normal': {
    tool: 'gnutls-serv',
    certificate: 'rsa',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.3',
    priority: 'NORMAL',
    expected: {
      protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      keyExchanges: ['ECDHE', 'DHE', 'RSA'],
      cbc: true,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'gnutls-tls12': {
    tool: 'gnutls-serv',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    // `NORMAL:-VERS-TLS1.3` would leave TLS 1.0 and 1.1 on here (see gnutls-normal).
    priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2',
    expected: {
      protocols: ['TLSv1.2'],
      keyExchanges: ['ECDHE', 'DHE', 'RSA'],
      cbc: true,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'gnutls-3des': {
    tool: 'gnutls-serv',
    certificate: 'rsa',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    priority: 'NORMAL:-VERS-TLS1.3:+3DES-CBC',
    expected: {
      protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
      keyExchanges: ['ECDHE', 'DHE', 'RSA'],
      cbc: true,
      tripleDes: true,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'node-modern': {
    tool: 'node',
    certificate: 'rsa',
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    expected: {
      protocols: ['TLSv1.3'],
      keyExchanges: [],
      cbc: false,
      tripleDes: false,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'node-intermediate': {
    tool: 'node',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: MOZILLA_INTERMEDIATE,
    dhParams: 'ffdhe2048',
    expected: {
      protocols: TLS12_AND_13,
      keyExchanges: FS,
      cbc: false,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: true,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
  'node-no-tickets': {
    tool: 'node',
    certificate: 'rsa',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: MOZILLA_INTERMEDIATE,
    dhParams: 'ffdhe2048',
    noTickets: true,
    expected: {
      protocols: TLS12_AND_13,
      keyExchanges: FS,
      cbc: false,
      tripleDes: false,
      dhBits: 2048,
      sessionTickets: false,
      clientCertRequired: false,
      verification: 'ok',
    },
  },
};

interface Served {
  /** Leaf first. */
  readonly pems: readonly string[];
  readonly keyPath: string;
}

function chosenCertificate(f: TlsFixtures, choice: CertificateChoice): Served {
  const rsaKey = f.leaves.rsa.key.path;
  switch (choice) {
    case 'leafOnly':
    case 'wrongOrder':
    case 'extraCert':
      return { pems: splitPems(f.chains[choice].pem), keyPath: rsaKey };
    default:
      return { pems: f.leaves[choice].chainPems, keyPath: f.leaves[choice].key.path };
  }
}

function callersCertificate(c: NonNullable<TlsServerOptions['certificate']>): Served {
  const text = readFileSync(c.cert, 'utf8') + (c.chain ? '\n' + readFileSync(c.chain, 'utf8') : '');
  const pems = splitPems(text);
  if (pems.length === 0) throw new TypeError(`no PEM certificate in ${c.cert}`);
  return { pems, keyPath: c.key };
}

/** The files a server program reads, in its own temp dir. */
interface ServerFiles {
  readonly dir: string;
  /** The leaf alone. */
  readonly leaf: string;
  /** The certificates after the leaf, when there are some. */
  readonly extras?: string;
  /** Leaf and extras in one file. */
  readonly full: string;
  readonly key: string;
}

function writeServerFiles(served: Served): ServerFiles {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-tls-server-'));
  const [leafPem, ...extraPems] = served.pems;
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  return {
    dir,
    leaf: file('leaf.pem', leafPem as string),
    ...(extraPems.length > 0 ? { extras: file('extras.pem', extraPems.join('')) } : {}),
    full: file('full.pem', served.pems.join('')),
    key: served.keyPath,
  };
}

interface Started {
  readonly port: number;
  readonly pid?: number;
  stop(): Promise<void>;
}

async function startOpenssl(
  p: Profile,
  files: ServerFiles,
  f: TlsFixtures,
  timeoutMs?: number,
): Promise<Started> {
  const extra = [
    ...(files.extras ? ['-cert_chain', files.extras] : []),
    '-min_protocol',
    p.minVersion,
    '-max_protocol',
    p.maxVersion,
    ...(p.ciphers ? ['-cipher', p.ciphers] : []),
    ...(p.dhParams ? ['-dhparam', f.dhParams[p.dhParams]] : []),
    ...(p.legacyRenegotiation ? ['-legacy_renegotiation'] : []),
    ...(p.noTickets ? ['-no_ticket'] : []),
    ...(p.requireClientCert ? ['-Verify', '1', '-CAfile', f.root.path] : []),
  ];
  const server = await spawnOpensslServer({
    cert: files.leaf,
    key: files.key,
    extra,
    cwd: files.dir,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return server;
}

function versionsBetween(min: TlsVersion, max: TlsVersion): TlsVersion[] {
  return TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(min), TLS_VERSIONS.indexOf(max) + 1);
}

async function startNginx(
  p: Profile,
  files: ServerFiles,
  f: TlsFixtures,
  timeoutMs?: number,
): Promise<Started> {
  const pid = join(files.dir, 'nginx.pid');
  const conf = (port: number): string => `daemon off;
worker_processes 1;
pid ${pid};
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${files.dir}/body;
  proxy_temp_path ${files.dir}/proxy;
  fastcgi_temp_path ${files.dir}/fastcgi;
  uwsgi_temp_path ${files.dir}/uwsgi;
  scgi_temp_path ${files.dir}/scgi;
  server {
    listen ${LOOPBACK}:${port} ssl;
    server_name localhost;
    ssl_certificate ${files.full};
    ssl_certificate_key ${files.key};
    ssl_protocols ${versionsBetween(p.minVersion, p.maxVersion).join(' ')};
    ssl_ciphers '${p.ciphers ?? 'DEFAULT'}';
    ssl_prefer_server_ciphers on;
${p.dhParams ? `    ssl_dhparam ${f.dhParams[p.dhParams]};\n` : ''}${p.noTickets ? '    ssl_session_tickets off;\n' : ''}${
    p.hsts ? `    add_header Strict-Transport-Security "${p.hsts}" always;\n` : ''
  }    location / { return 200 "ok\\n"; }
  }
}
`;
  return spawnServer({
    command: 'nginx',
    args: (port) => {
      writeFileSync(join(files.dir, 'nginx.conf'), conf(port));
      return ['-c', join(files.dir, 'nginx.conf'), '-p', files.dir, '-e', 'stderr'];
    },
    cwd: files.dir,
    // nginx writes its pid file after it has bound its sockets.
    ready: () => {
      try {
        return readFileSync(pid, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    },
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

async function startGnutls(p: Profile, files: ServerFiles, timeoutMs?: number): Promise<Started> {
  return spawnServer({
    command: 'gnutls-serv',
    // gnutls-serv cannot be told an address: it listens on every interface (IPv4 and IPv6).
    args: (port) => [
      '--http',
      '--disable-client-cert',
      '--port',
      String(port),
      '--x509certfile',
      files.full,
      '--x509keyfile',
      files.key,
      '--priority',
      p.priority ?? 'NORMAL',
      ...(p.noTickets ? ['--noticket'] : []),
    ],
    cwd: files.dir,
    // It goes on with IPv6 alone when the IPv4 bind fails; only the IPv4 "done" means the port is its own.
    ready: (output) => /IPv4 0\.0\.0\.0 port \d+\.\.\.done/.test(output),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

async function startNode(p: Profile, files: ServerFiles, f: TlsFixtures): Promise<Started> {
  return startNodeTlsServer({
    cert: readFileSync(files.full),
    key: readFileSync(files.key),
    minVersion: p.minVersion,
    maxVersion: p.maxVersion,
    ...(p.ciphers ? { ciphers: p.ciphers } : {}),
    ...(p.dhParams ? { dhparam: readFileSync(f.dhParams[p.dhParams]) } : {}),
    honorCipherOrder: true,
    ...(p.noTickets ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
  });
}

/**
 * Starts a server of the given kind on 127.0.0.1 and a free port, resolving once it accepts connections.
 * Throws when its program is missing or does not start within `startTimeoutMs` (with the program's output).
 */
export async function startTlsServer(
  kind: TlsServerKind,
  options: TlsServerOptions = {},
): Promise<RunningTlsServer> {
  const profile = PROFILES[kind];
  if (profile === undefined) throw new TypeError(`unknown TLS server kind: ${String(kind)}`);
  const f = tlsFixtures();
  const served = options.certificate
    ? callersCertificate(options.certificate)
    : chosenCertificate(f, profile.certificate);
  const files = writeServerFiles(served);
  const removeFiles = (): void => rmSync(files.dir, { recursive: true, force: true });
  const unregister = onProcessEnd(removeFiles);
  let started: Started;
  try {
    switch (profile.tool) {
      case 'openssl':
        started = await startOpenssl(profile, files, f, options.startTimeoutMs);
        break;
      case 'nginx':
        started = await startNginx(profile, files, f, options.startTimeoutMs);
        break;
      case 'gnutls-serv':
        started = await startGnutls(profile, files, options.startTimeoutMs);
        break;
      case 'node':
        started = await startNode(profile, files, f);
        break;
    }
  } catch (err) {
    removeFiles();
    unregister();
    throw err;
  }
  const { verification, ...facts } = profile.expected;
  const expected: TlsServerExpected = {
    ...facts,
    refusedProtocols: TLS_VERSIONS.filter((v) => !facts.protocols.includes(v)),
    chain: served.pems,
    leaf: certificateFacts(served.pems[0] as string),
    ...(options.certificate ? {} : { verification }),
  };
  let stopped: Promise<void> | undefined;
  return {
    host: LOOPBACK,
    port: started.port,
    kind,
    ...(started.pid === undefined ? {} : { pid: started.pid }),
    expected,
    stop: () =>
      (stopped ??= started.stop().finally(() => {
        removeFiles();
        unregister();
      })),
  };
}
