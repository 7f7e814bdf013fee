/**
 * The grading rules that are not a score: caps (B, C, F), trust outcomes (T, M), warnings (A-) and the
 * requirements for A+. Each rule has a stable id; docs/grading.md has one row per id with its condition,
 * effect and source (a test checks that every id has its row).
 */
import {
  SSL2,
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  TLS13,
  protocolName,
  type CipherSuiteInfo,
  type ProtocolVersion,
} from '../../scan/types.js';
import type {
  GradeCap,
  GradeInput,
  GradeScore,
  GradeWarning,
  PaddingOracleResult,
  ReferenceHandshake,
} from '../grade.js';
import { certificateKeyRsaBits } from './score.js';

/** Every rule id, in the order of the table in docs/grading.md. */
export const GRADE_RULE_IDS = [
  // Score (score.ts and grade.ts)
  'score-protocol',
  'score-key-exchange',
  'score-cipher-strength',
  'score-zero-category',
  'score-letter',
  // F
  'cap-ssl2-f',
  'cap-ssl3-only-f',
  'cap-insecure-renegotiation-f',
  'cap-poodle-tls-f',
  'cap-heartbleed-f',
  'cap-ccs-injection-f',
  'cap-robot-f',
  'cap-ticketbleed-f',
  'cap-lucky-minus20-f',
  'cap-zombie-poodle-f',
  'cap-goldendoodle-f',
  'cap-zero-length-padding-oracle-f',
  'cap-sleeping-poodle-f',
  'cap-drown-f',
  'cap-export-f',
  'cap-dh-lt-1024-f',
  'cap-anon-suites-f',
  'cap-rc4-only-f',
  'cap-no-secure-suites-f',
  'cap-key-lt-1024-f',
  'cap-known-weak-key-f',
  'cap-md5-signature-f',
  // C
  'cap-no-tls12-c',
  'cap-poodle-ssl3-c',
  'cap-rc4-modern-c',
  'cap-64bit-block-modern-c',
  // B
  'cap-tls10-b',
  'cap-tls11-b',
  'cap-ssl3-b',
  'cap-rc4-b',
  'cap-no-fs-b',
  'cap-no-aead-b',
  'cap-weak-dh-b',
  'cap-key-lt-2048-b',
  'cap-compression-b',
  'cap-chain-incomplete-b',
  // A-
  'warn-no-secure-renegotiation',
  'warn-ccs-not-exploitable',
  'warn-padding-oracle-not-exploitable',
  'warn-no-tls13',
  'warn-no-hsts',
  // A+
  'aplus-hsts',
  'aplus-fallback-scsv',
  // T and M
  'trust-mismatch-m',
  'trust-untrusted-t',
  'trust-self-signed-t',
  'trust-expired-t',
  'trust-not-yet-valid-t',
  'trust-revoked-t',
  'trust-sha1-signature-t',
] as const;

export type GradeRuleId = (typeof GRADE_RULE_IDS)[number];

/** SSL Labs `HstsPolicy.LONG_MAX_AGE`: 180 days, the max-age A+ requires. */
export const HSTS_LONG_MAX_AGE = 15_552_000;

/** A successful reference handshake, flattened. */
interface Negotiation {
  readonly client: string;
  readonly clientOffersForwardSecrecy: boolean;
  readonly clientOffersAead: boolean;
  readonly protocol: ProtocolVersion;
  readonly suite: CipherSuiteInfo;
}

/** Facts derived once from the input, shared by the checks. */
interface Context {
  readonly input: GradeInput;
  readonly score: GradeScore;
  /** Every accepted suite, all protocols together. */
  readonly suites: readonly CipherSuiteInfo[];
  readonly best: ProtocolVersion;
  readonly negotiations: readonly Negotiation[];
  /** Certificate key in RSA-equivalent bits. */
  readonly keyBits: number;
}

/** A check returns the reason when its condition holds, null otherwise. */
type Check = (ctx: Context) => string | null;

interface CapRule {
  readonly id: GradeRuleId;
  readonly cap: GradeCap['cap'];
  readonly check: Check;
}

interface WarningRule {
  readonly id: GradeRuleId;
  readonly check: Check;
}

const name = (p: ProtocolVersion): string => {
  const n = protocolName(p);
  return `${n.name} ${n.version}`;
};

