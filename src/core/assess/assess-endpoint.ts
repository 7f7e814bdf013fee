import type { KeyAlgorithm } from '../inventory/public-key.js';
import { cipherSuite, isRc4 } from '../scan/ciphers.js';
import { SSL2, protocolName, type EndpointFacts, type ProtocolVersion } from '../scan/types.js';
import type { EndpointDetails } from './endpoint-details.js';
import { endpointFindings } from './endpoint-findings.js';
import { deriveFlags } from './endpoint-flags.js';
import { vulnerabilitiesFor, type FindingId, type InstanceVulnerability } from './findings.js';
import {
  gradeEndpoint,
  type CcsInjectionResult,
  type GradeInput,
  type GradeResult,
  type PaddingOracleResult,
  type ReferenceHandshake,
  type RobotResult,
} from './grade.js';
import { parseHsts } from './hsts.js';
import {
  REFERENCE_CLIENTS,
  keyAlgorithmForSuite,
  simulateHandshakes,
  type Simulation,
} from './sims/index.js';
import { groupEntries, protocolEntries, suiteLists } from './suite-entries.js';
import { evaluateChain, type ChainEvaluation, type TrustContext } from './trust.js';

/**
 * From scan facts to everything the API and the inventory show about an endpoint: the SSL Labs-shaped
 * EndpointDetails, the grade, the findings and their QIDs. Pure: the same facts, trust context and time
 * give the same answer.
 */
export interface EndpointAssessmentResult {
  /** Null when the endpoint could not be assessed (no TLS, not reachable). */
  readonly details: EndpointDetails | null;
  readonly grade: GradeResult | null;
  readonly findings: ReadonlySet<FindingId>;
  readonly vulnerabilities: readonly InstanceVulnerability[];
  /** 'TLSv1.2', 'SSLv3' …, as host instances list them. */
  readonly sslProtocols: readonly string[];
  /** Every certificate served, in every chain, each once (DER). */
  readonly certificates: readonly Uint8Array[];
  /** 'http' when an HTTP request over TLS was answered, else a well-known port's service, else 'tcp'. */
  readonly service: string;
  /** 'Ready', or why the endpoint could not be assessed. */
  readonly statusMessage: string;
}

/** The trust context without the host name, which comes from the facts (SNI name, else the address). */
export type AssessContext = Omit<TrustContext, 'hostname'>;

const WELL_KNOWN: Readonly<Record<number, string>> = {
  25: 'smtp',
  465: 'smtp',
  587: 'smtp',
  636: 'ldap',
  853: 'dns',
  990: 'ftp',
  993: 'imap',
  995: 'pop3',
  5061: 'sip',
  5223: 'xmpp',
  8883: 'mqtt',
};

export function sslProtocolName(v: ProtocolVersion): string {
  const p = protocolName(v);
  return p.name === 'SSL' ? `SSLv${p.version.charAt(0)}` : `TLSv${p.version}`;
}

const fsSuite = (id: number) => cipherSuite(id)?.forwardSecrecy === true;
const rc4Suite = (id: number) => {
  const s = cipherSuite(id);
  return s !== undefined && isRc4(s);
};

function paddingResult(code: number | undefined): PaddingOracleResult {
  return code === 1 ? 'not-vulnerable' : code === 2 ? 'vulnerable' : code === 3 ? 'exploitable' : 'unknown';
}

function ccsResult(code: number): CcsInjectionResult {
  return code === 1
    ? 'not-vulnerable'
    : code === 2
      ? 'not-exploitable'
      : code === 3
        ? 'exploitable'
        : 'unknown';
}

function robotResult(code: number | undefined): RobotResult {
  return code === 1
    ? 'not-vulnerable'
    : code === 2
      ? 'weak-oracle'
      : code === 3
        ? 'strong-oracle'
        : 'unknown';
}

/**
 * The reference clients' handshakes for the grade. What a client "offers" (forward secrecy, AEAD) counts
 * only the suites it could use with this server's certificate: IE 11 on Windows 7 and Windows Phone 8.1
 * offers AEAD only with ECDSA, which no server with an RSA certificate can give it, so a server is not
 * capped for that client getting CBC (docs/grading.md).
 */
