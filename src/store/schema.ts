import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Conventions, the same on SQLite and PostgreSQL:
 * times are epoch milliseconds (bigint columns read back as numbers), booleans are 0/1 integers,
 * lists are JSON text, binary is BLOB/bytea (Buffer). Every tenant row carries account_id.
 * Columns with a database default are Generated<> so inserts may omit them.
 */
export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  cas: CasTable;
  crls: CrlsTable;
  cert_requests: CertRequestsTable;
  orders: OrdersTable;
  audit_events: AuditEventsTable;
}

export interface AccountsTable {
  id: Generated<number>;
  /** The Grid `customer_name`. */
  name: string;
  /** Whether requests may be approved or rejected through the API (`api_request_action_unavailable` otherwise). */
  api_approvals: Generated<number>;
  /** Whether a requester may approve their own request. */
  self_approval: Generated<number>;
  created_at: number;
}

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  username: string;
  full_name: string;
  /** scrypt hash (`scrypt$N$r$p$salt$hash`), null for API-key-only users. */
  password_hash: string | null;
  role: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  /** Lowercase hex SHA-256 of the key; keys are 256-bit random, so a fast hash is enough. */
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface CasTable {
  /** Slug used in URLs (`root`, `issuing-1`). */
  id: string;
  role: string;
  parent_id: string | null;
  cert_der: Buffer;
  /** PKCS#8 encrypted PEM; never plaintext. */
  key_pem: string;
  key_type: string;
  certhash: string;
  serial_hex: string;
  subject: string;
  not_before: number;
  not_after: number;
  active: Generated<number>;
  created_at: number;
}

export interface CrlsTable {
  ca_id: string;
  crl_number: number;
  der: Buffer;
  this_update: number;
  next_update: number;
}

export interface CertRequestsTable {
  id: Generated<number>;
  account_id: number;
  /** issue | revoke */
  request_type: string;
  /** pending | approved | rejected */
  status: string;
  requester_user_id: number;
  comments: Generated<string>;
  created_at: number;
  decided_at: number | null;
  decided_by_user_id: number | null;
  decision_comments: string | null;
  // issue requests
  product: Generated<string>;
  common_name: Generated<string>;
  service_name: Generated<string>;
  /** JSON array of DNS names. */
  sans: Generated<string>;
  server_type: Generated<number>;
  org_unit: Generated<string>;
  validity_years: Generated<number>;
  signature_hash: Generated<string>;
  csr_der: Buffer | null;
  /** For revoke requests: the order to revoke. For approved issue requests: the order created. */
  order_id: number | null;
  /** Revoke requests: the RFC 5280 reason to apply on approval (null: unspecified). Migration 002. */
  revocation_reason: Generated<string | null>;
}

export interface OrdersTable {
  id: Generated<number>;
  account_id: number;
  /** host | client */
  kind: string;
  request_id: number | null;
  /** issued | revoked */
  status: string;
  ca_id: string;
  serial_hex: string;
  certhash: string;
  cert_der: Buffer;
  common_name: Generated<string>;
  sans: Generated<string>;
  server_type: Generated<number>;
  org_unit: Generated<string>;
  validity_years: Generated<number>;
  full_name: Generated<string>;
  email: Generated<string>;
  not_before: number;
  not_after: number;
  revoked_at: number | null;
  revocation_reason: string | null;
  requester_user_id: number;
  created_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  account_id: number | null;
  user_id: number | null;
  user_name: Generated<string>;
  ip_address: Generated<string>;
  ip_country: Generated<string>;
  /** successful | failed */
  status: string;
  event: string;
  message: Generated<string>;
  /** api | ui */
  origin: string;
  created_at: number;
}