const isRc4 = (s: CipherSuiteInfo): boolean => s.cipher === 'RC4';

/** A suite with nothing known against it: authenticated, not export, encrypting, not RC4, at least 112 bits. */
const isSecureSuite = (s: CipherSuiteInfo): boolean =>
  s.auth !== 'anon' && !s.export && s.cipher !== 'NULL' && s.strength >= 112 && !isRc4(s);

/** "Chrome 120 (TLS 1.2, ECDHE-RSA-DES-CBC3-SHA), …": which reference clients got what. */
function describe(negotiations: readonly Negotiation[]): string {
  return negotiations.map((n) => `${n.client} (${name(n.protocol)}, ${n.suite.name})`).join(', ');
}

function withNegotiations(prefix: string, hits: readonly Negotiation[]): string | null {
  return hits.length === 0 ? null : `${prefix}: ${describe(hits)}.`;
}

function paddingOracle(label: string, result: PaddingOracleResult): string | null {
  return result === 'exploitable' ? `Vulnerable to ${label}, and exploitable.` : null;
}

const CAP_RULES: readonly CapRule[] = [
  {
    id: 'score-zero-category',
    cap: 'F',
    check: ({ score }) => {
      const zero = [
        score.protocol === 0 ? 'protocol support' : null,
        score.keyExchange === 0 ? 'key exchange' : null,
        score.cipherStrength === 0 ? 'cipher strength' : null,
      ].filter((c): c is string => c !== null);
      return zero.length === 0
        ? null
        : `A category scores zero (${zero.join(', ')}), which makes the total zero.`;
    },
  },
  // --- F ---------------------------------------------------------------------------------------------
  {
    id: 'cap-ssl2-f',
    cap: 'F',
    check: ({ input }) => (input.protocols.includes(SSL2) ? 'SSL 2.0 is supported.' : null),
  },
  {
    id: 'cap-ssl3-only-f',
    cap: 'F',
    check: ({ best }) => (best === SSL3 ? 'SSL 3.0 is the best protocol the server supports.' : null),
  },
  {
    id: 'cap-insecure-renegotiation-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.insecureClientRenegotiation
        ? 'Insecure client-initiated renegotiation is supported (no RFC 5746): open to CVE-2009-3555.'
        : null,
  },
  {
    id: 'cap-poodle-tls-f',
    cap: 'F',
    check: ({ input }) => (input.vulnerabilities.poodleTls ? 'Vulnerable to POODLE against TLS.' : null),
  },
  {
    id: 'cap-heartbleed-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.heartbleed ? 'Vulnerable to Heartbleed (CVE-2014-0160).' : null,
  },
  {
    id: 'cap-ccs-injection-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.ccsInjection === 'exploitable'
        ? 'Vulnerable to OpenSSL CCS injection (CVE-2014-0224), and exploitable.'
        : null,
  },
  {
    id: 'cap-robot-f',
    cap: 'F',
    check: ({ input }) => {
      const robot = input.vulnerabilities.robot;
      if (robot === 'strong-oracle') return 'Vulnerable to ROBOT (strong Bleichenbacher oracle).';
      if (robot === 'weak-oracle') return 'Vulnerable to ROBOT (weak Bleichenbacher oracle).';
      return null;
    },
  },
  {
    id: 'cap-ticketbleed-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.ticketbleed ? 'Vulnerable to Ticketbleed (CVE-2016-9244).' : null,
  },
  {
    id: 'cap-lucky-minus20-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.luckyMinus20
        ? 'Vulnerable to the OpenSSL AES-NI padding oracle LuckyMinus20 (CVE-2016-2107).'
        : null,
  },
  {
    id: 'cap-zombie-poodle-f',
    cap: 'F',
    check: ({ input }) => paddingOracle('Zombie POODLE', input.vulnerabilities.zombiePoodle),
  },
  {
    id: 'cap-goldendoodle-f',
    cap: 'F',
    check: ({ input }) => paddingOracle('GOLDENDOODLE', input.vulnerabilities.goldenDoodle),
  },
  {
    id: 'cap-zero-length-padding-oracle-f',
    cap: 'F',
    check: ({ input }) =>
      paddingOracle(
        'the 0-length padding oracle (CVE-2019-1559)',
        input.vulnerabilities.zeroLengthPaddingOracle,
      ),
  },
  {
    id: 'cap-sleeping-poodle-f',
    cap: 'F',
    check: ({ input }) => paddingOracle('Sleeping POODLE', input.vulnerabilities.sleepingPoodle),
  },
  {
    id: 'cap-drown-f',
    cap: 'F',
    check: ({ input }) =>
      input.vulnerabilities.drown
        ? 'Vulnerable to DROWN: the key or name is served with SSL 2.0 on this or another host.'
        : null,
  },
  {
    id: 'cap-export-f',
    cap: 'F',
    check: ({ input, suites }) => {
      const exported = suites.filter((s) => s.export).map((s) => s.name);
      if (exported.length > 0)
        return `Export suites are accepted (FREAK): ${[...new Set(exported)].join(', ')}.`;
      return input.vulnerabilities.freak ? 'Export RSA key exchange is accepted (FREAK).' : null;
    },
  },
  {
    id: 'cap-dh-lt-1024-f',
    cap: 'F',
    check: ({ input }) => {
      const dh = input.keyExchange.weakestDhBits;
      if (dh !== null && dh < 1024) return `DH parameters of ${dh} bits are accepted (Logjam).`;
      return input.vulnerabilities.logjam ? 'DH parameters below 1024 bits are accepted (Logjam).' : null;
    },
  },
  {
    id: 'cap-anon-suites-f',
    cap: 'F',
    check: ({ suites }) => {
      const anon = suites.filter((s) => s.auth === 'anon').map((s) => s.name);
      return anon.length === 0
        ? null
        : `Anonymous (unauthenticated) suites are accepted: ${[...new Set(anon)].join(', ')}.`;
    },
  },
  {
    id: 'cap-rc4-only-f',
    cap: 'F',
    check: ({ suites }) =>
      suites.length > 0 && suites.every(isRc4) ? 'RC4 is the only cipher the server accepts.' : null,
  },
  {
    id: 'cap-no-secure-suites-f',
    cap: 'F',
    check: ({ suites }) =>
      suites.some(isSecureSuite)
        ? null
        : 'No secure suite is accepted: every suite is anonymous, export, NULL, RC4 or below 112 bits.',
  },
  {
    id: 'cap-key-lt-1024-f',
    cap: 'F',
    check: ({ input, keyBits }) =>
      keyBits < 1024
        ? `The certificate key (${input.certificateKey.type} ${input.certificateKey.bits}) is below 1024 RSA-equivalent bits.`
        : null,
  },
  {
    id: 'cap-known-weak-key-f',
    cap: 'F',
    check: ({ input }) =>
      input.certificateKey.knownWeak
        ? 'The certificate key is known to be weak (Debian OpenSSL key or RSA exponent 1).'
        : null,
  },
  {
    id: 'cap-md5-signature-f',
    cap: 'F',
    check: ({ input }) => {
      const hash = input.trust.weakSignatureHash;
      return hash === 'MD5' || hash === 'MD2'
        ? `The certificate is signed with ${hash}, an insecure hash.`
        : null;
    },
  },
  // --- C ---------------------------------------------------------------------------------------------
  {
    id: 'cap-no-tls12-c',
    cap: 'C',
    check: ({ best }) => (best < TLS12 ? `TLS 1.2 is not supported (best protocol: ${name(best)}).` : null),
  },
  {
    id: 'cap-poodle-ssl3-c',
    cap: 'C',
    check: ({ input }) =>
      input.vulnerabilities.poodleSsl3
        ? 'Vulnerable to POODLE: SSL 3.0 with CBC suites (CVE-2014-3566).'
        : null,
  },
  {
    id: 'cap-rc4-modern-c',
    cap: 'C',
    check: ({ negotiations }) =>
      withNegotiations(
        'RC4 is negotiated with TLS 1.1 or newer by reference clients',
        negotiations.filter((n) => n.protocol >= TLS11 && isRc4(n.suite)),
      ),
  },
  {
    id: 'cap-64bit-block-modern-c',
    cap: 'C',
    check: ({ negotiations }) =>
      withNegotiations(
        'A 64-bit block cipher (3DES, DES, IDEA …) is negotiated with TLS 1.1 or newer by reference clients',
        negotiations.filter((n) => n.protocol >= TLS11 && n.suite.blockBits === 64),
      ),
  },
  // --- B ---------------------------------------------------------------------------------------------
  {
    id: 'cap-tls10-b',
    cap: 'B',
    check: ({ input }) => (input.protocols.includes(TLS10) ? 'TLS 1.0 is supported.' : null),
  },
  {
    id: 'cap-tls11-b',
    cap: 'B',
    check: ({ input }) => (input.protocols.includes(TLS11) ? 'TLS 1.1 is supported.' : null),
  },
  {
    id: 'cap-ssl3-b',
    cap: 'B',
    check: ({ input }) => (input.protocols.includes(SSL3) ? 'SSL 3.0 is supported.' : null),
  },
  {
    id: 'cap-rc4-b',
    cap: 'B',
    check: ({ suites }) => (suites.some(isRc4) ? 'RC4 suites are accepted.' : null),
  },
  {
    id: 'cap-no-fs-b',
    cap: 'B',
    check: ({ negotiations }) =>
      withNegotiations(
        'No forward secrecy with reference clients that offer it',
        negotiations.filter((n) => n.clientOffersForwardSecrecy && !n.suite.forwardSecrecy),
      ),
  },
  {
    id: 'cap-no-aead-b',
    cap: 'B',
    check: ({ negotiations }) =>
      withNegotiations(
        'No AEAD suite with reference clients that offer one',
        negotiations.filter((n) => n.clientOffersAead && n.suite.mode !== 'AEAD'),
      ),
  },
  {
    id: 'cap-weak-dh-b',
    cap: 'B',
    check: ({ input }) => {
      const dh = input.keyExchange.weakestDhBits;
      return dh !== null && dh < 2048 ? `Weak DH parameters (${dh} bits, below 2048) are accepted.` : null;
    },
  },
  {
    id: 'cap-key-lt-2048-b',
    cap: 'B',
    check: ({ input, keyBits }) =>
      keyBits < 2048
        ? `The certificate key (${input.certificateKey.type} ${input.certificateKey.bits}) is below 2048 RSA-equivalent bits.`
        : null,
  },
  {
    id: 'cap-compression-b',
    cap: 'B',
    check: ({ input }) => (input.vulnerabilities.compression ? 'TLS compression is enabled (CRIME).' : null),
  },
  {
    id: 'cap-chain-incomplete-b',
    cap: 'B',
    check: ({ input }) =>
      input.trust.chainIncomplete ? 'The certificate chain is incomplete (intermediates missing).' : null,
  },
  // --- M and T ---------------------------------------------------------------------------------------
  {
    id: 'trust-mismatch-m',
    cap: 'M',
    check: ({ input }) =>
      input.trust.hostnameMismatch ? 'The certificate does not match the host name.' : null,
  },
  {
    id: 'trust-untrusted-t',
    cap: 'T',
    check: ({ input }) =>
      input.trust.trusted ? null : 'The certificate chain is not trusted by the root store.',
  },
  {
    id: 'trust-self-signed-t',
    cap: 'T',
    check: ({ input }) => (input.trust.selfSigned ? 'The certificate is self-signed.' : null),
  },
  {
    id: 'trust-expired-t',
    cap: 'T',
    check: ({ input }) => (input.trust.expired ? 'The certificate has expired.' : null),
  },
  {
    id: 'trust-not-yet-valid-t',
    cap: 'T',
    check: ({ input }) => (input.trust.notYetValid ? 'The certificate is not yet valid.' : null),
  },
  {
    id: 'trust-revoked-t',
    cap: 'T',
    check: ({ input }) => (input.trust.revoked ? 'The certificate has been revoked.' : null),
  },
  {
    id: 'trust-sha1-signature-t',
    cap: 'T',
    check: ({ input }) =>
      input.trust.weakSignatureHash === 'SHA1'
        ? 'The certificate is signed with SHA-1, no longer trusted.'
        : null,
  },
];

