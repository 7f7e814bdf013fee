/**
 * What the analysis use cases need from storage: the latest assessment of each endpoint. Declared here
 * (the consumer), implemented in store/repos/endpoint-repository.ts.
 */

/** The latest assessment of one endpoint (account, ip, port, protocol, fqdn). */
export interface EndpointRecord {
  readonly accountId: number;
  readonly ip: string;
  readonly port: number;
  /** Transport: 'tcp' for every TLS endpoint certgrid scans today. */
  readonly protocol: string;
  /** The name sent as SNI; '' for a scan by address. */
  readonly fqdn: string;
  readonly service: string;
  readonly serverName: string;
  readonly grade: string;
  readonly gradeTrustIgnored: string;
  readonly hasWarnings: boolean;
  readonly isExceptional: boolean;
  /** '' when the assessment finished; otherwise why not (connection refused, no TLS …). */
  readonly statusMessage: string;
  /** The EndpointDetails object (core/assess), stored and returned whole. */
  readonly details: unknown;
  readonly lastFound: number;
}

export interface EndpointFilter {
  readonly accountId: number;
  readonly ip: string;
  readonly port?: number | undefined;
  readonly fqdn?: string | undefined;
  readonly service?: string | undefined;
  readonly protocol?: string | undefined;
}

export interface EndpointRepository {
  /** Inserts or replaces the endpoint's latest assessment; `created` keeps the first time it was seen. */
  saveEndpoint(record: EndpointRecord): Promise<void>;
  /** The account's endpoints on one address, filtered, ordered by port then fqdn. */
  listEndpoints(filter: EndpointFilter): Promise<EndpointRecord[]>;
}
