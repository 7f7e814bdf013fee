import { invalid } from '../errors.js';
import type { AnalysisDeps } from './deps.js';
import { assessAndRecord } from './assess-and-record.js';
import { parseHost } from './resolve-host.js';

export interface AnalyzeInput {
  readonly accountId: number;
  readonly host: string;
  /** Ports to assess on every address; the configured default list when absent. */
  readonly ports?: readonly number[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** An endpoint as `analyze` answers it (CertView chapter 3). */
export interface EndpointSummary {
  readonly ipAddress: string;
  readonly port: number;
  readonly service: string;
  readonly serverName: string;
  readonly grade: string;
  readonly gradeTrustIgnored: string;
  readonly hasWarnings: boolean;
  readonly exceptional: boolean;
}

export interface AnalyzeResult {
  readonly host: string;
  readonly endpoints: readonly EndpointSummary[];
}

/**
 * Assesses every endpoint of a host: each of its addresses (all A and AAAA records of a name) on each
 * configured port. Every result is stored for getEndpointData, and what the scan saw goes to the
 * inventory: the asset (by address, with the host name), the host instance with its grade, protocols
 * and vulnerabilities, and every certificate served. Endpoints that do not answer TLS are left out of
 * the answer (a host with no TLS endpoint answers an empty list).
 * @throws CertgridError INVALID_ARGUMENT for a host that is neither an address nor a name, or a
 *   name with no address.
 */
export async function analyzeHost(deps: AnalysisDeps, input: AnalyzeInput): Promise<AnalyzeResult> {
  const { host, ip } = parseHost(input.host);
  const addresses = ip !== null ? [ip] : await deps.resolver.addresses(host);
  if (addresses.length === 0) {
    throw invalid('host', `${host} has no address (no A or AAAA record)`);
  }
  const ports = input.ports ?? deps.ports;
  const serverName = ip === null ? host : null;
  const endpoints = await Promise.all(
    addresses.flatMap((address) =>
      ports.map((port) =>
        assessAndRecord(deps, {
          accountId: input.accountId,
          ip: address,
          port,
          serverName,
          signal: input.signal,
        }),
      ),
    ),
  );
  // The summary only: the assessment itself stays with getEndpointData.
  const found = endpoints.filter((e) => e !== null).map(({ assessment: _assessment, ...summary }) => summary);
  return { host, endpoints: found };
}
