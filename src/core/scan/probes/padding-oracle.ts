/**
 * CBC padding oracles on a completed TLS 1.0–1.2 session: POODLE against TLS, the 2019 family
 * found by Craig Young (Zombie POODLE, GOLDENDOODLE, Sleeping POODLE) with the OpenSSL 0-length
 * record oracle (CVE-2019-1559), and OpenSSL's LuckyMinus20 (CVE-2016-2107).
 *
 * In MAC-then-encrypt CBC (RFC 5246 §6.2.3.2) a receiver must treat bad padding and a bad MAC
 * alike: one alert, bad_record_mac, whatever was wrong. For one accepted CBC suite we complete a
 * handshake per vector and send one application_data record built to be wrong in one precise way
 * (the five malformed records of Young's padcheck, the well-formed record as the baseline, and the
 * second 0-length record CVE-2019-1559 compares), then compare the reactions:
 *
 *   valid                            HTTP request ‖ MAC ‖ a full block of padding (the baseline)
 *   invalid-mac                      same, one MAC byte flipped — padding valid
 *   missing-mac-incomplete-padding   every plaintext byte 0xff: a 255-byte padding longer than the record
 *   invalid-padding-valid-mac        valid MAC, padding bytes wrong but the length byte right (SSL 3 style)
 *   missing-mac-valid-padding        the whole record is padding, no room for a MAC (32 bytes for SHA-1)
 *   empty-invalid-mac                0-length content, MAC flipped, valid padding
 *   empty-invalid-padding            0-length content, valid MAC, padding bytes wrong
 *
 * Findings (see docs/active-tests.md for sources and limits):
 * - POODLE TLS: the server accepts `invalid-padding-valid-mac` (answers as it answers `valid`).
 * - Zombie POODLE: it rejects it, but not the way it rejects `invalid-mac` (observable MAC validity).
 * - Sleeping POODLE: it neither accepts nor rejects it — it goes silent — while `invalid-mac` draws
 *   a prompt rejection.
 * - GOLDENDOODLE: `invalid-mac` draws another reaction than `missing-mac-incomplete-padding`
 *   (observable padding validity, Vaudenay's oracle).
 * - 0-length oracle: the two 0-length records draw different reactions.
 * - LuckyMinus20: `missing-mac-valid-padding` draws record_overflow (the AES-NI code's length
 *   underflow) where `invalid-mac` does not.
 * "Exploitable" (SSL Labs 3, 5, 7, 11) when the difference shows on the wire — another record
 * sequence, a plaintext alert, a close against a reset or silence — since encrypted alerts of
 * different descriptions look alike to a man in the middle; "vulnerable" (2, 4, 6, 10) when only we,
 * holding the keys, can tell. A run with findings is repeated; findings that change are inconsistent.
 */
import { activeSessions, type ActiveSessions } from '../active-sessions.js';
import { ScanNetworkError } from '../connection.js';
import type { ScanContext } from '../enumerate.js';
import { provisionalSilence, reactionWindow, type ReactionWindow } from '../reaction-window.js';
import {
  SessionError,
  TlsClient,
  cipherSpec,
  describeReaction,
  reactionKey,
  wireKey,
  type BlockProtection,
  type Reaction,
  type RecordTamper,
} from '../session/index.js';
import { TLS10, TLS11, TLS12, TLS13, type ProtocolSuitesFacts, type ProtocolVersion } from '../types.js';

export type PaddingVector =
  | 'valid'
  | 'invalid-mac'
  | 'missing-mac-incomplete-padding'
  | 'invalid-padding-valid-mac'
  | 'missing-mac-valid-padding'
  | 'empty-invalid-mac'
  | 'empty-invalid-padding';

export const PADDING_VECTORS: readonly PaddingVector[] = [
  'valid',
  'invalid-mac',
  'missing-mac-incomplete-padding',
  'invalid-padding-valid-mac',
  'missing-mac-valid-padding',
  'empty-invalid-mac',
  'empty-invalid-padding',
];

/**
 * One test's outcome. `exploitable` exists only for the 2019 oracles; `timeout` and
 * `tls-not-supported` only matter for POODLE TLS, whose SSL Labs codes have them.
 */
