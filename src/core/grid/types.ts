import type { LeafBundle } from '../ca/authority.js';
import type { RevocationReason, SignatureHash } from '../ca/types.js';

/**
 * The contract between the Grid use cases (core/grid) and the Grid API adapter (api/grid).
 * Inputs are already typed by the adapter (numbers are numbers, dates are Dates); the core
 * validates meaning (names, CSR, state) and throws CertgridError with a stable code.
 */

/** Who is acting: resolved from customer_name + customer_api_key. */
export interface Principal {
  readonly accountId: number;
  readonly accountName: string;
  readonly userId: number;
  readonly userName: string;
}

export type Origin = 'api' | 'ui';

/** Where a call comes from, for the audit log. */
export interface CallerInfo {
  readonly ip: string;
  readonly origin: Origin;
}

export interface ActionContext extends CallerInfo {
  readonly principal: Principal;
}

export interface HostCertRequestInput {
  readonly commonName: string;
  /** PEM, bare base64 DER, or DER. */
  readonly csr: string;
  readonly serviceName?: string | undefined;
  /** Already split on commas and trimmed; undefined means "decode from the CSR". */
  readonly sans?: readonly string[] | undefined;
  readonly serverType?: number | undefined;
  readonly comments?: string | undefined;
  readonly orgUnit?: string | undefined;
  readonly validityYears?: number | undefined;
  readonly hash?: SignatureHash | undefined;
}

export interface OrderRef {
  readonly orderId?: number | undefined;
  /** Hex, any case, colons allowed. */
  readonly serial?: string | undefined;
}

export interface ClientRef {
  readonly clientId?: number | undefined;
  readonly serial?: string | undefined;
}

export interface EmailCertRequestInput {
  readonly fullName: string;
  readonly email: string;
  readonly csr: string;
  readonly orgUnit?: string | undefined;
  readonly validityYears?: number | undefined;
  readonly hash?: SignatureHash | undefined;
}

export interface PendingRequestView {
  readonly requestId: number;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly requestType: 'issue' | 'revoke';
  readonly comments: string;
  readonly requestDate: Date;
  readonly productName: string;
  /** Display name of the server type ("Apache", "OTHER" …). */
  readonly serverType: string;
  readonly validityYears: number;
  readonly orgUnit: string;
  readonly commonName: string;
  readonly sans: readonly string[];
}

/** A certificate with its chain, as every grid_retrieve_* returns it. */
export interface CertBundle extends LeafBundle {
  readonly serialHex: string;
}

export interface HostCertBundle extends CertBundle {
  readonly orderId: number;
}

export interface ClientCertBundle extends CertBundle {
  readonly clientId: number;
}

export interface CertificateDetailsView {
  readonly status: 'issued' | 'revoked';
  readonly orderId: number;
  readonly productName: string;
  readonly serverType: string;
  readonly validityYears: number;
  readonly orgUnit: string;
  readonly commonName: string;
  readonly sans: readonly string[];
  readonly serialHex: string;
  readonly validFrom: Date;
  readonly validTill: Date;
  readonly certificatePem: string;
}

export interface LogFilter {
  /** Inclusive lower bound. */
  readonly dateStart?: Date | undefined;
  /** Exclusive upper bound (the adapter turns 2012-01 into 2012-02-01). */
  readonly dateEnd?: Date | undefined;
  readonly eventUserId?: number | undefined;
  readonly event?: string | undefined;
  readonly status?: 'successful' | 'failed' | undefined;
  readonly ipAddress?: string | undefined;
  readonly origin?: Origin | undefined;
  readonly limit?: number | undefined;
}

export interface LogEntry {
  readonly dateTime: Date;
  readonly userId: number | null;
  readonly userName: string;
  readonly ipAddress: string;
  readonly ipCountry: string;
  readonly status: 'successful' | 'failed';
  readonly event: string;
  readonly message: string;
}

/** The Grid use cases. Every call is audited (successful or failed) inside the core. */
export interface GridService {
  /** Resolves the API key; failures are audited and throw AUTH_FAILED. */
  authenticate(customerName: string, apiKey: string, caller: CallerInfo): Promise<Principal>;
  requestHostCert(ctx: ActionContext, input: HostCertRequestInput): Promise<{ requestId: number }>;
  requestHostRevoke(
    ctx: ActionContext,
    input: OrderRef & { comments?: string | undefined; reason?: RevocationReason | undefined },
  ): Promise<{ requestId: number }>;
  listPendingRequests(ctx: ActionContext): Promise<readonly PendingRequestView[]>;
  approveRequest(
    ctx: ActionContext,
    input: { requestId: number; comments?: string | undefined },
  ): Promise<{ orderId: number; requestType: 'issue' | 'revoke' }>;
  rejectRequest(
    ctx: ActionContext,
    input: { requestId: number; comments: string },
  ): Promise<{ commonName: string }>;
  retrieveHostCert(ctx: ActionContext, ref: OrderRef): Promise<HostCertBundle>;
  certificateDetails(ctx: ActionContext, ref: OrderRef): Promise<CertificateDetailsView>;
  requestEmailCert(ctx: ActionContext, input: EmailCertRequestInput): Promise<ClientCertBundle>;
  retrieveEmailCert(ctx: ActionContext, ref: ClientRef): Promise<ClientCertBundle>;
  revokeEmailCert(
    ctx: ActionContext,
    input: ClientRef & { comments?: string | undefined; reason?: RevocationReason | undefined },
  ): Promise<{ clientId: number }>;
  retrieveLogs(ctx: ActionContext, filter: LogFilter): Promise<readonly LogEntry[]>;
  /** Audits a call that failed before reaching a use case (bad parameters, unknown action). */
  recordFailure(
    caller: CallerInfo,
    principal: Principal | null,
    event: string,
    message: string,
  ): Promise<void>;
}
