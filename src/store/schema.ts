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
  jwt_signing_keys: JwtSigningKeysTable;
  // CertView inventory (migration 004)
  certificates: CertificatesTable;
  certificate_names: CertificateNamesTable;
  assets: AssetsTable;
  asset_interfaces: AssetInterfacesTable;
  tags: TagsTable;
  asset_tags: AssetTagsTable;
  host_instances: HostInstancesTable;
  instance_vulnerabilities: InstanceVulnerabilitiesTable;
  certificate_assets: CertificateAssetsTable;
  certificate_instances: CertificateInstancesTable;
  approved_cas: ApprovedCasTable;
  inventory_feeds: InventoryFeedsTable;
  // TLS assessments (migration 006)
  endpoint_scans: EndpointScansTable;
  // scan jobs and schedules (migration 007)
  scan_jobs: ScanJobsTable;
  scan_schedules: ScanSchedulesTable;
  // CertView enrollment (migration 008)
  enrollment_organizations: EnrollmentOrganizationsTable;
  enrollment_ev_approvers: EnrollmentEvApproversTable;
  enrollment_orders: EnrollmentOrdersTable;
  // roots accounts add to their trust store (migration 009)
  trusted_roots: TrustedRootsTable;
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
  /** The account's licence for the CertView API (403 code 2012 when 0). Migration 003. */
  certview_api_access: Generated<number>;
  /** CertView orders the account may hold open or issued; null: no limit. Migration 008. */
  order_licences: number | null;
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
  /** JSON array of granted permissions (`CERTVIEW.API.ACCESS`). Migration 003. */
  permissions: Generated<string>;
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

/** HS256 secrets for CertView JWTs; the highest generation signs, every row verifies its own `kid`. */
export interface JwtSigningKeysTable {
  kid: string;
  /** Unique: two processes creating the same generation end with one row. */
  generation: number;
  /** 32 random bytes. */
  secret: Buffer;
  created_at: number;
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

/** One certificate of an account's inventory, keyed by certhash; every column is computed from the DER. */
export interface CertificatesTable {
  id: Generated<number>;
  account_id: number;
  certhash: string;
  der: Buffer;
  serial_number: string;
  key_algorithm: string;
  key_size: number;
  signature_algorithm: string;
  /** Leaf | Intermediate | Root */
  cert_type: string;
  self_signed: Generated<number>;
  extended_validation: Generated<number>;
  /** approved | unapproved | self-signed */
  issuer_category: Generated<string>;
  valid_from: number;
  valid_to: number;
  subject_name: Generated<string>;
  subject_organization: Generated<string>;
  /** JSON array. */
  subject_organization_unit: Generated<string>;
  subject_locality: Generated<string>;
  subject_state: Generated<string>;
  subject_country: Generated<string>;
  issuer_name: Generated<string>;
  issuer_organization: Generated<string>;
  issuer_organization_unit: Generated<string>;
  issuer_locality: Generated<string>;
  issuer_state: Generated<string>;
  issuer_country: Generated<string>;
  root_name: Generated<string>;
  root_organization: Generated<string>;
  root_organization_unit: Generated<string>;
  root_locality: Generated<string>;
  root_state: Generated<string>;
  root_country: Generated<string>;
  subject_dn: Generated<string>;
  issuer_dn: Generated<string>;
  issuer_certhash: string | null;
  root_certhash: string | null;
  /** JSON arrays. */
  san_dns: Generated<string>;
  san_ip: Generated<string>;
  key_usage: Generated<string>;
  enhanced_key_usage: Generated<string>;
  subject_key_id: string | null;
  auth_key_id: string | null;
  is_ca: Generated<number>;
  /** JSON array of CA | IMPORT | SCAN. */
  sources: Generated<string>;
  imported: Generated<number>;
  order_status: Generated<string>;
  instance_count: Generated<number>;
  asset_count: Generated<number>;
  first_found: number;
  last_found: number;
  created: number;
  updated: number;
}

/** Searchable multi-valued names of a certificate (SAN entries), lowercased. */
export interface CertificateNamesTable {
  certificate_id: number;
  account_id: number;
  /** dns | ip | email | uri */
  kind: string;
  value: string;
}

export interface AssetsTable {
  id: Generated<number>;
  account_id: number;
  uuid: string;
  name: string;
  netbios_name: Generated<string>;
  operating_system: Generated<string>;
  primary_ip: Generated<string>;
  managed: Generated<number>;
  certificate_count: Generated<number>;
  created: number;
  updated: number;
}

export interface AssetInterfacesTable {
  asset_id: number;
  hostname: Generated<string>;
  address: Generated<string>;
}

export interface TagsTable {
  id: Generated<number>;
  account_id: number;
  uuid: string;
  name: string;
}

export interface AssetTagsTable {
  asset_id: number;
  tag_id: number;
}

export interface HostInstancesTable {
  id: Generated<number>;
  asset_id: number;
  port: number;
  protocol: Generated<string>;
  fqdn: Generated<string>;
  service: Generated<string>;
  grade: Generated<string>;
  /** JSON array (TLSv1.2 …). */
  ssl_protocols: Generated<string>;
  created: number;
  updated: number;
}

export interface InstanceVulnerabilitiesTable {
  host_instance_id: number;
  qid: number;
  title: string;
  severity: number;
}

export interface CertificateAssetsTable {
  certificate_id: number;
  asset_id: number;
  created: number;
  updated: number;
}

export interface CertificateInstancesTable {
  certificate_id: number;
  host_instance_id: number;
  last_found: number;
}

export interface ApprovedCasTable {
  account_id: number;
  certhash: string;
  created_at: number;
}

/** How far the inventory has followed a feed of the store (`orders`: certificates the CA issued). */
export interface InventoryFeedsTable {
  name: string;
  /** The last id of the feed's table the inventory has recorded. */
  last_id: number;
}

export interface EndpointScansTable {
  id: Generated<number>;
  account_id: number;
  ip: string;
  port: number;
  protocol: Generated<string>;
  /** The name sent as SNI; '' for a scan by address. */
  fqdn: Generated<string>;
  service: Generated<string>;
  /** Reverse DNS of the address, as SSL Labs' `serverName`. */
  server_name: Generated<string>;
  grade: Generated<string>;
  grade_trust_ignored: Generated<string>;
  has_warnings: Generated<number>;
  is_exceptional: Generated<number>;
  status_message: Generated<string>;
  /** EndpointDetails as JSON text. */
  details: string;
  last_found: number;
  created: number;
}

export interface ScanJobsTable {
  id: string;
  account_id: number;
  mode: string;
  /** ScanTarget[] as JSON text. */
  targets: string;
  /** queued | running | finished | failed */
  status: string;
  total: Generated<number>;
  done: Generated<number>;
  tls: Generated<number>;
  schedule_id: string | null;
  /** ScanSummary as JSON text, once finished. */
  summary: string | null;
  error: Generated<string>;
  created: number;
  updated: number;
  finished: number | null;
}

export interface ScanSchedulesTable {
  id: string;
  account_id: number;
  mode: string;
  targets: string;
  interval_minutes: number;
  next_run: number;
  last_job_id: string | null;
  created: number;
}

/** An organisation whose subject data an operator validated; ids start at 500001 (DigiCert-like). */
export interface EnrollmentOrganizationsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  assumed_name: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
  state: Generated<string>;
  locality: Generated<string>;
  ev_validated: Generated<number>;
  jurisdiction_country: Generated<string>;
  jurisdiction_state: Generated<string>;
  jurisdiction_locality: Generated<string>;
  business_category: Generated<string>;
  registration_number: Generated<string>;
  active: Generated<number>;
  created: number;
}

