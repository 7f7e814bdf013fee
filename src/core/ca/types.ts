import type { KeyObject } from 'node:crypto';

/** Key types certgrid's CA can hold (the `--key-type` values of `certgrid init`). */
export const KEY_TYPES = ['p256', 'p384', 'rsa2048', 'rsa3072', 'rsa4096', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** RFC 5280 §5.3.1 CRLReason, by name; the numeric code is the index in RFC order (7 is unused). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

/** Where certgrid publishes CA material; embedded in issued certificates (CDP and AIA). */
export interface CaUrls {
  /** e.g. http://127.0.0.1:8080 — no trailing slash. */
  readonly baseUrl: string;
}

/** A CA certificate with its signing key, loaded and ready to sign. */
export interface LoadedCa {
  /** Short slug used in URLs: /crl/<id>.crl and /ca/<id>.crt */
  readonly id: string;
  readonly role: 'root' | 'intermediate';
  readonly certDer: Buffer;
  readonly keyType: KeyType;
  readonly privateKey: KeyObject;
}

/** The CA hierarchy certgrid operates: one root, one issuing intermediate. */
export interface CaHierarchy {
  readonly root: LoadedCa;
  readonly issuing: LoadedCa;
}

/** Signature hash asked for by a client (`hash` parameter). Ignored for Ed25519 keys. */
export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

/** What a Grid host certificate contains. */
export interface GridHostProfileInput {
  readonly profile: 'grid_host';
  /** The common name as requested, without the service prefix. */
  readonly commonName: string;
  /** Kerberos style prefix: `sams` makes the CN `sams/example.com`. */
  readonly serviceName?: string | undefined;
  /** DNS SANs; the common name (without prefix) is always included first. */
  readonly dnsNames: readonly string[];
  readonly orgUnit?: string | undefined;
}

/** What a Grid client certificate contains. */
export interface GridClientProfileInput {
  readonly profile: 'grid_client';
  readonly fullName: string;
  readonly email: string;
  readonly orgUnit?: string | undefined;
}

/** An organisation- or EV-validated TLS server certificate (CertView enrollment orders). */
export interface TlsServerProfileInput {
  readonly profile: 'tls_server';
  /** The CN; a wildcard (`*.example.com`) is allowed. Always the first DNS SAN too. */
  readonly commonName: string;
  /** More DNS SANs (wildcards allowed), after the common name, lower-cased, deduplicated. */
  readonly dnsNames: readonly string[];
  readonly organizationUnits: readonly string[];
  /** The validated organisation (absent for a private, domain-only certificate). */
  readonly organization?:
    | {
        readonly name: string;
        readonly country: string;
        readonly state: string;
        readonly locality: string;
      }
    | undefined;
  /** EV registration data (only with `organization`). */
  readonly ev?:
    | {
        readonly jurisdictionCountry: string;
        readonly jurisdictionState: string;
        readonly jurisdictionLocality: string;
        readonly businessCategory: string;
        readonly registrationNumber: string;
      }
    | undefined;
}

export type ProfileInput = GridHostProfileInput | GridClientProfileInput | TlsServerProfileInput;

/** The issuance profiles, by name. */
export type ProfileName = ProfileInput['profile'];

export interface IssuanceRequest {
  readonly subject: ProfileInput;
  /** The subject public key as SubjectPublicKeyInfo DER (from the CSR). */
  readonly spkiDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Positive serial, at least 64 bits of CSPRNG output, as uppercase hex without leading zero octets. */
  readonly serialHex: string;
  readonly hash?: SignatureHash | undefined;
}

export interface IssuedCertificate {
  readonly der: Buffer;
  readonly serialHex: string;
  /** Lowercase hex SHA-256 of the DER: a certificate's identity everywhere in certgrid. */
  readonly certhash: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** One revoked certificate as it appears in a CRL or OCSP response. */
export interface RevokedEntry {
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

/** Status of one certificate as known to the CA, for OCSP. */
export type CertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason }
  | { readonly status: 'unknown' };
