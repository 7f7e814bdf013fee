import { cipherSuite, suitesForProtocol } from './ciphers.js';
import type { Target } from './connection.js';
import { namedGroup } from './named-groups.js';
import { EC_GROUPS, sendHello, type HelloOutcome, type HelloSpec } from './probes/hello.js';
import { ssl2Hello, type Ssl2Outcome } from './probes/ssl2-hello.js';
import type { Scheduler } from './scheduler.js';
import {
  SSL2,
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  TLS13,
  type AcceptedSuite,
  type KeyExchangeParams,
  type NamedGroupInfo,
  type ProtocolSuitesFacts,
  type ProtocolVersion,
} from './types.js';
import { sessionTicketExtension, type TlsFlight } from './wire/index.js';

/**
 * Protocol, cipher suite and named group enumeration the way testssl.sh and SSL Labs do it: offer a
 * list, note what the server picks, take it out, offer the rest, until the server refuses. Each
 * handshake is one probe through the scheduler. The order in which suites are found is the server's
 * preference when it has one; a last handshake with the found suites reversed tells whether it has.
 */

export interface ScanContext {
  readonly scheduler: Scheduler;
  readonly target: Target;
  readonly serverName: string | null;
  readonly signal?: AbortSignal | undefined;
}

export const hello = (ctx: ScanContext, spec: Omit<HelloSpec, 'serverName'>): Promise<HelloOutcome> =>
  ctx.scheduler.probe(
    ctx.target,
    (conn) => sendHello(conn, { ...spec, serverName: ctx.serverName }),
    ctx.signal,
  );

const ids = (version: ProtocolVersion): number[] => suitesForProtocol(version).map((s) => s.id);

/** The negotiated version of an accepted hello, or null. */
export function negotiated(outcome: HelloOutcome): number | null {
  if (outcome.kind === 'tls') return outcome.flight.serverHello.version;
  if (outcome.kind === 'tls13') return TLS13;
  return null;
}

export interface ProtocolProbe {
  readonly version: ProtocolVersion;
  readonly supported: boolean;
  /** The answer to the version's hello (the first handshake of suite enumeration). */
  readonly outcome: HelloOutcome | Ssl2Outcome;
}

/** Which protocols the server speaks: one hello per version, all in parallel (bounded per target). */
export async function probeProtocols(ctx: ScanContext): Promise<ProtocolProbe[]> {
  const tlsVersions: ProtocolVersion[] = [SSL3, TLS10, TLS11, TLS12];
  const [ssl2, tls13, ...older] = await Promise.all([
    ctx.scheduler.probe(ctx.target, (conn) => ssl2Hello(conn), ctx.signal),
    hello(ctx, { version: TLS13, suites: ids(TLS13), until: 'server-hello' }),
    // session_ticket offered so the ServerHello says whether the server takes tickets (RFC 5077 §3.2).
    ...tlsVersions.map((version) =>
      hello(ctx, { version, suites: ids(version), extensions: [sessionTicketExtension()] }),
    ),
  ]);
  return [
    { version: SSL2, supported: ssl2!.kind === 'ssl2', outcome: ssl2! },
    ...tlsVersions.map((version, i) => {
      const outcome = older[i] as HelloOutcome;
      return { version, supported: negotiated(outcome) === version, outcome };
    }),
    { version: TLS13, supported: (tls13 as HelloOutcome).kind === 'tls13', outcome: tls13 as HelloOutcome },
  ];
}

/** Key exchange parameters from a TLS ≤ 1.2 flight's ServerKeyExchange. */
export function keyExchangeOf(flight: TlsFlight): KeyExchangeParams | undefined {
  const params = flight.serverKeyExchange?.params;
  if (params == null) return undefined;
  if (params.kind === 'dhe') return { dhBits: params.pBits, dhP: params.p, dhG: params.g, dhYs: params.ys };
  const group = namedGroup(params.namedCurve);
  return { group: group ?? { id: params.namedCurve, name: `0x${params.namedCurve.toString(16)}`, bits: 0 } };
}

