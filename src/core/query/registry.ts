/**
 * The QQL token registry: every token a filter or a sort may name, what it means in the store, its
 * type, and so which operators and values it accepts. Identifiers in the generated SQL come only
 * from here (a user-supplied column name would be an injection point); values are always bound.
 *
 * Scopes are the entities a filter walks: the certificate itself, and through groups
 * (`asset:(…)`, `instance:(…)`, `vulnerability:(…)`) the assets it was seen on, the host
 * instances (asset + port) that served it and those instances' vulnerabilities.
 */

export type Scope = 'certificate' | 'asset' | 'instance' | 'vulnerability';

export type TokenType =
  /** Free text: contains by default, `exact`, `prefix` and `phrase` (contains) as quoted. */
  | 'text'
  /** Identifiers (hashes, serials, grades): exact by default, prefix with `*`. */
  | 'keyword'
  | 'number'
  /** Epoch milliseconds in the store; ISO-8601 dates or epoch ms in filters. */
  | 'date'
  /** 0/1 in the store; true/false in filters. */
  | 'boolean'
  /** A JSON array of strings in one column (organisation units, key usages, protocols). */
  | 'list'
  /** A fixed set of values compared case-insensitively; `values` maps the canonical spelling. */
  | 'enum'
  /** Certificate validity buckets: `Expired`, `In N Days`, `More than N Days`. */
  | 'expiry'
  /** A certificate's SAN entries (certificate_names rows of one or all kinds). */
  | 'names'
  /** A related row that must exist (tags by name, interfaces by hostname/address). */
  | 'related';

export interface TokenSpec {
  /** The canonical spelling, used in docs and error messages. */
  readonly token: string;
  readonly type: TokenType;
  /** Column on the scope's table (absent for computed types). */
  readonly column?: string;
  /** Null-able column: compared through coalesce(column, ''). */
  readonly nullable?: boolean;
  /** enum: accepted values (lowercase) → stored value. */
  readonly values?: Readonly<Record<string, string>>;
  /** names: the certificate_names kind, or undefined for any kind. */
  readonly nameKind?: string;
  /** related: which related table and column. */
  readonly related?: 'tag.name' | 'tag.uuid' | 'interface.hostname' | 'interface.address';
  /** Stored lowercased (hex hashes, serials, key ids): compared without lower(), so its index applies. */
  readonly lowercased?: boolean;
  /** Whether results may be sorted by it (column-backed scalars only). */
  readonly sortable?: boolean;
}

const nameTokens = (prefix: string, part: string): TokenSpec[] => [
  { token: `${prefix}.name`, type: 'text', column: `${part}_name`, sortable: true },
  { token: `${prefix}.organization`, type: 'text', column: `${part}_organization`, sortable: true },
  { token: `${prefix}.organizationUnit`, type: 'list', column: `${part}_organization_unit` },
  { token: `${prefix}.locality`, type: 'text', column: `${part}_locality`, sortable: true },
  { token: `${prefix}.state`, type: 'text', column: `${part}_state`, sortable: true },
  { token: `${prefix}.country`, type: 'text', column: `${part}_country`, sortable: true },
];

