/**
 * The products a CertView order may name (`digicertProductNameId`): certgrid's issuance profiles under
 * DigiCert's product ids, so clients written for DigiCert's catalogue name them unchanged. Every account
 * sees the same catalogue; what a product allows is checked when an order is placed (orders.ts).
 */

/** How many names a product's certificate carries. */
export type ProductNames = 'single' | 'multi_domain' | 'wildcard';

/**
 * What the certificate asserts about its subject: `dv` the domain only (private products),
 * `ov` the validated organisation, `ev` the organisation with its EV registration data.
 */
export type ProductValidation = 'private' | 'ov' | 'ev';

export interface Product {
  /** DigiCert's `name_id`. */
  readonly nameId: string;
  readonly name: string;
  readonly groupName: string;
  readonly type: 'ssl_certificate';
  readonly names: ProductNames;
  readonly validation: ProductValidation;
  /** The CA profile that issues it: an organisation-validated TLS server certificate, or a Grid host one. */
  readonly profile: 'tls_server' | 'grid_host';
  /** Longest validity allowed, in days (the CA/Browser Forum's 398 for publicly styled products). */
  readonly maxValidityDays: number;
}

const PUBLIC_MAX_DAYS = 398;
const PRIVATE_MAX_DAYS = 3 * 365 + 1;

export const PRODUCTS: readonly Product[] = [
  {
    nameId: 'ssl_plus',
    name: 'Standard SSL',
    groupName: 'ssl_certificate',
    type: 'ssl_certificate',
    names: 'single',
    validation: 'ov',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_multi_domain',
    name: 'Multi-Domain SSL',
    groupName: 'ssl_certificate',
    type: 'ssl_certificate',
    names: 'multi_domain',
    validation: 'ov',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_wildcard',
    name: 'WildCard SSL',
    groupName: 'ssl_certificate',
    type: 'ssl_certificate',
    names: 'wildcard',
    validation: 'ov',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_ev_plus',
    name: 'EV SSL Plus',
    groupName: 'ssl_certificate',
    type: 'ssl_certificate',
    names: 'single',
    validation: 'ev',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_ev_multi_domain',
    name: 'EV Multi-Domain SSL',
    groupName: 'ssl_certificate',
    type: 'ssl_certificate',
    names: 'multi_domain',
    validation: 'ev',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_ev_securesite',
    name: 'Secure Site EV SSL',
    groupName: 'securesite_ssl_certificate',
    type: 'ssl_certificate',
    names: 'single',
    validation: 'ev',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'ssl_ev_securesite_multi_domain',
    name: 'Secure Site EV Multi-Domain SSL',
    groupName: 'securesite_ssl_certificate',
    type: 'ssl_certificate',
    names: 'multi_domain',
    validation: 'ev',
    profile: 'tls_server',
    maxValidityDays: PUBLIC_MAX_DAYS,
  },
  {
    nameId: 'private_ssl_plus',
    name: 'Private SSL',
    groupName: 'private_ssl_certificate',
    type: 'ssl_certificate',
    names: 'single',
    validation: 'private',
    profile: 'tls_server',
    maxValidityDays: PRIVATE_MAX_DAYS,
  },
  {
    nameId: 'private_ssl_multi_domain',
    name: 'Private Multi-Domain SSL',
    groupName: 'private_ssl_certificate',
    type: 'ssl_certificate',
    names: 'multi_domain',
    validation: 'private',
    profile: 'tls_server',
    maxValidityDays: PRIVATE_MAX_DAYS,
  },
  {
    nameId: 'private_ssl_wildcard',
    name: 'Private WildCard SSL',
    groupName: 'private_ssl_certificate',
    type: 'ssl_certificate',
    names: 'wildcard',
    validation: 'private',
    profile: 'tls_server',
    maxValidityDays: PRIVATE_MAX_DAYS,
  },
  {
    nameId: 'grid_host_ssl',
    name: 'Grid Host SSL',
    groupName: 'grid_certificate',
    type: 'ssl_certificate',
    names: 'multi_domain',
    validation: 'private',
    profile: 'grid_host',
    maxValidityDays: PRIVATE_MAX_DAYS,
  },
];

const BY_ID = new Map(PRODUCTS.map((p) => [p.nameId, p]));

export function findProduct(nameId: string): Product | undefined {
  return BY_ID.get(nameId);
}