/** A person who may approve EV orders; ids start at 1500001 (DigiCert-like). */
export interface EnrollmentEvApproversTable {
  id: Generated<number>;
  account_id: number;
  first_name: string;
  last_name: string;
  email: Generated<string>;
  created: number;
}

/** One CertView order (core/enrollment OrderRecord). Never holds a private key. */
export interface EnrollmentOrdersTable {
  uuid: string;
  account_id: number;
  requester_user_id: number;
  requester_user_name: string;
  /** JSON array of user names. */
  approver_user_names: Generated<string>;
  ca_id: string;
  intermediate_name: Generated<string>;
  intermediate_certhash: string;
  common_name: string;
  /** JSON array. */
  organization_units: Generated<string>;
  /** SHA-256 | SHA-384 | SHA-512 */
  signature_hash: string;
  /** PEM. */
  encoded_csr: string;
  auto_generated_csr: Generated<number>;
  /** JSON array, or null when none were asked for. */
  dns_names: string | null;
  renewal_of_certificate: string | null;
  previous_order_id: number | null;
  validity_years: number | null;
  validity_days: number | null;
  /** YYYY-MM-DD */
  custom_expiration_date: string | null;
  /** Not a foreign key: with an external CA connector it is that CA's id. */
  organization_id: number;
  product_name_id: string;
  /** JSON array of strings, or null. */
  ev_approver_user_ids: string | null;
  comment: Generated<string>;
  /** SUBMITTED | APPROVED | ISSUED | REJECTED | CANCELLED */
  status: string;
  ca_status: Generated<string>;
  ca_order_id: string | null;
  certhash: string | null;
  decided_by_user_name: string | null;
  decision_comment: Generated<string>;
  created: number;
  updated: number;
}

/** A root CA certificate an account trusts (its `account` root store); one per (account, certhash). */
export interface TrustedRootsTable {
  account_id: number;
  /** Lowercase hex SHA-256 of `der`. */
  certhash: string;
  der: Buffer;
  /** The subject on one line (`CN=Example Root, O=Example`). */
  subject: string;
  not_after: number;
  created: number;
}
