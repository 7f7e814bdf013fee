/**
 * ROBOT — the Return Of Bleichenbacher's Oracle Threat (Böck, Somorovsky, Young, USENIX Security
 * 2018; CVE-2017-13099 and the vendor CVEs of the same family).
 *
 * With RSA key exchange the server decrypts our EncryptedPreMasterSecret and must treat a block
 * that is not valid PKCS #1 v1.5 exactly like a valid one, continuing with a random pre-master
 * secret (RFC 5246 §7.4.7.1). If it reacts differently — another alert, a close instead of an
 * alert, a reset, silence — it is a Bleichenbacher oracle, and an attacker can decrypt recorded
 * sessions or sign with the server's key.
 *
 * For one accepted RSA suite we send the five ClientKeyExchange blocks of the paper, one connection
 * each: a correctly formatted one, one starting 0x41 0x17 instead of 0x00 0x02, one with the 0x00
 * separator at a wrong position, one with no separator, one with a wrong version in the
 * pre-master secret. Each goes twice: followed by ChangeCipherSpec and a Finished (keyed with a
 * secret the server does not hold, so it fails in every case), and alone, since the paper found
 * oracles visible in only one of the two flows. A run whose reactions differ is repeated once; a
 * difference that does not come back is reported as inconsistent.
 *
 * Classification (paper §4): the oracle is strong when the block with wrong first bytes draws
 * another reaction than a block that starts 0x00 0x02 but is malformed otherwise (the server leaks
 * PKCS #1 conformance itself); weak when only fully valid blocks stand out.
 */
import { randomBytes } from 'node:crypto';
import { activeSessions, type ActiveSessions } from '../active-sessions.js';
import { ScanNetworkError } from '../connection.js';
import type { ScanContext } from '../enumerate.js';
import { provisionalSilence, reactionWindow, type ReactionWindow } from '../reaction-window.js';
import {
  SessionError,
  TlsClient,
  cipherSpec,
  describeReaction,
  encodeRsaClientKeyExchange,
  keyExchangeOf,
  reactionKey,
  rsaEncryptRaw,
  rsaPublicKeyOf,
  type Reaction,
} from '../session/index.js';
import { SSL3, TLS10, TLS11, TLS12, type ProtocolSuitesFacts, type ProtocolVersion } from '../types.js';

/** The five ClientKeyExchange blocks of the ROBOT paper. */
export type RobotVector =
  'correct' | 'wrong-first-bytes' | 'wrong-zero-position' | 'missing-zero' | 'wrong-version';

export const ROBOT_VECTORS: readonly RobotVector[] = [
  'correct',
  'wrong-first-bytes',
  'wrong-zero-position',
  'missing-zero',
  'wrong-version',
];

/** What follows the ClientKeyExchange: ChangeCipherSpec and Finished, or nothing. */
export type RobotFlow = 'with-finished' | 'key-exchange-only';

export const ROBOT_FLOWS: readonly RobotFlow[] = ['with-finished', 'key-exchange-only'];

/**
 * Result of the test. `not-applicable`: no RSA key exchange on TLS 1.0–1.2. `failed`: a handshake
 * needed for the comparison did not get as far as the ClientKeyExchange.
 */
export type RobotStatus =
  'not-vulnerable' | 'weak-oracle' | 'strong-oracle' | 'inconsistent' | 'failed' | 'not-applicable';

/** SSL Labs `bleichenbacher`: -1 test failed, 0 unknown, 1 not vulnerable, 2 weak oracle, 3 strong oracle, 4 inconsistent. */
export type BleichenbacherCode = -1 | 0 | 1 | 2 | 3 | 4;

/** One flow's five reactions, each as `reactionKey` (equal keys: indistinguishable reactions). */
export interface RobotRun {
  readonly flow: RobotFlow;
  readonly reactions: Readonly<Record<RobotVector, string>>;
  /** Human descriptions, for reports. */
  readonly descriptions: Readonly<Record<RobotVector, string>>;
}

export interface RobotReport {
  readonly status: RobotStatus;
  readonly code: BleichenbacherCode;
  readonly detail: string;
  /** The protocol and suite tested; null when none was. */
  readonly protocol: ProtocolVersion | null;
  readonly suite: number | null;
  /** Every run, in order (a repeated flow appears twice). */
  readonly runs: readonly RobotRun[];
}