const CERTIFICATE_TOKENS: readonly TokenSpec[] = [
  { token: 'certhash', type: 'keyword', column: 'certhash', lowercased: true, sortable: true },
  { token: 'serialNumber', type: 'keyword', column: 'serial_number', lowercased: true, sortable: true },
  { token: 'keySize', type: 'number', column: 'key_size', sortable: true },
  { token: 'keyAlgorithm', type: 'text', column: 'key_algorithm', sortable: true },
  { token: 'signatureAlgorithm', type: 'text', column: 'signature_algorithm', sortable: true },
  { token: 'validFrom', type: 'date', column: 'valid_from', sortable: true },
  { token: 'validTo', type: 'date', column: 'valid_to', sortable: true },
  { token: 'lastFound', type: 'date', column: 'last_found', sortable: true },
  { token: 'firstFound', type: 'date', column: 'first_found', sortable: true },
  { token: 'created', type: 'date', column: 'created', sortable: true },
  { token: 'updated', type: 'date', column: 'updated', sortable: true },
  { token: 'selfSigned', type: 'boolean', column: 'self_signed', sortable: true },
  { token: 'extendedValidation', type: 'boolean', column: 'extended_validation', sortable: true },
  { token: 'imported', type: 'boolean', column: 'imported', sortable: true },
  {
    token: 'issuerCategory',
    type: 'enum',
    column: 'issuer_category',
    sortable: true,
    values: {
      approved: 'approved',
      unapproved: 'unapproved',
      'self-signed': 'self-signed',
      selfsigned: 'self-signed',
    },
  },
  {
    token: 'certificate.type',
    type: 'enum',
    column: 'cert_type',
    sortable: true,
    values: { leaf: 'Leaf', intermediate: 'Intermediate', root: 'Root' },
  },
  { token: 'instanceCount', type: 'number', column: 'instance_count', sortable: true },
  { token: 'assetCount', type: 'number', column: 'asset_count', sortable: true },
  { token: 'orderStatus', type: 'text', column: 'order_status', sortable: true },
  { token: 'sources', type: 'list', column: 'sources' },
  { token: 'dn', type: 'text', column: 'subject_dn', sortable: true },
  { token: 'issuer.dn', type: 'text', column: 'issuer_dn', sortable: true },
  ...nameTokens('subject', 'subject'),
  ...nameTokens('issuer', 'issuer'),
  { token: 'issuer.certhash', type: 'keyword', column: 'issuer_certhash', lowercased: true, nullable: true },
  ...nameTokens('rootissuer', 'root'),
  {
    token: 'rootissuer.certhash',
    type: 'keyword',
    column: 'root_certhash',
    lowercased: true,
    nullable: true,
  },
  { token: 'subjectAlternativeNames', type: 'names' },
  { token: 'subjectAlternativeNames.dnsName', type: 'names', nameKind: 'dns' },
  { token: 'subjectAlternativeNames.ipAddress', type: 'names', nameKind: 'ip' },
  { token: 'subjectAlternativeNames.email', type: 'names', nameKind: 'email' },
  { token: 'subjectAlternativeNames.uri', type: 'names', nameKind: 'uri' },
  { token: 'keyUsage', type: 'list', column: 'key_usage' },
  { token: 'enhancedKeyUsage', type: 'list', column: 'enhanced_key_usage' },
  {
    token: 'subjectKeyIdentifier',
    type: 'keyword',
    column: 'subject_key_id',
    lowercased: true,
    nullable: true,
  },
  { token: 'authKeyIdentifier', type: 'keyword', column: 'auth_key_id', lowercased: true, nullable: true },
  { token: 'expiryGroup', type: 'expiry' },
];

const ASSET_TOKENS: readonly TokenSpec[] = [
  { token: 'name', type: 'text', column: 'name', sortable: true },
  { token: 'id', type: 'keyword', column: 'uuid', sortable: true },
  { token: 'operatingSystem', type: 'text', column: 'operating_system', sortable: true },
  { token: 'netbiosName', type: 'text', column: 'netbios_name', sortable: true },
  { token: 'primaryIp', type: 'keyword', column: 'primary_ip', sortable: true },
  { token: 'created', type: 'date', column: 'created', sortable: true },
  { token: 'updated', type: 'date', column: 'updated', sortable: true },
  { token: 'certificateCount', type: 'number', column: 'certificate_count', sortable: true },
  { token: 'managed', type: 'boolean', column: 'managed', sortable: true },
  { token: 'tagName', type: 'related', related: 'tag.name' },
  { token: 'tagId', type: 'related', related: 'tag.uuid' },
  { token: 'interfaces.hostname', type: 'related', related: 'interface.hostname' },
  { token: 'interfaces.address', type: 'related', related: 'interface.address' },
];