export type PaddingTestStatus =
  | 'not-vulnerable'
  | 'vulnerable'
  | 'exploitable'
  | 'inconsistent'
  | 'failed'
  | 'timeout'
  | 'tls-not-supported'
  | 'not-applicable'
  | 'unknown';

export interface PaddingTestResult {
  readonly status: PaddingTestStatus;
  /** The SSL Labs API value for the field this result fills. */
  readonly code: number;
  readonly detail: string;
}

export interface PaddingRound {
  /** `reactionKey` per vector (equal: we cannot tell the reactions apart). */
  readonly reactions: Readonly<Record<PaddingVector, string>>;
  /** `wireKey` per vector (equal: an on-path observer cannot). */
  readonly wire: Readonly<Record<PaddingVector, string>>;
  readonly descriptions: Readonly<Record<PaddingVector, string>>;
}

export interface PaddingOracleReport {
  readonly protocol: ProtocolVersion | null;
  readonly suite: number | null;
  readonly poodleTls: PaddingTestResult;
  readonly openSSLLuckyMinus20: PaddingTestResult;
  readonly zombiePoodle: PaddingTestResult;
  readonly goldenDoodle: PaddingTestResult;
  readonly zeroLengthPaddingOracle: PaddingTestResult;
  readonly sleepingPoodle: PaddingTestResult;
  readonly rounds: readonly PaddingRound[];
}

export interface PaddingOracleOptions {
  /** How long to wait for the reaction to each record. Default 3 s. */
  readonly reactionTimeoutMs?: number;
  /**
   * The scan's reaction timing (src/core/scan/reaction-window.ts), shared between its active tests;
   * by default one of `reactionTimeoutMs` for this test alone.
   */
  readonly reactionWindow?: ReactionWindow;
  /**
   * How the sessions reach the server (src/core/scan/active-sessions.ts). A scan shares one between its
   * active tests; by default the test makes its own.
   */
  readonly sessions?: ActiveSessions;
}

export type PaddingTestName =
  | 'poodleTls'
  | 'openSSLLuckyMinus20'
  | 'zombiePoodle'
  | 'goldenDoodle'
  | 'zeroLengthPaddingOracle'
  | 'sleepingPoodle';

export const PADDING_TESTS: readonly PaddingTestName[] = [
  'poodleTls',
  'openSSLLuckyMinus20',
  'zombiePoodle',
  'goldenDoodle',
  'zeroLengthPaddingOracle',
  'sleepingPoodle',
];

/** SSL Labs values of "vulnerable" and "vulnerable and exploitable" for each 2019 oracle. */
const ORACLE_CODES: Readonly<Record<PaddingTestName, readonly [number, number]>> = {
  poodleTls: [2, 2],
  openSSLLuckyMinus20: [2, 2],
  zombiePoodle: [2, 3],
  goldenDoodle: [4, 5],
  zeroLengthPaddingOracle: [6, 7],
  sleepingPoodle: [10, 11],
};

/**
 * The SSL Labs API value of a status for one field (API v3 docs, EndpointDetails). The docs define
 * no "not applicable" value; without a CBC suite none of these oracles can exist, so it is 1 (not
 * vulnerable), as for a tested server. `timeout` (-3) and `tls-not-supported` (-2) exist only for
 * `poodleTls`; elsewhere they count as a failed test (-1).
 */
export function paddingTestCode(test: PaddingTestName, status: PaddingTestStatus): number {
  switch (status) {
    case 'not-vulnerable':
    case 'not-applicable':
      return 1;
    case 'vulnerable':
      return ORACLE_CODES[test][0];
    case 'exploitable':
      return ORACLE_CODES[test][1];
    case 'inconsistent':
    case 'unknown':
      return 0;
    case 'timeout':
      return test === 'poodleTls' ? -3 : -1;
    case 'tls-not-supported':
      return test === 'poodleTls' ? -2 : -1;
    case 'failed':
      return -1;
  }
}

const flip = (b: Uint8Array): Uint8Array => {
  const out = Uint8Array.from(b);
  out[0] = (out[0] as number) ^ 0xff;
  return out;
};