function referenceHandshakes(sims: readonly Simulation[], keyAlg: KeyAlgorithm): ReferenceHandshake[] {
  const profiles = new Map(REFERENCE_CLIENTS.map((c) => [c.id, c]));
  const usable = (id: number): boolean => {
    const suite = cipherSuite(id);
    if (suite === undefined) return false;
    const needs = keyAlgorithmForSuite(suite);
    return needs === null || needs === keyAlg;
  };
  return sims
    .filter((s) => s.client.isReference)
    .map((s) => {
      const offered = (profiles.get(s.client.id)?.suites ?? []).filter(usable);
      const suite = s.suiteId !== undefined ? cipherSuite(s.suiteId) : undefined;
      return {
        client: `${s.client.name} ${s.client.version}${s.client.platform ? ` / ${s.client.platform}` : ''}`,
        clientOffersForwardSecrecy: offered.some(fsSuite),
        clientOffersAead: offered.some((id) => cipherSuite(id)?.mode === 'AEAD'),
        negotiated:
          s.errorCode === 0 && suite !== undefined && s.protocolId !== undefined
            ? { protocol: s.protocolId, suite }
            : null,
      };
    });
}

function uniqueCertificates(facts: EndpointFacts): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const chain of facts.chains) {
    for (const der of chain.certs) {
      const key = Buffer.from(der).toString('base64');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(der);
      }
    }
  }
  return out;
}

