import { AUDIT_EVENTS } from '../audit/index.js';
import { audited, success, withFreshSerial } from './audited.js';
import { acceptCsr } from './csr.js';
import type { GridDeps } from './deps.js';
import { checkEmail, checkFullName, checkOrgUnit } from './names.js';
import type { ActionContext, ClientCertBundle, EmailCertRequestInput } from './types.js';
import { checkHash, checkValidityYears, validityWindow } from './validity.js';

/**
 * grid_request_email_cert: issues a client certificate at once (no approval queue: the spec says
 * "the client cert is generated immediately") and returns it with its chain.
 * One transaction per certificate: insert the order + its audit row.
 */
export function requestEmailCert(
  deps: GridDeps,
  ctx: ActionContext,
  input: EmailCertRequestInput,
): Promise<ClientCertBundle> {
  return audited(deps, ctx, AUDIT_EVENTS.requestClientCertificate, async () => {
    const fullName = checkFullName(input.fullName);
    const email = checkEmail(input.email);
    const csr = acceptCsr(input.csr, deps.weakKeys);
    const orgUnit = checkOrgUnit(input.orgUnit);
    const validityYears = checkValidityYears(input.validityYears, deps.config, 'grid_client');
    const hash = checkHash(input.hash);
    const now = deps.clock.now();
    const { notBefore, notAfter } = validityWindow(now, validityYears);
    const audit = deps.audit.toRecord(
      success(
        ctx,
        AUDIT_EVENTS.requestClientCertificate,
        `Client certificate for: ${fullName} <${email}>, Years: ${validityYears}`,
      ),
    );

    const { clientId, cert } = await withFreshSerial(async () => {
      const cert = await deps.ca.issue(
        { profile: 'grid_client', fullName, email, orgUnit: orgUnit || undefined },
        csr.spkiDer,
        { notBefore, notAfter, hash },
      );
      const clientId = await deps.repo.insertOrder(
        {
          accountId: ctx.principal.accountId,
          kind: 'client',
          requestId: null,
          caId: cert.caId,
          serialHex: cert.serialHex,
          certhash: cert.certhash,
          certDer: cert.der,
          commonName: fullName,
          sans: [],
          serverType: -1,
          orgUnit,
          validityYears,
          fullName,
          email,
          notBefore: cert.notBefore,
          notAfter: cert.notAfter,
          requesterUserId: ctx.principal.userId,
          createdAt: now,
        },
        audit,
      );
      return { clientId, cert };
    });
    const bundle = await deps.ca.bundleFor(cert.der);
    return { clientId, serialHex: cert.serialHex, ...bundle };
  });
}
