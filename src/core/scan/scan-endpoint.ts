import { randomBytes } from 'node:crypto';
import { activeSessions, type ActiveSessions } from './active-sessions.js';
import { cipherSuite, suitesForProtocol } from './ciphers.js';
import { ScanNetworkError, statusMessageOf, type Target } from './connection.js';
import {
  enumerateGroups,
  enumerateSuites,
  probeProtocols,
  type ProtocolProbe,
  type ScanContext,
} from './enumerate.js';
import { ccsInjectionProbe } from './probes/ccs-injection.js';
import { heartbleedProbe, type HeartbeatFacts } from './probes/heartbleed.js';
import {
  insecureRenegotiationProbe,
  refusesClientRenegotiation,
  renegotiationHello,
} from './probes/insecure-renegotiation.js';
import { sendHello, type HelloOutcome, type HelloSpec } from './probes/hello.js';
import { ticketbleedProbe } from './probes/ticketbleed.js';
import { readTls13Chain } from './probes/tls13-chain.js';
import { tlsSession, type TlsSessionResult } from './probes/tls-session.js';
import {
  INTOLERANCE_TESTS,
  acceptsCompression,
  requiresSecureRenegotiation,
  supportsFallbackScsv,
  toleratesVersion,
} from './probes/version-tolerance.js';
import { reactionWindow, type ReactionWindow } from './reaction-window.js';
import type { ProbeFn, Scheduler } from './scheduler.js';
import {
  SSL2,
  TLS12,
  TLS13,
  type EndpointFacts,
  type ObservedChain,
  type ProtocolSuitesFacts,
  type ProtocolVersion,
  type ServerHelloFacts,
  type SessionFacts,
} from './types.js';

/**
 * Everything the scanner observes about one endpoint, as facts (no grading): protocols, suites per
 * protocol in the server's order, groups, chains with and without SNI, what the ServerHello says,
 * session behaviour, HTTP, and the active vulnerability probes. Every handshake is one probe through
 * the scheduler, which bounds connections per server; independent probes run in parallel.
 */
export interface ScanEndpointInput {
  readonly ip: string;
  readonly port: number;
  /** SNI name; null for a scan by address. */
  readonly serverName: string | null;
  readonly signal?: AbortSignal | undefined;
}

export interface ScanDeps {
  readonly scheduler: Scheduler;
  readonly now?: () => number;
  /**
   * Tests that need a completed TLS session (ROBOT, CBC padding oracles), run once the suites are known.
   * Each resolves to SSL Labs codes by field name (`bleichenbacher`, `poodleTls` …).
   */
  readonly activeTests?: readonly ActiveTest[];
}

export type ActiveTest = (
  ctx: ScanContext,
  found: {
    readonly protocols: readonly ProtocolSuitesFacts[];
    /** How long to wait for a reaction that may never come, scaled to the server's round trips. */
    readonly reactionTimeoutMs: number;
    /** The same wait, shortened once the scan has timed the server's reactions (reaction-window.ts). */
    readonly reactionWindow: ReactionWindow;
    /**
     * The scan's one session runner, shared by its active tests: in parallel on a server that serves
     * connections concurrently, one at a time (after the other probes) on one that does not.
     */
    readonly sessions: ActiveSessions;
  },
) => Promise<Readonly<Record<string, number>>>;

/**
 * Silence is an answer for some active tests; how long to wait for it scales with the server's speed:
 * 40 times its fastest round trip in this scan (a hello answered on an open connection), between 250 ms
 * (loopback) and 3 s (SSL Labs-like). The fastest, not the first: a server still busy with an earlier
 * client (s_server sleeps a second after a renegotiation attempt) makes the first hellos wait, and
 * a wait inflated by that would make every later silence cost up to 3 s.
 */
export function reactionTimeoutFor(fastestRoundTripMs: number): number {
  return Math.round(Math.min(3_000, Math.max(250, fastestRoundTripMs * 40)));
}

/** The scheduler, noting how fast the quickest probe got its answer once connected. */
function timedScheduler(inner: Scheduler): { scheduler: Scheduler; fastestMs: () => number | null } {
  let fastest = Infinity;
  return {
    scheduler: {
      get connections() {
        return inner.connections;
      },
      probe: (target, fn, signal) =>
        inner.probe(
          target,
          async (conn, probeSignal) => {
            const started = performance.now();
            const result = await fn(conn, probeSignal);
            fastest = Math.min(fastest, performance.now() - started);
            return result;
          },
          signal,
        ),
    },
    fastestMs: () => (fastest === Infinity ? null : fastest),
  };
}

const ids = (version: ProtocolVersion): number[] => suitesForProtocol(version).map((s) => s.id);

