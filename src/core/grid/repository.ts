/**
 * What the Grid use cases need from storage. Declared here (the consumer), implemented in
 * store/repos/grid-repository.ts. Every read and write is scoped by account id.
 *
 * State transitions are guarded in the database (`… where status = 'pending'`), so two API nodes
 * racing on the same request cannot both win; the loser gets the CertgridError named below.
 */
import type { AuditRecord } from '../audit/repository.js';
import type { RevocationReason } from '../ca/types.js';

export type RequestType = 'issue' | 'revoke';
export type RequestStatus = 'pending' | 'approved' | 'rejected';
export type OrderKind = 'host' | 'client';

export interface NewCertRequest {
  readonly accountId: number;
  readonly requestType: RequestType;
  readonly requesterUserId: number;
  readonly comments: string;
  readonly createdAt: Date;
  /** Product name as the Grid API shows it (`Grid Host`). */
  readonly product: string;
  /** The common name as requested (without the service prefix). */
  readonly commonName: string;
  readonly serviceName: string;
  /** DNS SANs besides the common name. */
  readonly sans: readonly string[];
  readonly serverType: number;
  readonly orgUnit: string;
  readonly validityYears: number;
  readonly signatureHash: string;
  /** Issue requests: the CSR, re-checked at approval. */
  readonly csrDer: Buffer | null;
  /** Revoke requests: the order to revoke. */
  readonly orderId: number | null;
  /** Revoke requests: the reason asked for (null: unspecified). */
  readonly revocationReason: RevocationReason | null;
}

export interface CertRequestRecord extends NewCertRequest {
  readonly id: number;
  readonly status: RequestStatus;
  readonly decidedAt: Date | null;
  readonly decidedByUserId: number | null;
  readonly decisionComments: string | null;
}

export interface NewOrder {
  readonly accountId: number;
  readonly kind: OrderKind;
  readonly requestId: number | null;
  readonly caId: string;
  readonly serialHex: string;
  readonly certhash: string;
  readonly certDer: Buffer;
  /** The certificate's CN (with the service prefix for host certificates; the full name for client ones). */
  readonly commonName: string;
  /** DNS SANs besides the common name. */
  readonly sans: readonly string[];
  readonly serverType: number;
  readonly orgUnit: string;
  readonly validityYears: number;
  readonly fullName: string;
  readonly email: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly requesterUserId: number;
  readonly createdAt: Date;
}

export interface OrderRecord extends NewOrder {
  readonly id: number;
  readonly status: 'issued' | 'revoked';
  readonly revokedAt: Date | null;
  readonly revocationReason: RevocationReason | null;
}

export interface Decision {
  readonly accountId: number;
  readonly requestId: number;
  readonly decidedAt: Date;
  readonly decidedByUserId: number;
  readonly decisionComments: string;
}

export interface GridRepository {
  /**
   * Queues a request and writes its audit row, in one transaction.
   * @throws CertgridError ALREADY_EXISTS field `order_id` when a revoke request for the same order is
   *   already pending (partial unique index).
   */
  insertRequest(request: NewCertRequest, audit: AuditRecord): Promise<number>;
  findRequest(accountId: number, requestId: number): Promise<CertRequestRecord | null>;
  /** The id of the pending revoke request for an order, if any. */
  findPendingRevokeRequest(accountId: number, orderId: number): Promise<number | null>;
  /** Pending requests, oldest first, without their CSRs. */
  listPendingRequests(accountId: number): Promise<CertRequestRecord[]>;
  /** One order of the account and kind, by id and/or serial (both must match when both are given). */
  findOrder(
    accountId: number,
    kind: OrderKind,
    ref: { readonly id?: number | undefined; readonly serialHex?: string | undefined },
  ): Promise<OrderRecord | null>;
  /**
   * Records an issued certificate and its audit row, in one transaction.
   * @throws CertgridError ALREADY_EXISTS field `serial` on a serial collision (retry with a new serial).
   */
  insertOrder(order: NewOrder, audit: AuditRecord): Promise<number>;
  /**
   * Approves a pending issue request: inserts the order, marks the request approved with the
   * order id, writes the audit row; one transaction.
   * @throws CertgridError ALREADY_EXISTS field `serial` (retry with a new serial);
   *   REQUEST_NOT_PENDING when the request was decided meanwhile.
   */
  approveIssueRequest(decision: Decision, order: NewOrder, audit: AuditRecord): Promise<number>;
  /**
   * Approves a pending revoke request: marks the request approved and the order revoked, writes
   * the audit row; one transaction.
   * @throws CertgridError REQUEST_NOT_PENDING; CERT_REVOKED when the order is already revoked.
   */
  approveRevokeRequest(
    decision: Decision,
    revocation: { readonly orderId: number; readonly revokedAt: Date; readonly reason: RevocationReason },
    audit: AuditRecord,
  ): Promise<void>;
  /** @throws CertgridError REQUEST_NOT_PENDING. */
  rejectRequest(decision: Decision, audit: AuditRecord): Promise<void>;
  /**
   * Revokes an issued order directly (client certificates) and writes the audit row.
   * @throws CertgridError CERT_REVOKED when it is already revoked.
   */
  revokeOrder(
    revocation: {
      readonly accountId: number;
      readonly orderId: number;
      readonly revokedAt: Date;
      readonly reason: RevocationReason;
    },
    audit: AuditRecord,
  ): Promise<void>;
}
