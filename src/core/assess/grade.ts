/**
 * The SSL Labs-style grade of one TLS endpoint, as a pure function of facts the assessment has already
 * derived (protocols, accepted suites, key sizes, handshake simulation, vulnerability tests, trust).
 *
 * The method is the SSL Server Rating Guide (ssllabs/research, docs/SSL_Server_Rating_Guide.xml, 2009
 * with revisions c…e) and the grading changes SSL Labs published after it (revisions f…r, Qualys blog
 * posts 2014–2020). docs/grading.md lists every rule with its id, condition, effect and source; each id
 * below (`GradeRuleId`) is a row of that table, and the rules that fire appear in `GradeResult.caps` and
 * `GradeResult.warnings`.
 */
import type { CipherSuiteInfo, ProtocolVersion } from '../scan/types.js';
import { evaluateRules, type GradeRuleId } from './grade/rules.js';
import { scoreEndpoint } from './grade/score.js';

export { GRADE_RULE_IDS, type GradeRuleId } from './grade/rules.js';

// ---------------------------------------------------------------------------------------------------
// Input: plain facts
// ---------------------------------------------------------------------------------------------------

/** Algorithm of the server's certificate key (the inventory's `KeyAlgorithm` names). */
export type CertificateKeyType = 'RSA' | 'EC' | 'DSA' | 'Ed25519' | 'Ed448';

export interface CertificateKeyFacts {
  /**
   * Algorithm of the leaf certificate's key. A server that presents several certificates (an RSA and an
   * ECDSA chain) is graded on the weaker one, by RSA-equivalent strength.
   */
  readonly type: CertificateKeyType;
  /**
   * Key size: RSA modulus bits, DSA prime (p) bits, EC curve bits (256 for P-256). For Ed25519 and Ed448
   * the size is implied by the algorithm and this value is not read.
   */
  readonly bits: number;
  /**
   * The key is breakable whatever its size: it is on the Debian OpenSSL weak-key list (CVE-2008-0166) or
   * it is an RSA key with public exponent 1. The guide scores such a key exchange 0 %.
   */
  readonly knownWeak: boolean;
}

/** The suites a server accepts with one protocol version. */
export interface AcceptedSuitesFacts {
  readonly protocol: ProtocolVersion;
  /** Every suite the enumeration found accepted with this protocol (order does not matter here). */
  readonly suites: readonly CipherSuiteInfo[];
}

/** What a handshake negotiated. */
export interface NegotiatedSuite {
  readonly protocol: ProtocolVersion;
  readonly suite: CipherSuiteInfo;
}

/**
 * The simulated handshake of one SSL Labs reference client (a representative modern browser,
 * `SimClient.isReference`). Non-reference clients do not take part in grading.
 */
export interface ReferenceHandshake {
  /** Client label used in reasons, e.g. `Chrome 120 / Win 10`. */
  readonly client: string;
  /**
   * The client offers at least one forward-secret suite (DHE, ECDHE or TLS 1.3). A non-FS suite
   * negotiated with such a client is "negotiated with a client that can do better" (2018 FS rule).
   */
  readonly clientOffersForwardSecrecy: boolean;
  /** The client offers at least one AEAD suite (GCM, CCM, ChaCha20-Poly1305 or TLS 1.3). */
  readonly clientOffersAead: boolean;
  /** Protocol and suite the server chose for this client; null when the handshake failed. */
  readonly negotiated: NegotiatedSuite | null;
}

/** OpenSSL CCS injection (CVE-2014-0224), as SSL Labs `openSslCcs` 1/2/3 (and -1/0 = unknown). */
export type CcsInjectionResult = 'not-vulnerable' | 'not-exploitable' | 'exploitable' | 'unknown';

/** ROBOT, as SSL Labs `bleichenbacher` 1/2/3 (-1, 0 and 4 "inconsistent" = unknown). */
export type RobotResult = 'not-vulnerable' | 'weak-oracle' | 'strong-oracle' | 'unknown';

/**
 * One of the 2019 CBC padding oracles (Zombie POODLE, GOLDENDOODLE, 0-length padding oracle
 * CVE-2019-1559, Sleeping POODLE), as SSL Labs reports them: not vulnerable, vulnerable, or vulnerable and
 * exploitable (-1/0 = unknown).
 */
export type PaddingOracleResult = 'not-vulnerable' | 'vulnerable' | 'exploitable' | 'unknown';

/**
 * Results of the vulnerability tests. `true` means confirmed; a test that failed or was not run is
 * `false` (or `'unknown'` / `null` where the type allows) and never penalises.
 */