export interface RobotOptions {
  /** How long to wait for the server's reaction after the ClientKeyExchange. Default 3 s. */
  readonly reactionTimeoutMs?: number;
  /**
   * The scan's reaction timing (src/core/scan/reaction-window.ts), shared between its active tests;
   * by default one of `reactionTimeoutMs` for this test alone.
   */
  readonly reactionWindow?: ReactionWindow;
  readonly random?: (n: number) => Uint8Array;
  /**
   * How the sessions reach the server (src/core/scan/active-sessions.ts). A scan shares one between its
   * active tests; by default the test makes its own.
   */
  readonly sessions?: ActiveSessions;
}

/**
 * SSL Labs `bleichenbacher` for a status. The API docs define no value for "not applicable"; a
 * server without RSA key exchange cannot be this oracle, so it is 1 (not vulnerable), and the
 * report keeps `not-applicable` for whoever needs the difference.
 */
export function bleichenbacherCode(status: RobotStatus): BleichenbacherCode {
  switch (status) {
    case 'not-vulnerable':
    case 'not-applicable':
      return 1;
    case 'weak-oracle':
      return 2;
    case 'strong-oracle':
      return 3;
    case 'inconsistent':
      return 4;
    case 'failed':
      return -1;
  }
}

const nonZero = (random: (n: number) => Uint8Array, n: number): Uint8Array => {
  const out = random(n);
  for (let i = 0; i < n; i++) while (out[i] === 0) out[i] = (random(1)[0] as number) | 0;
  return out;
};

/**
 * The `size`-byte block to encrypt for a vector (RFC 8017 §7.2.1 EME-PKCS1-v1_5 and its
 * deliberate violations). A valid block is 0x00 0x02 ‖ PS (non-zero) ‖ 0x00 ‖ PMS, the PMS being
 * client_version ‖ 46 random bytes (RFC 5246 §7.4.7.1). The random bytes are kept non-zero so that
 * the only zero bytes are the ones each vector places on purpose.
 */
