import type { AuditLog } from '../audit/index.js';
import type { WeakKeyChecker } from '../ca/csr/index.js';
import type { Clock, Logger } from '../deps.js';
import type { Inventory } from '../inventory/index.js';
import type { UserRecord } from '../accounts/repository.js';
import type { CaConnector } from './connector.js';
import type { EnrollmentRepository, OrderRecord, OrderSignatureHash } from './repository.js';

export interface EnrollmentDeps {
  readonly repo: EnrollmentRepository;
  /** The CAs orders can be sent to, each behind its connector; certgrid's own CA first. */
  readonly connectors: readonly CaConnector[];
  readonly users: { findUserByUsername(username: string): Promise<UserRecord | null> };
  readonly inventory: Pick<Inventory, 'findCertificate' | 'setOrderStatus' | 'recordIssued'>;
  readonly audit: Pick<AuditLog, 'record' | 'toRecord'>;
  readonly weakKeys: WeakKeyChecker;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newUuid: () => string;
}

/** Who asks, as the CertView bearer guard resolved them. */
export interface OrderContext {
  readonly principal: {
    readonly accountId: number;
    readonly userId: number;
    readonly username: string;
    readonly role: string;
  };
  /** The caller's address, for the audit log. */
  readonly ip: string;
}

/** An `intermediateCA` reference: at least one of the three (the adapter checks that, 1922). */
export interface CaReference {
  readonly certhash?: string | undefined;
  readonly commonName?: string | undefined;
  readonly serialNumber?: string | undefined;
}

/** A create or update body, its JSON shape already checked by the adapter (1903, 1904, 1907). */
export interface OrderInput {
  readonly approverUserNames: readonly string[];
  readonly intermediateCA: CaReference;
  readonly certificate: {
    readonly commonName: string;
    /** Exactly one of `autoGenerateCSR` and `encodedCSR`. */
    readonly autoGenerateCSR: boolean;
    readonly encodedCSR?: string | undefined;
    readonly organizationUnits: readonly string[];
    readonly signatureHash: OrderSignatureHash;
    readonly dnsNames: readonly string[] | null;
  };
  readonly renewal: {
    readonly digicertPreviousOrderId: number | null;
    readonly renewalOfCertificate: string;
  } | null;
  /** Exactly one set. */
  readonly validity: {
    readonly validityYears?: number | undefined;
    readonly validityDays?: number | undefined;
    /** `YYYY-MM-DD`. */
    readonly customExpirationDate?: string | undefined;
  };
  readonly digicertOrganizationId: number;
  readonly digicertProductNameId: string;
  readonly digicertEVApproverUserIds: readonly string[] | null;
  readonly comment: string;
}

/**
 * Fields of an order that an update may repeat but not change (140002), as the body gave them. The
 * order's own bookkeeping is not the client's to set.
 */
export interface FixedFields {
  readonly uuid?: unknown;
  readonly requesterUserName?: unknown;
  readonly status?: unknown;
  readonly caStatus?: unknown;
  readonly created?: unknown;
  readonly updated?: unknown;
}

/** A placed or edited order; `privateKeyPem` only when certgrid generated the key just now. */
export interface OrderResult {
  readonly order: OrderRecord;
  readonly privateKeyPem: string | null;
}

export type StatusChange = 'APPROVED' | 'REJECTED' | 'CANCELLED';