const WARNING_RULES: readonly WarningRule[] = [
  {
    id: 'warn-no-secure-renegotiation',
    check: ({ input }) =>
      input.vulnerabilities.secureRenegotiation === false && input.protocols.some((p) => p < TLS13)
        ? 'Secure renegotiation (RFC 5746) is not supported.'
        : null,
  },
  {
    id: 'warn-ccs-not-exploitable',
    check: ({ input }) =>
      input.vulnerabilities.ccsInjection === 'not-exploitable'
        ? 'Possibly vulnerable to OpenSSL CCS injection (CVE-2014-0224), but not exploitable.'
        : null,
  },
  {
    id: 'warn-padding-oracle-not-exploitable',
    check: ({ input }) => {
      const v = input.vulnerabilities;
      const found = (
        [
          ['Zombie POODLE', v.zombiePoodle],
          ['GOLDENDOODLE', v.goldenDoodle],
          ['0-length padding oracle', v.zeroLengthPaddingOracle],
          ['Sleeping POODLE', v.sleepingPoodle],
        ] as const
      )
        .filter(([, result]) => result === 'vulnerable')
        .map(([label]) => label);
      return found.length === 0 ? null : `Vulnerable but not exploitable: ${found.join(', ')}.`;
    },
  },
];

/**
 * certgrid's A- conditions beyond SSL Labs' published ones (issue 4: "A- (hasWarnings, e.g. no TLS 1.3,
 * no valid HSTS)"); see docs/grading.md, "Where we differ".
 */
