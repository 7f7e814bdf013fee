import { isIP } from 'node:net';
import { invalid } from '../errors.js';
import type { AnalysisDeps } from './deps.js';
import type { EndpointFilter, EndpointRecord } from './repository.js';

export type EndpointDataInput = EndpointFilter;

/**
 * The stored assessments of an address, filtered. Which filters need which is the API's rule (the
 * adapter checks it); here the address must be an IP literal.
 * @throws CertgridError INVALID_ARGUMENT for an ip that is not an address.
 */
export async function getEndpointData(
  deps: AnalysisDeps,
  input: EndpointDataInput,
): Promise<EndpointRecord[]> {
  const ip = input.ip.trim().toLowerCase();
  if (isIP(ip) === 0) throw invalid('ip', 'must be an IPv4 or IPv6 address');
  return deps.endpoints.listEndpoints({ ...input, ip });
}
