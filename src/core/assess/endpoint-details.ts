/**
 * The SSL Labs API v3 `EndpointDetails` object, as the CertView `getEndpointData` sample shows it
 * (field names and codes from ssllabs/ssllabs-scan ssllabs-api-docs-v3.md). The assessment fills it from
 * `EndpointFacts`; the API renders it as stored. Integer codes keep the SSL Labs meanings:
 * -1 test failed, 0 unknown, 1 not vulnerable, 2+ vulnerable (per field, see the docs).
 */
import type { Simulation } from './sims/index.js';

export type { SimClient, Simulation } from './sims/index.js';

export interface TrustEntry {
  readonly rootStore: string;
  readonly isTrusted: boolean;
  readonly trustErrorMessage: string | null;
}

export interface TrustPath {
  /** certhash ids from leaf to root. */
  readonly certIds: readonly string[];
  readonly trust: readonly TrustEntry[];
  readonly isPinned: boolean;
  readonly matchedPins: number;
  readonly unmatchedPins: number;
}

export interface CertificateChain {
  readonly id: string;
  /** certhash ids in the order the server sent them. */
  readonly certIds: readonly string[];
  readonly trustPaths: readonly TrustPath[];
  /** SSL Labs chain issue bits: 2 incomplete, 4 unrelated/duplicate, 8 out of order, 16 root sent, 32 unverifiable. */
  readonly issues: number;
  readonly noSni: boolean;
}

export interface ProtocolEntry {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly v2SuitesDisabled?: boolean;
  /** 0 when the protocol is insecure (SSLv2, SSLv3), else null. */
  readonly q: 0 | null;
}

export interface SuiteEntry {
  readonly id: number;
  readonly name: string;
  readonly cipherStrength: number;
  readonly kxType: string;
  readonly kxStrength?: number;
  readonly dhP?: number;
  readonly dhG?: number;
  readonly dhYs?: number;
  readonly namedGroupBits?: number;
  readonly namedGroupId?: number;
  readonly namedGroupName?: string;
  /** 0 when the suite is insecure, else null. */
  readonly q: 0 | null;
}

export interface ProtocolSuites {
  readonly protocol: number;
  readonly list: readonly SuiteEntry[];
  readonly preference: boolean | null;
}

export interface NamedGroupEntry {
  readonly id: number;
  readonly name: string;
  readonly bits: number;
}

export interface HstsPolicy {
  readonly LONG_MAX_AGE: number;
  readonly header: string | null;
  readonly status: 'unknown' | 'absent' | 'present' | 'invalid' | 'disabled';
  readonly error: string | null;
  readonly maxAge: number | null;
  readonly includeSubDomains: boolean | null;
  readonly preload: boolean | null;
}

export interface EndpointDetails {
  readonly hostStartTime: number;
  readonly certChains: readonly CertificateChain[];
  readonly protocols: readonly ProtocolEntry[];
  readonly suites: readonly ProtocolSuites[];
  readonly namedGroups: { readonly list: readonly NamedGroupEntry[]; readonly preference: boolean | null };
  readonly serverSignature?: string;
  readonly vulnBeast: boolean;
  readonly renegSupport: number;
  readonly sessionResumption: number;
  readonly compressionMethods: number;
  readonly supportsAlpn: boolean;
  readonly alpnProtocols?: string;
  readonly sessionTickets: number;
  readonly ocspStapling: boolean;
  readonly sniRequired: boolean;
  readonly httpStatusCode?: number;
  readonly supportsRc4: boolean;
  readonly rc4WithModern: boolean;
  readonly rc4Only: boolean;
  readonly forwardSecrecy: number;
  readonly supportsAead: boolean;
  readonly supportsCBC: boolean;
  readonly protocolIntolerance: number;
  readonly sims: { readonly results: readonly Simulation[] };
  readonly heartbleed: boolean;
  readonly heartbeat: boolean;
  readonly openSslCcs: number;
  readonly openSSLLuckyMinus20: number;
  readonly ticketbleed: number;
  readonly bleichenbacher: number;
  readonly zombiePoodle: number;
  readonly goldenDoodle: number;
  readonly zeroLengthPaddingOracle: number;
  readonly sleepingPoodle: number;
  readonly poodle: boolean;
  readonly poodleTls: number;
  /** Absent when the server supports a single protocol version (SSL Labs: cannot be tested). */
  readonly fallbackScsv?: boolean;
  readonly freak: boolean;
  readonly hasSct: number;
  readonly dhPrimes?: readonly string[];
  readonly dhUsesKnownPrimes?: number;
  readonly dhYsReuse?: boolean;
  readonly ecdhParameterReuse?: boolean;
  readonly logjam: boolean;
  readonly chaCha20Preference?: boolean;
  readonly hstsPolicy: HstsPolicy;
  readonly drownVulnerable: boolean;
  readonly drownErrors: boolean;
}