/** The suite a hello was answered with, and its key exchange parameters; null when refused. */
function picked(
  outcome: HelloOutcome,
  version: ProtocolVersion,
): { id: number; kx?: KeyExchangeParams } | null {
  if (version === TLS13) {
    if (outcome.kind !== 'tls13' || outcome.flight.serverHello.helloRetryRequest) {
      return outcome.kind === 'tls13' ? { id: outcome.flight.serverHello.cipherSuite } : null;
    }
    const share = outcome.flight.serverHello.keyShare;
    const group = share !== undefined ? namedGroup(share.group) : undefined;
    return { id: outcome.flight.serverHello.cipherSuite, ...(group ? { kx: { group } } : {}) };
  }
  if (outcome.kind !== 'tls' || outcome.flight.serverHello.version !== version) return null;
  const kx = keyExchangeOf(outcome.flight);
  return { id: outcome.flight.serverHello.cipherSuite, ...(kx ? { kx } : {}) };
}

/**
 * Every suite the server accepts with `version`, in the order it picks them, and whether that order is
 * the server's own. `first` is the answer to the full list (already known from probeProtocols).
 */
export async function enumerateSuites(
  ctx: ScanContext,
  version: ProtocolVersion,
  first?: HelloOutcome,
): Promise<ProtocolSuitesFacts> {
  let remaining = ids(version);
  const accepted: AcceptedSuite[] = [];
  let outcome = first ?? (await hello(ctx, { version, suites: remaining }));
  for (;;) {
    const got = picked(outcome, version);
    if (got === null || !remaining.includes(got.id)) break;
    const suite = cipherSuite(got.id);
    if (suite === undefined) break;
    accepted.push({ suite, ...(got.kx ? { kx: got.kx } : {}) });
    remaining = remaining.filter((id) => id !== got.id);
    if (remaining.length === 0) break;
    outcome = await hello(ctx, { version, suites: remaining });
  }
  return { protocol: version, suites: accepted, preference: await hasPreference(ctx, version, accepted) };
}

/**
 * Offers the accepted suites in reverse order: a server that still picks its first has its own order
 * (true), one that picks our first follows the client (false). Null with fewer than two suites.
 */
async function hasPreference(
  ctx: ScanContext,
  version: ProtocolVersion,
  accepted: readonly AcceptedSuite[],
): Promise<boolean | null> {
  if (accepted.length < 2) return null;
  const reversed = accepted.map((a) => a.suite.id).reverse();
  const got = picked(await hello(ctx, { version, suites: reversed, until: 'server-hello' }), version);
  if (got === null) return null;
  if (got.id === accepted[0]!.suite.id) return true;
  return got.id === reversed[0] ? false : null;
}

/**
 * The named groups the server accepts for ECDHE (TLS 1.2) or key shares (TLS 1.3), in the order it
 * picks them, and whether that order is its own.
 */
export async function enumerateGroups(
  ctx: ScanContext,
  via: { readonly version: ProtocolVersion; readonly suites: readonly number[] },
): Promise<{ list: NamedGroupInfo[]; preference: boolean | null }> {
  const groupOf = (outcome: HelloOutcome): number | null => {
    if (via.version === TLS13)
      return outcome.kind === 'tls13' ? (outcome.flight.serverHello.keyShare?.group ?? null) : null;
    if (outcome.kind !== 'tls') return null;
    const kx = outcome.flight.serverKeyExchange?.params;
    return kx?.kind === 'ecdhe' ? kx.namedCurve : null;
  };
  let remaining = [...EC_GROUPS];
  const found: number[] = [];
  while (remaining.length > 0) {
    const g = groupOf(await hello(ctx, { version: via.version, suites: via.suites, groups: remaining }));
    if (g === null || !remaining.includes(g)) break;
    found.push(g);
    remaining = remaining.filter((x) => x !== g);
  }
  let preference: boolean | null = null;
  if (found.length >= 2) {
    const reversed = [...found].reverse();
    const g = groupOf(await hello(ctx, { version: via.version, suites: via.suites, groups: reversed }));
    preference = g === found[0] ? true : g === reversed[0] ? false : null;
  }
  return {
    list: found.map((id) => namedGroup(id) ?? { id, name: `0x${id.toString(16)}`, bits: 0 }),
    preference,
  };
}

export { SSL2, SSL3, TLS10, TLS11, TLS12, TLS13 };