export function assessEndpoint(facts: EndpointFacts, context: AssessContext): EndpointAssessmentResult {
  const certificates = uniqueCertificates(facts);
  const service =
    facts.session?.http != null ? 'http' : (WELL_KNOWN[facts.port] ?? (facts.port === 443 ? 'http' : 'tcp'));
  if (facts.failure !== null) {
    return {
      details: null,
      grade: null,
      findings: new Set(),
      vulnerabilities: [],
      sslProtocols: [],
      certificates,
      service,
      statusMessage: facts.failure,
    };
  }
  const now = context.now.getTime();
  const hostname = facts.serverName ?? facts.ip;
  const evaluations: ChainEvaluation[] = [];
  for (const chain of facts.chains) {
    try {
      evaluations.push(evaluateChain(chain, { ...context, hostname }));
    } catch {
      // A leaf that does not parse has no chain to evaluate; the endpoint is still assessed.
    }
  }
  const leaf = evaluations[0] ?? null;
  const sims = simulateHandshakes({
    protocols: facts.protocols.filter((p) => p.protocol !== SSL2),
    namedGroups: facts.namedGroups,
    certificates:
      leaf !== null && leaf.keyAlg !== null
        ? [
            {
              keyAlg: leaf.keyAlg,
              keySize: leaf.keySize ?? 0,
              sigAlg: leaf.sigAlg,
              certChainId: leaf.certificateChain.id,
            },
          ]
        : [],
  });
  const flags = deriveFlags(facts, sims, fsSuite, rc4Suite);
  const active = facts.activeTests;
  const hstsPolicy = parseHsts(
    facts.session === null ? undefined : facts.session.http === null ? undefined : facts.session.http.hsts,
  );
  const lucky = active.openSSLLuckyMinus20 ?? 0;

  const details: EndpointDetails = {
    hostStartTime: facts.startedAt,
    certChains: evaluations.map((e) => e.certificateChain),
    protocols: protocolEntries(facts.protocols),
    suites: suiteLists(facts.protocols, leaf?.keyAlg === 'RSA' ? leaf.keySize : null),
    namedGroups: { list: groupEntries(facts.namedGroups.list), preference: facts.namedGroups.preference },
    ...(facts.session?.http?.server != null ? { serverSignature: facts.session.http.server } : {}),
    vulnBeast: flags.vulnBeast,
    renegSupport: flags.renegSupport,
    sessionResumption: facts.session?.sessionResumption ?? 0,
    compressionMethods: facts.compression === true ? 1 : 0,
    supportsAlpn: facts.session?.alpn != null,
    ...(facts.session?.alpn != null ? { alpnProtocols: facts.session.alpn } : {}),
    sessionTickets:
      facts.session?.sessionTickets === true || facts.serverHello.sessionTicketExtension ? 1 : 0,
    ocspStapling: facts.session?.ocspStapled === true,
    sniRequired: facts.sniRequired,
    ...(facts.session?.http != null ? { httpStatusCode: facts.session.http.statusCode } : {}),
    supportsRc4: flags.supportsRc4,
    rc4WithModern: flags.rc4WithModern,
    rc4Only: flags.rc4Only,
    forwardSecrecy: flags.forwardSecrecy,
    supportsAead: flags.supportsAead,
    supportsCBC: flags.supportsCBC,
    protocolIntolerance: facts.protocolIntolerance,
    sims: { results: sims },
    heartbleed: facts.heartbleed.status === 'vulnerable',
    heartbeat: facts.heartbeat,
    openSslCcs: facts.openSslCcs,
    openSSLLuckyMinus20: lucky,
    ticketbleed: facts.ticketbleed,
    bleichenbacher: active.bleichenbacher ?? 0,
    zombiePoodle: active.zombiePoodle ?? 0,
    goldenDoodle: active.goldenDoodle ?? 0,
    zeroLengthPaddingOracle: active.zeroLengthPaddingOracle ?? 0,
    sleepingPoodle: active.sleepingPoodle ?? 0,
    poodle: flags.poodle,
    poodleTls: active.poodleTls ?? 0,
    ...(facts.fallbackScsv !== undefined && facts.fallbackScsv !== null
      ? { fallbackScsv: facts.fallbackScsv }
      : {}),
    freak: flags.freak,
    hasSct: (leaf?.sct === true ? 1 : 0) | (facts.serverHello.sctExtension ? 4 : 0),
    ...(flags.dhPrimes !== undefined
      ? { dhPrimes: flags.dhPrimes, dhUsesKnownPrimes: flags.dhUsesKnownPrimes!, dhYsReuse: flags.dhYsReuse! }
      : {}),
    logjam: flags.logjam,
    hstsPolicy,
    drownVulnerable: flags.drownVulnerable,
    drownErrors: false,
  };

  const tlsSuites = facts.protocols.filter((p) => p.protocol !== SSL2);
  const dhBits = tlsSuites
    .flatMap((p) => p.suites)
    .map((a) => a.kx?.dhBits)
    .filter((b): b is number => b !== undefined);
  const ecBits = tlsSuites
    .flatMap((p) => p.suites)
    .filter((a) => a.suite.kx === 'ECDH' && a.kx?.group !== undefined && a.kx.group.id < 256)
    .map((a) => a.kx!.group!.bits);
  let grade: GradeResult | null = null;
  if (leaf !== null && leaf.keyAlg !== null) {
    const input: GradeInput = {
      protocols: facts.protocols.map((p) => p.protocol),
      suites: facts.protocols.map((p) => ({ protocol: p.protocol, suites: p.suites.map((a) => a.suite) })),
      certificateKey: { type: leaf.keyAlg, bits: leaf.keySize ?? 0, knownWeak: false },
      keyExchange: {
        weakestDhBits: dhBits.length > 0 ? Math.min(...dhBits) : null,
        weakestEcdhBits: ecBits.length > 0 ? Math.min(...ecBits) : null,
      },
      referenceHandshakes: referenceHandshakes(sims, leaf.keyAlg),
      vulnerabilities: {
        insecureClientRenegotiation: (flags.renegSupport & 1) !== 0,
        secureRenegotiation: facts.serverHello.secureRenegotiation,
        poodleSsl3: flags.poodle,
        poodleTls: details.poodleTls === 2,
        heartbleed: details.heartbleed,
        ccsInjection: ccsResult(facts.openSslCcs),
        robot: robotResult(active.bleichenbacher),
        ticketbleed: facts.ticketbleed === 2,
        luckyMinus20: lucky === 2,
        zombiePoodle: paddingResult(active.zombiePoodle),
        goldenDoodle: paddingResult(active.goldenDoodle),
        zeroLengthPaddingOracle: paddingResult(active.zeroLengthPaddingOracle),
        sleepingPoodle: paddingResult(active.sleepingPoodle),
        drown: flags.drownVulnerable,
        freak: flags.freak,
        logjam: flags.logjam,
        beast: flags.vulnBeast,
        compression: facts.compression === true,
        fallbackScsv: facts.fallbackScsv ?? null,
      },
      trust: {
        trusted: leaf.trusted.length > 0,
        selfSigned: leaf.selfSignedLeaf,
        expired: leaf.expired,
        notYetValid: leaf.notYetValid,
        revoked: leaf.revoked === true,
        weakSignatureHash: leaf.weakSignature,
        hostnameMismatch: leaf.hostnameMismatch === true,
        chainIncomplete: (leaf.certificateChain.issues & 2) !== 0,
      },
      hsts: { status: hstsPolicy.status, maxAge: hstsPolicy.maxAge },
    };
    grade = gradeEndpoint(input);
  }
  const findings = endpointFindings(facts, details, leaf, now);
  return {
    details,
    grade,
    findings,
    vulnerabilities: vulnerabilitiesFor(findings),
    sslProtocols: facts.protocols.map((p) => sslProtocolName(p.protocol)),
    certificates,
    service,
    statusMessage: 'Ready',
  };
}