const settle = async <T>(p: Promise<T>, fallback: T): Promise<T> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ScanNetworkError && e.failure === 'aborted') throw e;
    return fallback;
  }
};

function chainFrom(outcome: HelloOutcome | undefined): readonly Uint8Array[] | null {
  return outcome?.kind === 'tls' ? outcome.flight.certificates : null;
}

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((c, i) => Buffer.compare(c, b[i]!) === 0);

export async function scanEndpoint(deps: ScanDeps, input: ScanEndpointInput): Promise<EndpointFacts> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const target: Target = { host: input.ip, port: input.port };
  const timed = timedScheduler(deps.scheduler);
  const ctx: ScanContext = {
    scheduler: timed.scheduler,
    target,
    serverName: input.serverName,
    signal: input.signal,
  };
  const probe = <T>(fn: ProbeFn<T>): Promise<T> => timed.scheduler.probe(target, fn, input.signal);

  let protocolProbes: ProtocolProbe[];
  const helloStarted = performance.now();
  try {
    protocolProbes = await probeProtocols(ctx);
  } catch (e) {
    if (e instanceof ScanNetworkError && e.failure !== 'aborted')
      return failed(input, startedAt, now, statusMessageOf(e));
    throw e;
  }
  const protocolProbesMs = performance.now() - helloStarted;
  const supported = protocolProbes.filter((p) => p.supported);
  if (supported.length === 0) {
    return failed(input, startedAt, now, 'No secure protocols supported');
  }
  const legacy = supported.filter((p) => p.version !== SSL2 && p.version !== TLS13);
  const best = legacy.at(-1);
  const bestSpec: HelloSpec | undefined =
    best === undefined
      ? undefined
      : { version: best.version, suites: ids(best.version), serverName: input.serverName };
  const tls13 = supported.some((p) => p.version === TLS13);

  const enumerations = Promise.all(
    supported.map(async (p): Promise<ProtocolSuitesFacts> => {
      if (p.version === SSL2) {
        const kinds = p.outcome.kind === 'ssl2' ? p.outcome.hello.cipherKinds : [];
        const found = suitesForProtocol(SSL2).filter((k) => kinds.includes(k.id));
        return {
          protocol: SSL2,
          suites: found.map((suite) => ({ suite })),
          preference: null,
          v2SuitesDisabled: found.length === 0,
        };
      }
      return enumerateSuites(ctx, p.version, p.outcome as HelloOutcome);
    }),
  );
  const groups = settle(
    enumerateGroups(
      ctx,
      tls13
        ? { version: TLS13, suites: ids(TLS13) }
        : {
            version: best?.version ?? TLS12,
            suites: ids(best?.version ?? TLS12).filter((id) => isEcdhe(id)),
          },
    ),
    { list: [], preference: null },
  );
  const noSniHello: Promise<HelloOutcome | null> =
    input.serverName !== null && bestSpec !== undefined
      ? settle(
          probe((conn) => sendHello(conn, { ...bestSpec, serverName: null })),
          null,
        )
      : Promise.resolve(null);
  const noSniChain = noSniHello.then((o) => (o === null ? null : chainFrom(o)));
  // A TLS 1.3-only server's chain, read by our own handshake so its served order is kept (issue 4);
  // node:tls (below) orders the chain by issuer and stays the fallback when this one gets nothing.
  const tls13Only = tls13 && chainFrom(best?.outcome as HelloOutcome | undefined) === null;
  const readTls13 = (serverName: string | null): Promise<readonly Uint8Array[] | null> =>
    settle(
      probe((conn) => readTls13Chain(conn, { serverName })),
      null,
    ).then((r) => (r !== null && r.chain.length > 0 ? r.chain : null));
  const tls13Chain = tls13Only ? readTls13(input.serverName) : Promise.resolve(null);
  // And without SNI, so a TLS 1.3-only server's default certificate is seen too (the no-SNI chain).
  const tls13NoSniChain = tls13Only && input.serverName !== null ? readTls13(null) : Promise.resolve(null);
  const session = settle(
    probe((conn, signal) => tlsSession(conn, signal, { serverName: input.serverName, http: true })),
    null,
  );
  const legacySession: Promise<TlsSessionResult | null> =
    best !== undefined
      ? settle(
          probe((conn, signal) =>
            tlsSession(conn, signal, {
              serverName: input.serverName,
              http: false,
              maxVersion: 'TLSv1.2',
            }),
          ),
          null,
        )
      : Promise.resolve(null);
  const resumption = legacySession.then(async (first): Promise<0 | 1 | 2> => {
    if (first?.session == null) return 0;
    const again = await settle(
      probe((conn, signal) =>
        tlsSession(
          conn,
          signal,
          { serverName: input.serverName, http: false, maxVersion: 'TLSv1.2' },
          first.session!,
        ),
      ),
      null,
    );
    return again?.resumed === true ? 2 : 1;
  });
  const ticketsAcknowledged = best?.outcome.kind === 'tls' && best.outcome.flight.serverHello.sessionTicket;
  const ticketbleed = legacySession.then(async (first): Promise<-1 | 1 | 2> => {
    // Ticketbleed is a TLS ≤ 1.2 ticket bug: a server without tickets there cannot have it.
    if (bestSpec === undefined || !ticketsAcknowledged) return 1;
    if (first?.ticket != null) {
      return settle(
        probe((conn) => ticketbleedProbe(conn, bestSpec, first.ticket!)),
        -1,
      );
    }
    // The server takes tickets but issued none we could read (its handshake did not complete for
    // node:tls): a made-up ticket still shows the bug, since only a vulnerable server echoes our 16
    // random session-id bytes in a 32-byte id; any other answer proves nothing.
    const forged = await settle(
      probe((conn) => ticketbleedProbe(conn, bestSpec, new Uint8Array(randomBytes(128)))),
      -1,
    );
    return forged === 2 ? 2 : -1;
  });

  const heartbeat: Promise<HeartbeatFacts> =
    bestSpec !== undefined
      ? settle(
          probe((conn) => heartbleedProbe(conn, bestSpec)),
          {
            heartbeat: false,
            heartbleed: { status: 'failed', detail: 'the connection failed' },
          },
        )
      : Promise.resolve({
          heartbeat: false,
          heartbleed: { status: 'not-applicable', detail: 'TLS 1.3 only' },
        });
  const ccs =
    bestSpec !== undefined
      ? settle(
          probe((conn) => ccsInjectionProbe(conn, bestSpec)),
          -1 as const,
        )
      : Promise.resolve(1 as const);
  const compression =
    bestSpec !== undefined
      ? settle(
          probe((conn) => acceptsCompression(conn, bestSpec)),
          null,
        )
      : Promise.resolve(false);
  const highest = supported.at(-1)!.version;
  const lower = supported
    .filter((p) => p.version !== SSL2 && p.version < highest && p.version !== TLS13)
    .at(-1);
  const fallback: Promise<boolean | null | undefined> =
    lower !== undefined
      ? settle(
          probe((conn) =>
            supportsFallbackScsv(
              conn,
              { version: lower.version, suites: ids(lower.version), serverName: input.serverName },
              lower.version,
            ),
          ),
          null,
        )
      : Promise.resolve(undefined);
  const intolerance =
    bestSpec !== undefined && best!.version === TLS12
      ? Promise.all(
          INTOLERANCE_TESTS.map(async (t) =>
            (await settle(
              probe((conn) => toleratesVersion(conn, bestSpec, t.clientVersion)),
              true,
            ))
              ? 0
              : t.bit,
          ),
        ).then((bits) => bits.reduce((a, b) => a | b, 0))
      : Promise.resolve(0);
  const requiresReneg =
    bestSpec !== undefined
      ? settle(
          probe((conn) => requiresSecureRenegotiation(conn, bestSpec)),
          false,
        )
      : Promise.resolve(false);

  const protocols = await enumerations;
  // Measured once suite enumeration has given the server dozens of hellos to answer.
  const reactionTimeoutMs = reactionTimeoutFor(timed.fastestMs() ?? protocolProbesMs);
  const window = reactionWindow(reactionTimeoutMs);
  const sessions = activeSessions(ctx, {
    hello: bestSpec !== undefined ? { version: bestSpec.version, suites: bestSpec.suites } : undefined,
    // On a server that serves one connection at a time, the active tests' sessions wait for these.
    idle: Promise.allSettled([
      groups,
      noSniHello,
      session,
      legacySession,
      resumption,
      ticketbleed,
      heartbeat,
      ccs,
      compression,
      fallback,
      intolerance,
      requiresReneg,
    ]),
  });
  const active = Promise.all(
    (deps.activeTests ?? []).map((t) =>
      settle(
        t(ctx, { protocols, reactionTimeoutMs, reactionWindow: window, sessions }),
        {} as Readonly<Record<string, number>>,
      ),
    ),
  ).then((all) => Object.assign({}, ...all) as Record<string, number>);

  const sniChain = chainFrom(best?.outcome as HelloOutcome | undefined);
  const [sessionResult, legacyResult, resumed, noSniPlain, tls13Served, tls13NoSni] = await Promise.all([
    session,
    legacySession,
    resumption,
    noSniChain,
    tls13Chain,
    tls13NoSniChain,
  ]);
  const noSni = noSniPlain ?? tls13NoSni;
  const chains: ObservedChain[] = [];
  const served = sniChain ?? tls13Served ?? sessionResult?.chain ?? null;
  if (served !== null && served.length > 0) chains.push({ certs: served, noSni: false });
  if (noSni !== null && noSni.length > 0 && (served === null || !sameChain(served, noSni))) {
    chains.push({ certs: noSni, noSni: true });
  }

  const hello = best?.outcome.kind === 'tls' ? best.outcome.flight.serverHello : undefined;
  const serverHello: ServerHelloFacts = {
    secureRenegotiation: hello === undefined ? null : hello.renegotiationInfo !== undefined,
    sessionTicketExtension: hello?.sessionTicket ?? false,
    sctExtension: (hello?.scts?.length ?? 0) > 0,
    statusRequest: hello?.statusRequest ?? false,
  };
  const [
    groupFacts,
    hb,
    ccsCode,
    compressionFacts,
    fallbackFacts,
    intoleranceBits,
    requires,
    tb,
    activeCodes,
  ] = await Promise.all([
    groups,
    heartbeat,
    ccs,
    compression,
    fallback,
    intolerance,
    requiresReneg,
    ticketbleed,
    active,
  ]);

  // Client-initiated renegotiation goes last: openssl s_server sleeps one second after any renegotiation
  // ClientHello, refused or not, and serves no one meanwhile; nothing of this scan queues behind that.
  // The wait for an answer is the reaction timeout, not a fixed 2 s.
  const clientRenegotiation =
    best === undefined
      ? null
      : ((
          await settle(
            probe((conn, signal) =>
              tlsSession(conn, signal, {
                serverName: input.serverName,
                http: false,
                maxVersion: 'TLSv1.2',
                renegotiate: true,
                renegotiationWaitMs: reactionTimeoutMs,
              }),
            ),
            null,
          )
        )?.clientRenegotiation ?? null);
  // Insecure client-initiated renegotiation, with the scanner's own legacy client; not asked again
  // when the answer is already known, since s_server's second of sleep after the refusal above would
  // hold up this probe and so the scan (src/core/scan/probes/insecure-renegotiation.ts).
  const legacyHello = renegotiationHello(protocols);
  const insecureRenegotiation =
    legacyHello === null
      ? null
      : refusesClientRenegotiation(serverHello.secureRenegotiation, clientRenegotiation)
        ? false
        : await settle(
            probe((conn, signal) =>
              insecureRenegotiationProbe(conn, signal, legacyHello, {
                serverName: input.serverName,
                reactionTimeoutMs,
              }),
            ),
            null,
          );
  const sessionFacts: SessionFacts | null =
    sessionResult === null
      ? null
      : {
          ocspStapled: sessionResult.ocspStapled || serverHello.statusRequest,
          // RFC 5077 tickets are a TLS ≤ 1.2 matter: OpenSSL sends TLS 1.3 tickets even with tickets off.
          sessionTickets: legacyResult !== null ? legacyResult.ticket !== null : sessionResult.sessionTicket,
          sessionResumption: resumed,
          alpn: sessionResult.alpn,
          clientRenegotiation,
          http: sessionResult.http,
        };
  return {
    ip: input.ip,
    port: input.port,
    serverName: input.serverName,
    startedAt,
    durationMs: now() - startedAt,
    failure: null,
    protocols,
    namedGroups: groupFacts,
    chains,
    sniRequired: (await noSniHello)?.kind === 'refused',
    serverHello,
    session: sessionFacts,
    requiresSecureRenegotiation: requires,
    insecureRenegotiation,
    compression: compressionFacts,
    fallbackScsv: fallbackFacts,
    protocolIntolerance: intoleranceBits,
    heartbeat: hb.heartbeat,
    heartbleed: hb.heartbleed,
    openSslCcs: ccsCode,
    ticketbleed: tb,
    activeTests: activeCodes,
  };
}

function isEcdhe(id: number): boolean {
  const s = cipherSuite(id);
  return s !== undefined && s.kx === 'ECDH' && s.forwardSecrecy;
}

function failed(
  input: ScanEndpointInput,
  startedAt: number,
  now: () => number,
  failure: string,
): EndpointFacts {
  return {
    ip: input.ip,
    port: input.port,
    serverName: input.serverName,
    startedAt,
    durationMs: now() - startedAt,
    failure,
    protocols: [],
    namedGroups: { list: [], preference: null },
    chains: [],
    sniRequired: false,
    serverHello: {
      secureRenegotiation: null,
      sessionTicketExtension: false,
      sctExtension: false,
      statusRequest: false,
    },
    session: null,
    requiresSecureRenegotiation: false,
    insecureRenegotiation: null,
    compression: null,
    fallbackScsv: undefined,
    protocolIntolerance: 0,
    heartbeat: false,
    heartbleed: { status: 'not-applicable', detail: failure },
    openSslCcs: -1,
    ticketbleed: -1,
    activeTests: {},
  };
}