/** Padding with the right length byte but every other byte wrong (0, 1, 2 …, all below the length). */
const wrongPadding = (p: Uint8Array): Uint8Array => p.map((b, i) => (i === p.length - 1 ? b : i));

const utf8 = new TextEncoder();

/**
 * An HTTP request whose length plus the MAC's is a whole number of blocks, so that standard
 * padding is a full block: every padding vector then has several padding bytes to get wrong.
 */
export function paddedRequest(host: string, protection: BlockProtection): Uint8Array {
  const base = `GET / HTTP/1.0\r\nHost: ${host}\r\nX-Padding: `;
  const tail = '\r\n\r\n';
  const used = base.length + tail.length + protection.macLength;
  const fill = (protection.blockSize - (used % protection.blockSize)) % protection.blockSize;
  return utf8.encode(`${base}${'a'.repeat(fill + protection.blockSize)}${tail}`);
}

/** The content and tampering that make one vector's record. */
export function paddingVectorRecord(
  vector: PaddingVector,
  protection: BlockProtection,
  request: Uint8Array,
): { readonly content: Uint8Array; readonly tamper: RecordTamper } {
  const bs = protection.blockSize;
  const empty = new Uint8Array(0);
  switch (vector) {
    case 'valid':
      return { content: request, tamper: {} };
    case 'invalid-mac':
      return { content: request, tamper: { mac: flip } };
    case 'missing-mac-incomplete-padding':
      return {
        content: request,
        tamper: {
          plaintext: ({ content, mac, padding }) =>
            new Uint8Array(content.length + mac.length + padding.length).fill(0xff),
        },
      };
    case 'invalid-padding-valid-mac':
      return { content: request, tamper: { padding: wrongPadding } };
    case 'missing-mac-valid-padding': {
      // The smallest whole number of blocks longer than the MAC, all padding (CVE-2016-2107).
      const n = Math.ceil((protection.macLength + 1) / bs) * bs;
      return { content: empty, tamper: { plaintext: new Uint8Array(n).fill(n - 1) } };
    }
    case 'empty-invalid-mac':
      return { content: empty, tamper: { mac: flip } };
    case 'empty-invalid-padding':
      return { content: empty, tamper: { padding: wrongPadding } };
  }
}

/** The protocol and CBC suite to test: TLS 1.2 first, AES with HMAC-SHA1 preferred. */
export function paddingCandidate(
  protocols: readonly ProtocolSuitesFacts[],
):
  | { protocol: ProtocolVersion; suite: number }
  | { none: 'tls-not-supported' | 'no-cbc' | 'no-runnable-cbc' } {
  let cbcSeen = false;
  const score = (id: number): number => {
    const p = cipherSpec(id)?.protection;
    if (p?.kind !== 'block') return -1;
    return (
      (p.cipher === 'aes-128-cbc' ? 20 : p.cipher === 'aes-256-cbc' ? 10 : 0) +
      (p.macAlgorithm === 'sha1' ? 2 : p.macAlgorithm === 'sha256' ? 1 : 0)
    );
  };
  for (const protocol of [TLS12, TLS11, TLS10] as const) {
    const suites = (protocols.find((p) => p.protocol === protocol)?.suites ?? []).map((s) => s.suite);
    if (suites.some((s) => s.mode === 'CBC')) cbcSeen = true;
    const best = suites
      .map((s) => s.id)
      .filter((id) => score(id) >= 0)
      .sort((a, b) => score(b) - score(a))[0];
    if (best !== undefined) return { protocol, suite: best };
  }
  // SSL 3.0 only (or nothing at all): SSL Labs' "TLS not supported".
  if (!protocols.some((p) => p.protocol >= TLS10 && p.protocol <= TLS13 && p.suites.length > 0)) {
    return { none: 'tls-not-supported' };
  }
  return { none: cbcSeen ? 'no-runnable-cbc' : 'no-cbc' };
}

type Finding = 'not-vulnerable' | 'vulnerable' | 'exploitable';

