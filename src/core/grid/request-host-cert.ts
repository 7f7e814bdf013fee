import { AUDIT_EVENTS } from '../audit/index.js';
import { CertgridError } from '../errors.js';
import { audited, success } from './audited.js';
import { acceptCsr } from './csr.js';
import type { GridDeps } from './deps.js';
import {
  checkCnLength,
  checkComments,
  checkCommonName,
  checkOrgUnit,
  checkSans,
  checkServiceName,
} from './names.js';
import { DEFAULT_SERVER_TYPE } from './server-types.js';
import type { ActionContext, HostCertRequestInput } from './types.js';
import { checkHash, checkValidityYears } from './validity.js';

export const GRID_HOST_PRODUCT = 'Grid Host';

/**
 * grid_request_host_cert: validates the request and its CSR now (so a bad CSR fails at once with
 * its own code) and queues it for approval. The CSR is stored and re-checked at approval.
 */
export function requestHostCert(
  deps: GridDeps,
  ctx: ActionContext,
  input: HostCertRequestInput,
): Promise<{ requestId: number }> {
  return audited(deps, ctx, AUDIT_EVENTS.makeRequest, async () => {
    const commonName = checkCommonName(input.commonName);
    const serviceName = checkServiceName(input.serviceName);
    checkCnLength(commonName, serviceName);
    const csr = acceptCsr(input.csr, deps.weakKeys);
    const fromCsr = input.sans === undefined;
    const sans = checkSans(fromCsr ? csr.dnsNames : (input.sans ?? []), commonName, fromCsr);
    const serverType = input.serverType ?? DEFAULT_SERVER_TYPE;
    if (!Number.isSafeInteger(serverType)) {
      throw new CertgridError('INVALID_ARGUMENT', 'server_type: must be a number', { field: 'server_type' });
    }
    const orgUnit = checkOrgUnit(input.orgUnit);
    const validityYears = checkValidityYears(input.validityYears, deps.config, 'grid_host');
    const hash = checkHash(input.hash);
    const comments = checkComments(input.comments);

    const names = [commonName, ...sans].join(', ');
    const audit = deps.audit.toRecord(
      success(ctx, AUDIT_EVENTS.makeRequest, `Certificate for names: ${names}, Years: ${validityYears}`),
    );
    const requestId = await deps.repo.insertRequest(
      {
        accountId: ctx.principal.accountId,
        requestType: 'issue',
        requesterUserId: ctx.principal.userId,
        comments,
        createdAt: deps.clock.now(),
        product: GRID_HOST_PRODUCT,
        commonName,
        serviceName,
        sans,
        serverType,
        orgUnit,
        validityYears,
        signatureHash: hash ?? 'sha256',
        csrDer: csr.der,
        orderId: null,
        revocationReason: null,
      },
      audit,
    );
    return { requestId };
  });
}