export interface VulnerabilityFacts {
  /** The server accepts client-initiated renegotiation without RFC 5746 (CVE-2009-3555); SSL Labs `renegSupport` bit 0. */
  readonly insecureClientRenegotiation: boolean;
  /**
   * The server supports RFC 5746 secure renegotiation (`renegSupport` bit 1); null when not tested or not
   * applicable (a TLS 1.3-only server has no renegotiation).
   */
  readonly secureRenegotiation: boolean | null;
  /** POODLE against SSL 3 (CVE-2014-3566): SSL 3 accepted with a CBC suite. SSL Labs `poodle`. */
  readonly poodleSsl3: boolean;
  /** POODLE against TLS (the server does not check TLS CBC padding). SSL Labs `poodleTls` = 2. */
  readonly poodleTls: boolean;
  /** Heartbleed (CVE-2014-0160). */
  readonly heartbleed: boolean;
  readonly ccsInjection: CcsInjectionResult;
  readonly robot: RobotResult;
  /** Ticketbleed (CVE-2016-9244), SSL Labs `ticketbleed` = 2 ("not vulnerable, similar bug" is false). */
  readonly ticketbleed: boolean;
  /** OpenSSL padding oracle in AES-NI CBC MAC check, LuckyMinus20 (CVE-2016-2107); `openSSLLuckyMinus20` = 2. */
  readonly luckyMinus20: boolean;
  readonly zombiePoodle: PaddingOracleResult;
  readonly goldenDoodle: PaddingOracleResult;
  readonly zeroLengthPaddingOracle: PaddingOracleResult;
  readonly sleepingPoodle: PaddingOracleResult;
  /** DROWN: this server's key or name is served with SSLv2 somewhere (here or another host). */
  readonly drown: boolean;
  /** FREAK: export RSA key exchange accepted (also implied by any accepted export suite). */
  readonly freak: boolean;
  /** Logjam: DH parameters below 1024 bits accepted (also implied by `weakestDhBits` < 1024). */
  readonly logjam: boolean;
  /** BEAST (TLS 1.0 / SSL 3 with CBC). Reported, not graded since revision 2009d. */
  readonly beast: boolean;
  /** TLS-level compression (DEFLATE) enabled: the CRIME attack. */
  readonly compression: boolean;
  /**
   * The server supports TLS_FALLBACK_SCSV; null when it cannot be tested because the server speaks only
   * one protocol version (SSL Labs omits `fallbackScsv` then).
   */
  readonly fallbackScsv: boolean | null;
}

/** Certificate trust, validated against the reference root store (Mozilla, as SSL Labs). */
export interface TrustFacts {
  /** A chain from the leaf to a root of the reference store validates. */
  readonly trusted: boolean;
  /** The leaf is self-signed. */
  readonly selfSigned: boolean;
  /** The leaf's notAfter is in the past at assessment time. */
  readonly expired: boolean;
  /** The leaf's notBefore is in the future at assessment time. */
  readonly notYetValid: boolean;
  /** CRL or OCSP says the leaf is revoked. */
  readonly revoked: boolean;
  /** The hash of the leaf's signature when it is a weak one (MD2, MD5, SHA-1); null for SHA-2 and better. */
  readonly weakSignatureHash: 'MD2' | 'MD5' | 'SHA1' | null;
  /** None of the leaf's names (SAN dNSName / iPAddress, or CN without SAN) matches the assessed host name. */
  readonly hostnameMismatch: boolean;
  /** The server omits intermediates: the chain only validated after adding them from elsewhere (AIA, cache). */
  readonly chainIncomplete: boolean;
}

/** HSTS status as SSL Labs `HstsPolicy.status`. */
export type HstsStatus = 'present' | 'absent' | 'invalid' | 'disabled' | 'unknown';

export interface HstsFacts {
  /** `present` means the header was seen and parsed; `unknown` when no HTTP response was available. */
  readonly status: HstsStatus;
  /** max-age in seconds when the policy parsed; null otherwise. */
  readonly maxAge: number | null;
}

/** Everything the grade depends on, as plain facts. */
export interface GradeInput {
  /**
   * Protocol versions the server accepts. SSLv2 counts even when the server offers no SSLv2 cipher kinds
   * (`v2SuitesDisabled`), as SSL Labs does since revision 2009l. Must not be empty.
   */
  readonly protocols: readonly ProtocolVersion[];
  /** Accepted suites, per protocol. */
  readonly suites: readonly AcceptedSuitesFacts[];
  readonly certificateKey: CertificateKeyFacts;
  /** Ephemeral key exchange parameters in use, over every accepted DHE / ECDHE / TLS 1.3 suite. */
  readonly keyExchange: {
    /**
     * Smallest finite-field DH group (DHE prime, or TLS 1.3 ffdhe group) in bits; null when the server
     * accepts no DH key exchange.
     */
    readonly weakestDhBits: number | null;
    /** Smallest ECDH group in EC bits (secp256r1 = 256, x25519 = 255); null when no ECDH key exchange. */
    readonly weakestEcdhBits: number | null;
  };
  /** Handshake simulation of the reference clients. Empty means no simulation: the rules that need it stay silent. */
  readonly referenceHandshakes: readonly ReferenceHandshake[];
  readonly vulnerabilities: VulnerabilityFacts;
  readonly trust: TrustFacts;
  readonly hsts: HstsFacts;
}