/** What one round of reactions shows, per test. */
export interface PaddingRoundVerdict {
  /** The well-formed record was answered without an alert: the session works and comparisons mean something. */
  readonly baselineOk: boolean;
  readonly poodleTls: Finding;
  readonly openSSLLuckyMinus20: Finding;
  readonly zombiePoodle: Finding;
  readonly goldenDoodle: Finding;
  readonly zeroLengthPaddingOracle: Finding;
  readonly sleepingPoodle: Finding;
}

const fatal = (r: Reaction): boolean => r.alerts.some((a) => a.levelName === 'fatal');
const hasAlert = (r: Reaction, name: string): boolean => r.alerts.some((a) => a.name === name);
const silent = (r: Reaction): boolean =>
  r.end === 'timeout' && r.alerts.length === 0 && r.applicationData.length === 0 && r.records.length === 0;

/** Two reactions: the same, different only to us (encrypted alerts), or different on the wire. */
export function compareReactions(a: Reaction, b: Reaction): Finding {
  if (reactionKey(a) === reactionKey(b)) return 'not-vulnerable';
  return wireKey(a) === wireKey(b) ? 'vulnerable' : 'exploitable';
}

/** Classify one round of reactions; `aes` says whether the suite is AES (LuckyMinus20 lives in OpenSSL's AES-NI code). */
export function classifyPaddingRound(
  r: Readonly<Record<PaddingVector, Reaction>>,
  aes: boolean,
): PaddingRoundVerdict {
  const baseline = r.valid;
  const baselineOk = !fatal(baseline) && baseline.end !== 'malformed' && baseline.undecryptable === 0;
  const accepted = (x: Reaction): boolean =>
    x.applicationData.length > 0 ||
    (baseline.applicationData.length === 0 && reactionKey(x) === reactionKey(baseline));
  const poodle = r['invalid-padding-valid-mac'];
  const badMac = r['invalid-mac'];
  const poodleAccepted = accepted(poodle);
  const sleeping = !poodleAccepted && silent(poodle) && !silent(badMac);
  const yes = (b: boolean): Finding => (b ? 'vulnerable' : 'not-vulnerable');
  return {
    baselineOk,
    poodleTls: yes(poodleAccepted),
    openSSLLuckyMinus20: yes(
      aes &&
        hasAlert(r['missing-mac-valid-padding'], 'record_overflow') &&
        !hasAlert(badMac, 'record_overflow'),
    ),
    zombiePoodle: poodleAccepted || sleeping ? 'not-vulnerable' : compareReactions(poodle, badMac),
    // Silence against a prompt alert is always visible on the wire.
    sleepingPoodle: sleeping ? 'exploitable' : 'not-vulnerable',
    goldenDoodle: compareReactions(badMac, r['missing-mac-incomplete-padding']),
    zeroLengthPaddingOracle: compareReactions(r['empty-invalid-mac'], r['empty-invalid-padding']),
  };
}

type Attempt =
  | { readonly reaction: Reaction; readonly provisional: boolean }
  | { readonly failure: string; readonly timeout: boolean };

/** How a round waits: on the scan's reaction timing, with the full window when `full`. */
interface Waits {
  readonly window: ReactionWindow;
  readonly full: boolean;
}

async function attempt(
  ctx: ScanContext,
  sessions: ActiveSessions,
  protocol: ProtocolVersion,
  suite: number,
  vector: PaddingVector,
  waits: Waits,
): Promise<Attempt> {
  try {
    return await sessions.run(async (conn) => {
      const client = new TlsClient(conn);
      const n = await client.handshake({ version: protocol, suites: [suite], serverName: ctx.serverName });
      const protection = n.spec?.protection as BlockProtection;
      const { content, tamper } = paddingVectorRecord(
        vector,
        protection,
        paddedRequest(ctx.serverName ?? ctx.target.host, protection),
      );
      await client.send(client.applicationDataRecord(content, tamper));
      const wait = waits.full ? waits.window.full() : waits.window.next();
      const reaction = await client.observe(wait.ms);
      waits.window.note(reaction);
      return { reaction, provisional: provisionalSilence(reaction, wait) };
    });
  } catch (e) {
    if (e instanceof SessionError) return { failure: e.message, timeout: e.code === 'SESSION_TIMEOUT' };
    if (e instanceof ScanNetworkError && e.failure !== 'aborted') {
      return { failure: e.message, timeout: e.failure === 'read-timeout' || e.failure === 'connect-timeout' };
    }
    throw e;
  }
}

