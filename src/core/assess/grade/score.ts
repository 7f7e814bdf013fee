/**
 * The numeric part of the SSL Server Rating Guide (section "Scoring"): three category scores in percent
 * and their weighted total. Rules that cannot be expressed as a score are in rules.ts.
 */
import { SSL2, SSL3, TLS10, TLS11, TLS12, TLS13, type ProtocolVersion } from '../../scan/types.js';
import type { CertificateKeyFacts, GradeInput, GradeScore } from '../grade.js';

/**
 * Table "Protocol support rating guide". TLS 1.3 postdates the guide; it scores as TLS 1.2 (100 %), the
 * table's maximum (docs/grading.md, "Where we differ or interpret").
 */
const PROTOCOL_SCORE: Readonly<Record<ProtocolVersion, number>> = {
  [SSL2]: 20,
  [SSL3]: 80,
  [TLS10]: 90,
  [TLS11]: 95,
  [TLS12]: 100,
  [TLS13]: 100,
};

/** Protocol support: (best + worst) / 2. */
export function protocolScore(protocols: readonly ProtocolVersion[]): number {
  const scores = protocols.map((p) => PROTOCOL_SCORE[p]);
  return (Math.max(...scores) + Math.min(...scores)) / 2;
}

/**
 * RSA-equivalent bits of an elliptic-curve size (NIST SP 800-57 Part 1, Table 2: 160–223 ≈ 1024,
 * 224–255 ≈ 2048, 256–383 ≈ 3072, 384–511 ≈ 7680, 512+ ≈ 15360). x25519, which SSL Labs reports with 255
 * bits, counts with the 256-bit curves. Below 160 bits the table has no row; the EC bits are returned.
 */
export function ecRsaEquivalent(ecBits: number): number {
  if (ecBits >= 512) return 15360;
  if (ecBits >= 384) return 7680;
  if (ecBits >= 255) return 3072;
  if (ecBits >= 224) return 2048;
  if (ecBits >= 160) return 1024;
  return ecBits;
}

/** RSA-equivalent strength of the certificate key, the unit of every key-size rule. */
export function certificateKeyRsaBits(key: CertificateKeyFacts): number {
  switch (key.type) {
    case 'RSA':
    case 'DSA':
      return key.bits;
    case 'EC':
      return ecRsaEquivalent(key.bits);
    case 'Ed25519':
      return ecRsaEquivalent(255);
    case 'Ed448':
      return ecRsaEquivalent(448);
  }
}

/** Table "Key exchange rating guide", by key or DH parameter strength. */
function keyStrengthScore(bits: number): number {
  if (bits < 512) return 20;
  if (bits < 1024) return 40;
  if (bits < 2048) return 80;
  if (bits < 4096) return 90;
  return 100;
}

/** Export key exchange is "limited to 512 bits": 40 % (same table). */
const EXPORT_KX_SCORE = 40;

/**
 * Key exchange: the weakest exchange the server accepts. An exchange is as strong as the weaker of the
 * certificate key and the ephemeral parameters (the guide's note on DHE/ECDHE), so the weakest one is the
 * minimum of the key and of the smallest DH and ECDH groups in use. Anonymous suites and known-weak keys
 * score 0 %; an accepted export suite scores at most 40 %.
 */
export function keyExchangeScore(input: GradeInput): number {
  const suites = input.suites.flatMap((p) => p.suites);
  if (input.certificateKey.knownWeak || suites.some((s) => s.auth === 'anon')) return 0;

  let bits = certificateKeyRsaBits(input.certificateKey);
  const { weakestDhBits, weakestEcdhBits } = input.keyExchange;
  if (weakestDhBits !== null) bits = Math.min(bits, weakestDhBits);
  if (weakestEcdhBits !== null) bits = Math.min(bits, ecRsaEquivalent(weakestEcdhBits));

  const score = keyStrengthScore(bits);
  return suites.some((s) => s.export) ? Math.min(score, EXPORT_KX_SCORE) : score;
}

/** Table "Cipher strength rating guide". */
function cipherStrengthScoreOf(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

/**
 * Cipher strength: (strongest + weakest) / 2 over every accepted suite, by `CipherSuiteInfo.strength`
 * (3DES counts 112 bits, as SSL Labs reports it). No accepted suite at all scores 0 %.
 */
export function cipherStrengthScore(input: GradeInput): number {
  const strengths = input.suites.flatMap((p) => p.suites.map((s) => s.strength));
  if (strengths.length === 0) return 0;
  return (cipherStrengthScoreOf(Math.max(...strengths)) + cipherStrengthScoreOf(Math.min(...strengths))) / 2;
}

/**
 * The three category scores and the total: protocol 30 %, key exchange 30 %, cipher strength 40 %; a zero in
 * any category forces the total to zero.
 */
export function scoreEndpoint(input: GradeInput): GradeScore {
  const protocol = protocolScore(input.protocols);
  const keyExchange = keyExchangeScore(input);
  const cipherStrength = cipherStrengthScore(input);
  const zero = protocol === 0 || keyExchange === 0 || cipherStrength === 0;
  // Integer weights over 10 keep the usual totals exact (0.3 * 90 is not 27 in binary floating point).
  const total = zero ? 0 : (3 * protocol + 3 * keyExchange + 4 * cipherStrength) / 10;
  return { protocol, keyExchange, cipherStrength, total };
}