// ---------------------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------------------

/** SSL Labs `Endpoint.grade`: A+ … F, T (certificate not trusted), M (certificate name mismatch). */
export type Grade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F' | 'T' | 'M';

/** SSL Labs `Endpoint.gradeTrustIgnored`: the grade with trust issues ignored, never T or M. */
export type SecurityGrade = Exclude<Grade, 'T' | 'M'>;

/** A rule that fired and the highest grade it allows (T and M replace the grade rather than cap it). */
export interface GradeCap {
  readonly id: GradeRuleId;
  readonly cap: 'B' | 'C' | 'F' | 'T' | 'M';
  readonly reason: string;
}

/** A warning: it lowers an A to A- and rules out A+. */
export interface GradeWarning {
  readonly id: GradeRuleId;
  readonly reason: string;
}

/** Category scores in percent (0–100) and their weighted total (protocol 30 %, key exchange 30 %, cipher 40 %). */
export interface GradeScore {
  readonly protocol: number;
  readonly keyExchange: number;
  readonly cipherStrength: number;
  readonly total: number;
}

export interface GradeResult {
  readonly grade: Grade;
  readonly gradeTrustIgnored: SecurityGrade;
  /** At least one warning fired (SSL Labs `hasWarnings`): an A became A-, and A+ is out of reach. */
  readonly hasWarnings: boolean;
  /** The configuration earns A+ when trust is ignored (SSL Labs `isExceptional`). */
  readonly isExceptional: boolean;
  readonly score: GradeScore;
  /** Every cap whose condition holds, in rule-table order, including caps above the final grade. */
  readonly caps: readonly GradeCap[];
  readonly warnings: readonly GradeWarning[];
}

// ---------------------------------------------------------------------------------------------------
// The grade
// ---------------------------------------------------------------------------------------------------

const ORDER: readonly SecurityGrade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'];

/** The lower (worse) of two grades. */
function worse(a: SecurityGrade, b: SecurityGrade): SecurityGrade {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** Letter for a total score (guide, table "Letter grade translation"). */
export function letterForScore(total: number): SecurityGrade {
  if (total >= 80) return 'A';
  if (total >= 65) return 'B';
  if (total >= 50) return 'C';
  if (total >= 35) return 'D';
  if (total >= 20) return 'E';
  return 'F';
}

/**
 * Grades one endpoint. Pure: the same facts always give the same result.
 *
 * Order: category scores → letter from the total → every B/C/F cap (the lowest wins) → warnings turn a
 * remaining A into A- → an A with no warnings, a long-lived HSTS policy and TLS_FALLBACK_SCSV becomes A+
 * → that is `gradeTrustIgnored`; a hostname mismatch then makes `grade` M, any other trust failure T.
 *
 * @throws TypeError when `protocols` is empty (there is nothing to grade).
 *
 * @example
 * const result = gradeEndpoint(input);
 * result.grade; // 'A+'
 * result.caps.map((c) => c.id); // [] — or e.g. ['cap-tls10-b', 'cap-weak-dh-b']
 */
export function gradeEndpoint(input: GradeInput): GradeResult {
  if (input.protocols.length === 0) {
    throw new TypeError('gradeEndpoint: the endpoint supports no protocol');
  }
  const score = scoreEndpoint(input);
  const fired = evaluateRules(input, score);

  let security = letterForScore(score.total);
  for (const cap of fired.caps) {
    if (cap.cap !== 'T' && cap.cap !== 'M') security = worse(security, cap.cap);
  }
  if (security === 'A' && fired.warnings.length > 0) security = 'A-';
  if (security === 'A' && fired.aPlusMissing.length === 0) security = 'A+';

  const mismatch = fired.caps.some((c) => c.cap === 'M');
  const untrusted = fired.caps.some((c) => c.cap === 'T');
  const grade: Grade = mismatch ? 'M' : untrusted ? 'T' : security;

  return {
    grade,
    gradeTrustIgnored: security,
    hasWarnings: fired.warnings.length > 0,
    isExceptional: security === 'A+',
    score,
    caps: fired.caps,
    warnings: fired.warnings,
  };
}