async function round(
  ctx: ScanContext,
  sessions: ActiveSessions,
  protocol: ProtocolVersion,
  suite: number,
  waits: Waits,
  aes: boolean,
): Promise<
  | { reactions: Record<PaddingVector, Reaction>; round: PaddingRound; provisional: boolean }
  | { failure: string; timeout: boolean }
> {
  // A round that failed or found anything is run again one session at a time when it ran in parallel:
  // only reactions seen with the server to itself count (src/core/scan/active-sessions.ts).
  const attempts = await sessions.round(
    PADDING_VECTORS.map((v) => () => attempt(ctx, sessions, protocol, suite, v, waits)),
    (done) => {
      if (done.some((a) => 'failure' in a)) return true;
      const reactions = Object.fromEntries(
        PADDING_VECTORS.map((v, i) => [v, (done[i] as { reaction: Reaction }).reaction]),
      ) as Record<PaddingVector, Reaction>;
      const verdict = classifyPaddingRound(reactions, aes);
      return !verdict.baselineOk || PADDING_TESTS.some((t) => verdict[t] !== 'not-vulnerable');
    },
  );
  const failed = attempts.find((a): a is { failure: string; timeout: boolean } => 'failure' in a);
  if (failed !== undefined) return failed;
  const reactions = {} as Record<PaddingVector, Reaction>;
  PADDING_VECTORS.forEach((v, i) => (reactions[v] = (attempts[i] as { reaction: Reaction }).reaction));
  const map = (f: (r: Reaction) => string) =>
    Object.fromEntries(PADDING_VECTORS.map((v) => [v, f(reactions[v])])) as Record<PaddingVector, string>;
  return {
    reactions,
    round: { reactions: map(reactionKey), wire: map(wireKey), descriptions: map(describeReaction) },
    provisional: attempts.some((a) => 'provisional' in a && a.provisional),
  };
}

const result = (test: PaddingTestName, status: PaddingTestStatus, detail: string): PaddingTestResult => ({
  status,
  code: paddingTestCode(test, status),
  detail,
});

const allTests = (
  status: (test: PaddingTestName) => PaddingTestStatus,
  detail: string,
  rest: Pick<PaddingOracleReport, 'protocol' | 'suite' | 'rounds'>,
): PaddingOracleReport => {
  const entries = PADDING_TESTS.map((t) => [t, result(t, status(t), detail)] as const);
  return { ...rest, ...(Object.fromEntries(entries) as Record<PaddingTestName, PaddingTestResult>) };
};

const EVIDENCE: Readonly<Record<PaddingTestName, readonly PaddingVector[]>> = {
  poodleTls: ['valid', 'invalid-padding-valid-mac'],
  openSSLLuckyMinus20: ['invalid-mac', 'missing-mac-valid-padding'],
  zombiePoodle: ['invalid-mac', 'invalid-padding-valid-mac'],
  sleepingPoodle: ['invalid-mac', 'invalid-padding-valid-mac'],
  goldenDoodle: ['invalid-mac', 'missing-mac-incomplete-padding'],
  zeroLengthPaddingOracle: ['empty-invalid-mac', 'empty-invalid-padding'],
};

/**
 * Test `ctx.target` for the CBC padding oracles, given the suites enumeration found per protocol.
 * Seven sessions, seven more when something showed, one connection each, through `options.sessions`
 * (in parallel or one at a time, as the server serves connections; a parallel round that found
 * anything is run again one at a time before it counts, and a first round that found anything while
 * a short reaction wait ended in silence is run again with the full wait). Network failures become
 * `failed` (or `timeout`); only an abort of the scan rejects.
 */
