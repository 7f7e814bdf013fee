import type { VulnerabilityRecord } from '../inventory/index.js';

/** One endpoint to assess: an address, a port, and the name to send as SNI (null for none). */
export interface EndpointTarget {
  readonly ip: string;
  readonly port: number;
  readonly serverName: string | null;
}

/**
 * Everything one assessment of an endpoint yields: the summary `analyze` answers, the full
 * EndpointDetails `getEndpointData` answers, and what the inventory records.
 */
export interface EndpointAssessment {
  /** Application service found over TLS: 'http' when an HTTP request got an answer, else 'tcp'. */
  readonly service: string;
  /** '' when the endpoint could not be assessed (see statusMessage). */
  readonly grade: string;
  readonly gradeTrustIgnored: string;
  readonly hasWarnings: boolean;
  readonly isExceptional: boolean;
  /** 'Ready' when the assessment finished; otherwise why it did not (SSL Labs' statusMessage). */
  readonly statusMessage: string;
  /** SSL Labs-shaped EndpointDetails (core/assess), null when no TLS was found. */
  readonly details: object | null;
  /** Every certificate served, in every chain, DER. */
  readonly certificates: readonly Uint8Array[];
  /** Supported protocols as host instances list them: 'TLSv1.2', 'SSLv3' … */
  readonly sslProtocols: readonly string[];
  readonly vulnerabilities: readonly VulnerabilityRecord[];
}

/** Scans and assesses one endpoint; never rejects for a network failure (that is a statusMessage). */
export type AssessEndpoint = (
  target: EndpointTarget,
  context: { readonly accountId: number; readonly signal?: AbortSignal | undefined },
) => Promise<EndpointAssessment>;