const CERTGRID_WARNING_RULES: readonly WarningRule[] = [
  {
    id: 'warn-no-tls13',
    check: ({ input }) => (input.protocols.includes(TLS13) ? null : 'TLS 1.3 is not supported.'),
  },
  {
    id: 'warn-no-hsts',
    // Only where an HTTP answer was seen: a service that does not speak HTTP has no HSTS to send.
    check: ({ input }) =>
      input.hsts.status === 'unknown' || input.hsts.status === 'present'
        ? null
        : `No valid HSTS policy (status: ${input.hsts.status}).`,
  },
];

/** A+ requirements: the check returns the reason when the requirement is NOT met. */
const APLUS_RULES: readonly WarningRule[] = [
  {
    id: 'aplus-hsts',
    check: ({ input }) => {
      const { status, maxAge } = input.hsts;
      if (status !== 'present') return `No valid HSTS policy (status: ${status}).`;
      if (maxAge === null || maxAge < HSTS_LONG_MAX_AGE) {
        return `HSTS max-age ${maxAge ?? 'missing'} is below ${HSTS_LONG_MAX_AGE} seconds (180 days).`;
      }
      return null;
    },
  },
  {
    id: 'aplus-fallback-scsv',
    check: ({ input }) =>
      input.vulnerabilities.fallbackScsv === false ? 'TLS_FALLBACK_SCSV is not supported.' : null,
  },
];

