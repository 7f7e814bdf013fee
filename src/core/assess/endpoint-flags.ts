import { isAead, isCbc, isExport, isRc4 } from '../scan/ciphers.js';
import { SSL2, SSL3, TLS10, type EndpointFacts, type ProtocolSuitesFacts } from '../scan/types.js';
import { dhKnownPrimeCode } from './known-dh-primes.js';
import type { Simulation } from './sims/index.js';

/**
 * The vulnerability and configuration flags of EndpointDetails, derived from scan facts and the
 * handshake simulation, with SSL Labs' codes (ssllabs-api-docs-v3.md). Active test results pass
 * through; derived flags are computed here so each rule sits in one place.
 */
export interface DerivedFlags {
  readonly vulnBeast: boolean;
  readonly renegSupport: number;
  readonly supportsRc4: boolean;
  readonly rc4WithModern: boolean;
  readonly rc4Only: boolean;
  readonly forwardSecrecy: number;
  readonly supportsAead: boolean;
  readonly supportsCBC: boolean;
  readonly poodle: boolean;
  readonly freak: boolean;
  readonly logjam: boolean;
  readonly drownVulnerable: boolean;
  readonly dhPrimes?: readonly string[];
  readonly dhUsesKnownPrimes?: 0 | 1 | 2;
  readonly dhYsReuse?: boolean;
}

const suitesOf = (protocols: readonly ProtocolSuitesFacts[], ...versions: number[]) =>
  protocols.filter((p) => versions.length === 0 || versions.includes(p.protocol)).flatMap((p) => p.suites);

/** Suites of the TLS/SSL 3 protocols (SSLv2 kinds are reported under drownVulnerable). */
const tlsSuites = (protocols: readonly ProtocolSuitesFacts[]) =>
  protocols.filter((p) => p.protocol !== SSL2).flatMap((p) => p.suites);

/**
 * SSL Labs reports forwardSecrecy as one level (observed values 0, 1, 2, 4), the highest that holds:
 * 4 every simulated client that connects gets FS, 2 every reference (modern) client does, 1 at least
 * one client does.
 */
export function forwardSecrecyLevel(
  sims: readonly Simulation[],
  fsSuite: (id: number) => boolean,
): 0 | 1 | 2 | 4 {
  const ok = sims.filter((s) => s.errorCode === 0 && s.suiteId !== undefined);
  if (ok.length === 0) return 0;
  const fs = (s: Simulation) => fsSuite(s.suiteId!);
  if (ok.every(fs)) return 4;
  const reference = ok.filter((s) => s.client.isReference);
  if (reference.length > 0 && reference.every(fs)) return 2;
  return ok.some(fs) ? 1 : 0;
}

export function deriveFlags(
  facts: EndpointFacts,
  sims: readonly Simulation[],
  fsSuite: (id: number) => boolean,
  rc4Suite: (id: number) => boolean,
): DerivedFlags {
  const all = tlsSuites(facts.protocols);
  const secure = facts.serverHello.secureRenegotiation === true;
  const clientReneg = facts.session?.clientRenegotiation === true;
  const dhe = all.filter((a) => a.kx?.dhBits !== undefined);
  const primes = [...new Set(dhe.map((a) => a.kx!.dhP!).filter((p) => p !== undefined))];
  const ys = dhe.map((a) => a.kx!.dhYs).filter((y): y is string => y !== undefined);
  const ssl2 = facts.protocols.find((p) => p.protocol === SSL2);
  return {
    // BEAST: a CBC suite usable with SSL 3.0 or TLS 1.0 (the implicit-IV protocols).
    vulnBeast: suitesOf(facts.protocols, SSL3, TLS10).some((a) => isCbc(a.suite)),
    // bit 0 insecure client-initiated, 1 secure (RFC 5746), 2 secure client-initiated, 3 secure required.
    // Bit 0 comes from the scanner's own legacy client: node:tls (OpenSSL) never renegotiates
    // without RFC 5746, so its clientRenegotiation can only ever show bit 2.
    renegSupport:
      (facts.insecureRenegotiation === true ? 1 : 0) |
      (secure ? 2 : 0) |
      (clientReneg && secure ? 4 : 0) |
      (facts.requiresSecureRenegotiation ? 8 : 0),
    supportsRc4: all.some((a) => isRc4(a.suite)),
    rc4WithModern: sims.some(
      (s) => s.errorCode === 0 && s.client.isReference && s.suiteId !== undefined && rc4Suite(s.suiteId),
    ),
    rc4Only: all.length > 0 && all.every((a) => isRc4(a.suite)),
    forwardSecrecy: forwardSecrecyLevel(sims, fsSuite),
    supportsAead: all.some((a) => isAead(a.suite)),
    supportsCBC: all.some((a) => isCbc(a.suite)),
    // POODLE (CVE-2014-3566): SSL 3.0 with a CBC suite.
    poodle: suitesOf(facts.protocols, SSL3).some((a) => isCbc(a.suite)),
    // FREAK (CVE-2015-0204): export RSA key exchange accepted.
    freak: all.some((a) => isExport(a.suite) && a.suite.kx === 'RSA'),
    // Logjam (SSL Labs): DH parameters weaker than 1024 bits, or export DHE suites.
    logjam:
      dhe.some((a) => a.kx!.dhBits! < 1024) || all.some((a) => isExport(a.suite) && a.suite.kx === 'DH'),
    // DROWN on this endpoint: SSLv2 with cipher kinds enabled (shared keys on other hosts are not checked).
    drownVulnerable: ssl2 !== undefined && ssl2.suites.length > 0,
    ...(primes.length > 0
      ? {
          dhPrimes: primes,
          dhUsesKnownPrimes: dhKnownPrimeCode(primes),
          // The same server value Ys in two handshakes: the "ephemeral" key is reused.
          dhYsReuse: new Set(ys).size < ys.length,
        }
      : {}),
  };
}