const INSTANCE_TOKENS: readonly TokenSpec[] = [
  { token: 'port', type: 'number', column: 'port', sortable: true },
  { token: 'protocol', type: 'keyword', column: 'protocol', sortable: true },
  { token: 'service', type: 'text', column: 'service', sortable: true },
  { token: 'fqdn', type: 'text', column: 'fqdn', sortable: true },
  { token: 'grade', type: 'keyword', column: 'grade', sortable: true },
  { token: 'sslProtocol', type: 'list', column: 'ssl_protocols' },
  { token: 'created', type: 'date', column: 'created', sortable: true },
  { token: 'updated', type: 'date', column: 'updated', sortable: true },
];

const VULNERABILITY_TOKENS: readonly TokenSpec[] = [
  { token: 'qid', type: 'number', column: 'qid', sortable: true },
  { token: 'severity', type: 'number', column: 'severity', sortable: true },
  { token: 'title', type: 'text', column: 'title', sortable: true },
];

/** Alternative spellings clients use, mapped to the canonical token (lowercase keys). */
const ALIASES: Readonly<Record<Scope, Readonly<Record<string, string>>>> = {
  certificate: {
    type: 'certificate.type',
    'certificate.certhash': 'certhash',
    hash: 'certhash',
    'subject.commonname': 'subject.name',
    'issuer.commonname': 'issuer.name',
    'subject.dn': 'dn',
    'subjectalternativenames.dns': 'subjectAlternativeNames.dnsName',
    'subjectalternativenames.dns name': 'subjectAlternativeNames.dnsName',
    'subjectalternativenames.ip': 'subjectAlternativeNames.ipAddress',
    san: 'subjectAlternativeNames',
  },
  asset: {
    uuid: 'id',
    assetid: 'id',
    os: 'operatingSystem',
    'tags.name': 'tagName',
    tag: 'tagName',
    'tags.uuid': 'tagId',
    hostname: 'interfaces.hostname',
    address: 'interfaces.address',
    'interfaces.ip': 'interfaces.address',
  },
  instance: { sslprotocols: 'sslProtocol', 'ssl.protocol': 'sslProtocol' },
  vulnerability: { 'vulnerability.qid': 'qid' },
};

const TABLE: Readonly<Record<Scope, ReadonlyMap<string, TokenSpec>>> = {
  certificate: index(CERTIFICATE_TOKENS, 'certificate'),
  asset: index(ASSET_TOKENS, 'asset'),
  instance: index(INSTANCE_TOKENS, 'instance'),
  vulnerability: index(VULNERABILITY_TOKENS, 'vulnerability'),
};

function index(tokens: readonly TokenSpec[], scope: Scope): ReadonlyMap<string, TokenSpec> {
  const m = new Map<string, TokenSpec>(tokens.map((t) => [t.token.toLowerCase(), Object.freeze(t)]));
  for (const [alias, target] of Object.entries(ALIASES[scope])) {
    const spec = m.get(target.toLowerCase());
    if (spec !== undefined) m.set(alias, spec);
  }
  return m;
}

/** The token's spec in a scope (case-insensitive), or undefined. */
export function lookupToken(scope: Scope, token: string): TokenSpec | undefined {
  return TABLE[scope].get(token.toLowerCase());
}

/** Every canonical token of a scope, for docs and error messages. */
export function tokensOf(scope: Scope): readonly TokenSpec[] {
  return [...new Set(TABLE[scope].values())];
}

/** Group scopes and where each may appear. */
export const GROUPS: Readonly<Record<string, { readonly scope: Scope; readonly inside: readonly Scope[] }>> =
  {
    asset: { scope: 'asset', inside: ['certificate'] },
    instance: { scope: 'instance', inside: ['certificate', 'asset'] },
    vulnerability: { scope: 'vulnerability', inside: ['certificate', 'asset', 'instance'] },
  };
