import type { OrderSignatureHash } from './repository.js';

/**
 * How enrollment orders reach a certificate authority. The order logic (orders.ts) speaks only this
 * interface; certgrid's own CA is the first implementation (builtin-connector.ts), and an external CA
 * (DigiCert CertCentral, ACME …) is another implementation, added without touching the order logic.
 */
export interface CaConnector {
  /** A short name for logs and the audit trail (`certgrid`). */
  readonly name: string;
  /** The issuing CAs this connector can issue from. */
  intermediates(): Promise<ConnectorIntermediate[]>;
  /**
   * Whether the connector can reach its CA now: its key (certgrid's CA) or its API key (an external
   * CA) is configured. An order naming an intermediate of a connector that is not ready is refused
   * with CertView 140005.
   */
  ready(): Promise<boolean>;
  /** Places an approved order with the CA. May issue at once (certgrid's CA) or later (external CAs). */
  submit(order: ConnectorOrder): Promise<ConnectorResult>;
  /** The CA's view of an order submitted earlier. */
  status(accountId: number, caOrderId: string): Promise<ConnectorResult>;
  /** Revokes the certificate of an order the CA issued. */
  revoke(accountId: number, caOrderId: string, reason: 'unspecified' | 'superseded'): Promise<void>;
}

export interface ConnectorIntermediate {
  /** The connector's id for the CA (certgrid's CA: its `cas.id`). */
  readonly caId: string;
  /** Its subject common name, as the order response shows it (`intermediateCA.name`). */
  readonly name: string;
  /** Lowercase hex SHA-256 of its certificate. */
  readonly certhash: string;
  /** Its serial number, uppercase hex without leading zero octets. */
  readonly serialHex: string;
  readonly notAfter: Date;
}

/** What the CA is asked to issue: the validated order, in the CA's terms. */
export interface ConnectorOrder {
  readonly accountId: number;
  /** The order's uuid, for the CA's records. */
  readonly orderUuid: string;
  readonly requesterUserId: number;
  readonly caId: string;
  readonly productNameId: string;
  /** Which certificate profile issues it. */
  readonly profile: 'tls_server' | 'grid_host';
  readonly commonName: string;
  /** DNS names besides the common name. */
  readonly dnsNames: readonly string[];
  readonly organizationUnits: readonly string[];
  readonly organization?: {
    readonly name: string;
    readonly country: string;
    readonly state: string;
    readonly locality: string;
  };
  readonly ev?: {
    readonly jurisdictionCountry: string;
    readonly jurisdictionState: string;
    readonly jurisdictionLocality: string;
    readonly businessCategory: string;
    readonly registrationNumber: string;
  };
  /** SubjectPublicKeyInfo DER from the order's CSR. */
  readonly spkiDer: Buffer;
  readonly signatureHash: OrderSignatureHash;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface ConnectorResult {
  /** The CA's id for the order. */
  readonly caOrderId: string;
  /** The CA's status word (`issued`, `pending`, `rejected` …), shown as the order's `caStatus`. */
  readonly caStatus: string;
  /** Set once the certificate exists. */
  readonly certificate?: { readonly certhash: string; readonly serialHex: string; readonly der: Buffer };
}
