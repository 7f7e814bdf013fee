import type { EndpointSummary } from './analyze-host.js';
import type { EndpointAssessment } from './assessment.js';
import type { AnalysisDeps } from './deps.js';

export interface AssessAndRecordInput {
  readonly accountId: number;
  readonly ip: string;
  readonly port: number;
  /** The name scanned (sent as SNI); null for a scan by address. */
  readonly serverName: string | null;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Assesses one endpoint and keeps what it found: the full result for getEndpointData, and the asset,
 * host instance and served certificates for the inventory. Resolves to the analyze summary, or null
 * when the endpoint speaks no SSL/TLS (nothing is stored then); `assessment` carries the rest.
 */
export async function assessAndRecord(
  deps: AnalysisDeps,
  input: AssessAndRecordInput,
): Promise<(EndpointSummary & { readonly assessment: EndpointAssessment }) | null> {
  const { accountId, ip, port, serverName } = input;
  const [assessment, reverseName] = await Promise.all([
    deps.assess({ ip, port, serverName }, { accountId, signal: input.signal }),
    deps.resolver.reverseName(ip),
  ]);
  if (assessment.details === null) return null;
  await deps.endpoints.saveEndpoint({
    accountId,
    ip,
    port,
    protocol: 'tcp',
    fqdn: serverName ?? '',
    service: assessment.service,
    serverName: reverseName,
    grade: assessment.grade,
    gradeTrustIgnored: assessment.gradeTrustIgnored,
    hasWarnings: assessment.hasWarnings,
    isExceptional: assessment.isExceptional,
    statusMessage: assessment.statusMessage,
    details: assessment.details,
    lastFound: deps.clock.now().getTime(),
  });
  await deps.inventory.recordScan({
    accountId,
    certificates: assessment.certificates,
    seenOn: {
      assetName: serverName ?? ip,
      address: ip,
      hostname: serverName ?? (reverseName || undefined),
      managed: true,
      instance: {
        port,
        protocol: 'tcp',
        fqdn: serverName ?? '',
        service: assessment.service,
        grade: assessment.grade,
        sslProtocols: assessment.sslProtocols,
        vulnerabilities: assessment.vulnerabilities,
      },
    },
  });
  return {
    ipAddress: ip,
    port,
    service: assessment.service,
    serverName: reverseName,
    grade: assessment.grade,
    gradeTrustIgnored: assessment.gradeTrustIgnored,
    hasWarnings: assessment.hasWarnings,
    exceptional: assessment.isExceptional,
    assessment,
  };
}
