/**
 * Analysis (CertView chapters 3 and 4): assess a host's TLS endpoints, keep the latest result of each,
 * and answer them back. The scanning and grading live in core/scan and core/assess; this module
 * orchestrates them and feeds the inventory.
 */
import { analyzeHost, type AnalyzeInput, type AnalyzeResult } from './analyze-host.js';
import type { AnalysisDeps } from './deps.js';
import { getEndpointData, type EndpointDataInput } from './get-endpoint-data.js';
import type { EndpointRecord } from './repository.js';
import { runScan, type RunScanInput, type ScanSummary } from './run-scan.js';

export type { AnalysisDeps } from './deps.js';
export type { AssessEndpoint, EndpointAssessment, EndpointTarget } from './assessment.js';
export type { AnalyzeInput, AnalyzeResult, EndpointSummary } from './analyze-host.js';
export type { EndpointDataInput } from './get-endpoint-data.js';
export type { EndpointFilter, EndpointRecord, EndpointRepository } from './repository.js';
export {
  createScanJobs,
  MAX_INTERVAL_MINUTES,
  MIN_INTERVAL_MINUTES,
  type ScanJobs,
  type ScanJobsDeps,
  type ScanRequest,
  type ScheduleRequest,
} from './scan-jobs.js';
export type {
  ScanJobRecord,
  ScanJobRepository,
  ScanJobStatus,
  ScanScheduleRecord,
} from './scan-job-repository.js';
export {
  ACCOUNT_ROOT_STORE,
  createTrustedRoots,
  MAX_ROOTS_PER_ADD,
  type AddedTrustedRoot,
  type TrustedRoots,
  type TrustedRootsDeps,
  type TrustedRootsInput,
} from './trusted-roots.js';
export type { TrustedRootRecord, TrustedRootRepository } from './trusted-root-repository.js';
export type { RunScanInput, ScanMode, ScanProgress, ScanSummary, ScannedEndpoint } from './run-scan.js';
export { expandTargets, parsePortList, MAX_SCAN_ENDPOINTS, type ScanTarget } from './scan-targets.js';
export { parseHost, systemResolver, type HostResolver, type ParsedHost } from './resolve-host.js';

export interface Analysis {
  analyze(input: AnalyzeInput): Promise<AnalyzeResult>;
  /** Discovery or full assessment over many targets (see run-scan.ts). */
  scan(input: RunScanInput): Promise<ScanSummary>;
  getEndpointData(input: EndpointDataInput): Promise<EndpointRecord[]>;
}

export function createAnalysis(deps: AnalysisDeps): Analysis {
  return {
    analyze: (input) => analyzeHost(deps, input),
    scan: (input) => runScan(deps, input),
    getEndpointData: (input) => getEndpointData(deps, input),
  };
}