export async function probePaddingOracles(
  ctx: ScanContext,
  protocols: readonly ProtocolSuitesFacts[],
  options: PaddingOracleOptions = {},
): Promise<PaddingOracleReport> {
  const window = options.reactionWindow ?? reactionWindow(options.reactionTimeoutMs ?? 3_000);
  const candidate = paddingCandidate(protocols);
  if ('none' in candidate) {
    const rest = { protocol: null, suite: null, rounds: [] };
    if (candidate.none === 'tls-not-supported') {
      return allTests(() => 'tls-not-supported', 'TLS 1.0-1.2 is not supported', rest);
    }
    if (candidate.none === 'no-cbc')
      return allTests(() => 'not-applicable', 'no CBC suite is accepted', rest);
    return allTests(() => 'unknown', 'the accepted CBC suites use ciphers this test does not run', rest);
  }
  const { protocol, suite } = candidate;
  const protection = cipherSpec(suite)?.protection as BlockProtection;
  const aes = protection.cipher !== 'des-ede3-cbc';
  const sessions = options.sessions ?? activeSessions(ctx, { hello: { version: protocol, suites: [suite] } });
  const rounds: PaddingRound[] = [];
  const full: Waits = { window, full: true };
  let first = await round(ctx, sessions, protocol, suite, { window, full: false }, aes);
  // A verdict that would rest on a silence seen with a short wait: the round again, waiting in full.
  if (!('failure' in first) && first.provisional) {
    const v = classifyPaddingRound(first.reactions, aes);
    if (!v.baselineOk || PADDING_TESTS.some((t) => v[t] !== 'not-vulnerable')) {
      first = await round(ctx, sessions, protocol, suite, full, aes);
    }
  }
  if ('failure' in first) {
    const detail = `handshake for a test record failed: ${first.failure}`;
    return allTests((t) => (first.timeout && t === 'poodleTls' ? 'timeout' : 'failed'), detail, {
      protocol,
      suite,
      rounds,
    });
  }
  rounds.push(first.round);
  const verdict = classifyPaddingRound(first.reactions, aes);
  if (!verdict.baselineOk) {
    const detail = `the well-formed record was refused: ${first.round.descriptions.valid}`;
    return allTests(() => 'failed', detail, { protocol, suite, rounds });
  }
  // Anything found is checked once more: a difference that does not repeat is noise, not an oracle.
  let repeat: PaddingRoundVerdict | null = null;
  if (PADDING_TESTS.some((t) => verdict[t] !== 'not-vulnerable')) {
    const second = await round(ctx, sessions, protocol, suite, full, aes);
    if ('failure' in second) {
      repeat = { ...verdict, baselineOk: false };
    } else {
      rounds.push(second.round);
      repeat = classifyPaddingRound(second.reactions, aes);
    }
  }
  const tests = PADDING_TESTS.map((t) => {
    const status: PaddingTestStatus =
      repeat !== null && (repeat[t] !== verdict[t] || !repeat.baselineOk) ? 'inconsistent' : verdict[t];
    const evidence = EVIDENCE[t].map((v) => `${v}: ${first.round.descriptions[v]}`).join('; ');
    return [t, result(t, status, evidence)] as const;
  });
  return {
    protocol,
    suite,
    rounds,
    ...(Object.fromEntries(tests) as Record<PaddingTestName, PaddingTestResult>),
  };
}

/** The scan's hook for active tests: the six SSL Labs fields. */
export async function paddingOracleActiveTest(
  ctx: ScanContext,
  found: {
    readonly protocols: readonly ProtocolSuitesFacts[];
    readonly reactionTimeoutMs?: number;
    readonly reactionWindow?: ReactionWindow;
    readonly sessions?: ActiveSessions;
  },
): Promise<Record<PaddingTestName, number>> {
  const options: PaddingOracleOptions = {
    ...(found.reactionTimeoutMs !== undefined ? { reactionTimeoutMs: found.reactionTimeoutMs } : {}),
    ...(found.reactionWindow !== undefined ? { reactionWindow: found.reactionWindow } : {}),
    ...(found.sessions !== undefined ? { sessions: found.sessions } : {}),
  };
  const report = await probePaddingOracles(ctx, found.protocols, options);
  return Object.fromEntries(PADDING_TESTS.map((t) => [t, report[t].code])) as Record<PaddingTestName, number>;
}