export function robotBlock(
  vector: RobotVector,
  size: number,
  clientVersion: number,
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Uint8Array {
  if (size < 64) throw new RangeError('RSA modulus too small for a TLS pre-master secret');
  const version = vector === 'wrong-version' ? [0x02, 0x02] : [clientVersion >>> 8, clientVersion & 0xff];
  const pms = Uint8Array.from([...version, ...nonZero(random, 46)]);
  const block = new Uint8Array(size);
  block.set(vector === 'wrong-first-bytes' ? [0x41, 0x17] : [0x00, 0x02], 0);
  block.set(nonZero(random, size - 3 - pms.length), 2);
  block.set(pms, size - pms.length);
  const separator = size - pms.length - 1;
  if (vector === 'wrong-zero-position') {
    // The separator moves 16 bytes into the padding: a 64-byte "secret", which is the wrong length.
    block[separator - 16] = 0x00;
    block[separator] = 0x11;
  } else if (vector === 'missing-zero') {
    block[separator] = 0x11;
  } else {
    block[separator] = 0x00;
  }
  return block;
}

/** How the five reactions of one run differ: not at all, only for valid blocks (weak), or on conformance (strong). */
export function classifyRobotRun(
  reactions: Readonly<Record<RobotVector, string>>,
): 'none' | 'weak' | 'strong' {
  if (new Set(ROBOT_VECTORS.map((v) => reactions[v])).size === 1) return 'none';
  const wrongStart = reactions['wrong-first-bytes'];
  // A block starting 0x00 0x02 but malformed draws another reaction than one with wrong first
  // bytes: the server reveals whether the plaintext starts 0x00 0x02 (paper §4, strong oracle).
  if (wrongStart !== reactions['wrong-zero-position'] || wrongStart !== reactions['missing-zero'])
    return 'strong';
  return 'weak';
}

const sameRun = (a: RobotRun, b: RobotRun): boolean =>
  ROBOT_VECTORS.every((v) => a.reactions[v] === b.reactions[v]);

/**
 * The verdict over all runs: per flow, a differing run counts only when its repetition reacted
 * exactly the same; otherwise it is inconsistent. A confirmed oracle in either flow wins.
 */
export function robotVerdict(runs: readonly RobotRun[]): RobotStatus {
  let weak = false;
  let strong = false;
  let inconsistent = false;
  for (const flow of ROBOT_FLOWS) {
    const [first, second] = runs.filter((r) => r.flow === flow);
    if (first === undefined) continue;
    const kind = classifyRobotRun(first.reactions);
    if (kind === 'none') continue;
    if (second === undefined || !sameRun(first, second)) inconsistent = true;
    else if (kind === 'strong') strong = true;
    else weak = true;
  }
  return strong ? 'strong-oracle' : weak ? 'weak-oracle' : inconsistent ? 'inconsistent' : 'not-vulnerable';
}

/** The protocol and RSA suite to test: the newest protocol, a suite the engine runs when there is one. */
export function robotCandidate(
  protocols: readonly ProtocolSuitesFacts[],
): { protocol: ProtocolVersion; suite: number } | { none: 'no-rsa' | 'ssl3-only' } {
  for (const protocol of [TLS12, TLS11, TLS10] as const) {
    const facts = protocols.find((p) => p.protocol === protocol);
    const rsa = (facts?.suites ?? []).map((s) => s.suite.id).filter((id) => keyExchangeOf(id) === 'rsa');
    const suite = rsa.find((id) => cipherSpec(id) !== undefined) ?? rsa[0];
    if (suite !== undefined) return { protocol, suite };
  }
  const ssl3 = protocols.find((p) => p.protocol === SSL3);
  return ssl3?.suites.some((s) => s.suite.kx === 'RSA') ? { none: 'ssl3-only' } : { none: 'no-rsa' };
}

type Attempt = { readonly reaction: Reaction; readonly provisional: boolean } | { readonly failure: string };

async function attempt(
  ctx: ScanContext,
  protocol: ProtocolVersion,
  suite: number,
  vector: RobotVector,
  flow: RobotFlow,
  fullWait: boolean,
  options: Required<Omit<RobotOptions, 'reactionTimeoutMs'>>,
): Promise<Attempt> {
  try {
    return await options.sessions.run(async (conn) => {
      const client = new TlsClient(conn, { random: options.random });
      const n = await client.hello({ version: protocol, suites: [suite], serverName: ctx.serverName });
      const leaf = n.certificates[0];
      if (leaf === undefined) throw new SessionError('SESSION_PROTOCOL', 'no server certificate');
      const key = rsaPublicKeyOf(leaf);
      const body = encodeRsaClientKeyExchange(
        rsaEncryptRaw(key, robotBlock(vector, key.size, protocol, options.random)),
      );
      // Keys from a secret the server cannot hold: our Finished fails the same way for every vector.
      const records = [client.clientKeyExchangeRecord(body, options.random(48))];
      if (flow === 'with-finished') records.push(client.changeCipherSpecRecord(), client.finishedRecord());
      await client.send(...records);
      const wait = fullWait ? options.reactionWindow.full() : options.reactionWindow.next();
      const reaction = await client.observe(wait.ms);
      options.reactionWindow.note(reaction);
      return { reaction, provisional: provisionalSilence(reaction, wait) };
    });
  } catch (e) {
    if (e instanceof SessionError) return { failure: e.message };
    if (e instanceof ScanNetworkError && e.failure !== 'aborted') return { failure: e.message };
    throw e;
  }
}

async function run(
  ctx: ScanContext,
  protocol: ProtocolVersion,
  suite: number,
  flow: RobotFlow,
  options: Required<Omit<RobotOptions, 'reactionTimeoutMs'>>,
  fullWait = false,
): Promise<RobotRun | { failure: string }> {
  // A round that failed or whose reactions differ is run again one session at a time when it ran in
  // parallel: only a difference seen with the server to itself counts (src/core/scan/active-sessions.ts).
  const attempts = await options.sessions.round(
    ROBOT_VECTORS.map((v) => () => attempt(ctx, protocol, suite, v, flow, fullWait, options)),
    (done) =>
      done.some((a) => 'failure' in a) ||
      new Set(done.map((a) => ('reaction' in a ? reactionKey(a.reaction) : ''))).size > 1,
  );
  const failed = attempts.find((a): a is { failure: string } => 'failure' in a);
  if (failed !== undefined) return { failure: failed.failure };
  const reactions = {} as Record<RobotVector, string>;
  const descriptions = {} as Record<RobotVector, string>;
  ROBOT_VECTORS.forEach((v, i) => {
    const r = (attempts[i] as { reaction: Reaction }).reaction;
    reactions[v] = reactionKey(r);
    descriptions[v] = describeReaction(r);
  });
  // Reactions that differ where a short wait ended in silence: that silence is not an answer yet.
  const provisional = attempts.some((a) => 'provisional' in a && a.provisional);
  if (provisional && classifyRobotRun(reactions) !== 'none')
    return run(ctx, protocol, suite, flow, options, true);
  return { flow, reactions, descriptions };
}

const report = (
  status: RobotStatus,
  detail: string,
  rest: Partial<Pick<RobotReport, 'protocol' | 'suite' | 'runs'>> = {},
): RobotReport => ({
  status,
  code: bleichenbacherCode(status),
  detail,
  protocol: rest.protocol ?? null,
  suite: rest.suite ?? null,
  runs: rest.runs ?? [],
});

/**
 * Test `ctx.target` for ROBOT, given the suites enumeration found per protocol. Uses 10 to 20
 * sessions (five vectors, two flows, a repetition of each flow that differed), one connection each,
 * through `options.sessions`: in parallel on a server that serves connections concurrently, one at a
 * time on one that does not, and a parallel run that differed or failed is run again one at a time
 * before it counts; a run that differed while a short reaction wait ended in silence is run again
 * with the full wait. Network failures become `failed`; only an abort of the scan rejects.
 */
export async function probeRobot(
  ctx: ScanContext,
  protocols: readonly ProtocolSuitesFacts[],
  options: RobotOptions = {},
): Promise<RobotReport> {
  const candidate = robotCandidate(protocols);
  if ('none' in candidate) {
    return candidate.none === 'no-rsa'
      ? report('not-applicable', 'no RSA key exchange suite is accepted')
      : report('failed', 'RSA key exchange is only accepted with SSL 3.0, which this test does not speak');
  }
  const { protocol, suite } = candidate;
  const opts: Required<Omit<RobotOptions, 'reactionTimeoutMs'>> = {
    reactionWindow: options.reactionWindow ?? reactionWindow(options.reactionTimeoutMs ?? 3_000),
    random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
    sessions: options.sessions ?? activeSessions(ctx, { hello: { version: protocol, suites: [suite] } }),
  };
  const runs: RobotRun[] = [];
  // One flow after the other: the with-Finished flow's prompt alerts time the server's reactions, so
  // the key-exchange-only flow, where a server that is not an oracle stays silent, waits less.
  for (const flow of ROBOT_FLOWS) {
    const first = await run(ctx, protocol, suite, flow, opts);
    if ('failure' in first) return report('failed', `${flow}: ${first.failure}`, { protocol, suite, runs });
    runs.push(first);
    if (classifyRobotRun(first.reactions) === 'none') continue;
    const second = await run(ctx, protocol, suite, flow, opts, true);
    if ('failure' in second)
      return report('failed', `${flow}, repeated: ${second.failure}`, { protocol, suite, runs });
    runs.push(second);
  }
  const status = robotVerdict(runs);
  return report(status, explain(status, runs), { protocol, suite, runs });
}

function explain(status: RobotStatus, runs: readonly RobotRun[]): string {
  if (status === 'not-vulnerable') return 'every ClientKeyExchange drew the same reaction';
  const differing = runs.find((r) => classifyRobotRun(r.reactions) !== 'none');
  const seen = differing
    ? ROBOT_VECTORS.map((v) => `${v}: ${differing.descriptions[v]}`).join('; ')
    : 'no differing run kept';
  if (status === 'inconsistent') return `reactions differed but not the same way twice (${seen})`;
  return `${differing?.flow}: ${seen}`;
}

/** The scan's hook for active tests: SSL Labs `bleichenbacher`. */
export async function robotActiveTest(
  ctx: ScanContext,
  found: {
    readonly protocols: readonly ProtocolSuitesFacts[];
    readonly reactionTimeoutMs?: number;
    readonly reactionWindow?: ReactionWindow;
    readonly sessions?: ActiveSessions;
  },
): Promise<{ bleichenbacher: BleichenbacherCode }> {
  const options: RobotOptions = {
    ...(found.reactionTimeoutMs !== undefined ? { reactionTimeoutMs: found.reactionTimeoutMs } : {}),
    ...(found.reactionWindow !== undefined ? { reactionWindow: found.reactionWindow } : {}),
    ...(found.sessions !== undefined ? { sessions: found.sessions } : {}),
  };
  return { bleichenbacher: (await probeRobot(ctx, found.protocols, options)).code };
}