function successful(handshakes: readonly ReferenceHandshake[]): Negotiation[] {
  const out: Negotiation[] = [];
  for (const h of handshakes) {
    if (h.negotiated === null) continue;
    out.push({
      client: h.client,
      clientOffersForwardSecrecy: h.clientOffersForwardSecrecy,
      clientOffersAead: h.clientOffersAead,
      protocol: h.negotiated.protocol,
      suite: h.negotiated.suite,
    });
  }
  return out;
}

export interface FiredRules {
  readonly caps: GradeCap[];
  readonly warnings: GradeWarning[];
  /** A+ requirements that are not met (empty: A+ is possible). */
  readonly aPlusMissing: GradeWarning[];
}

/** Runs every rule against the facts; returns those whose condition holds, in table order. */
export function evaluateRules(input: GradeInput, score: GradeScore): FiredRules {
  const ctx: Context = {
    input,
    score,
    suites: input.suites.flatMap((p) => p.suites),
    best: input.protocols.reduce((a, b) => (b > a ? b : a)),
    negotiations: successful(input.referenceHandshakes),
    keyBits: certificateKeyRsaBits(input.certificateKey),
  };
  const caps: GradeCap[] = [];
  for (const rule of CAP_RULES) {
    const reason = rule.check(ctx);
    if (reason !== null) caps.push({ id: rule.id, cap: rule.cap, reason });
  }
  const run = (rules: readonly WarningRule[]): GradeWarning[] =>
    rules.flatMap((rule) => {
      const reason = rule.check(ctx);
      return reason === null ? [] : [{ id: rule.id, reason }];
    });
  return {
    caps,
    warnings: [...run(WARNING_RULES), ...run(CERTGRID_WARNING_RULES)],
    aPlusMissing: run(APLUS_RULES),
  };
}
