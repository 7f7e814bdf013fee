/**
 * Lint rules run on the structured data a leaf TBSCertificate is about to be built from
 * (not on parsed DER: the issuance hot path never re-parses what it just wrote).
 * One rule per file, zlint style: a name, the citation it enforces, and a check.
 */
import type { NameAttribute, SpkiKind } from '../names.js';
import type { KeyUsage } from '../tbs.js';
import type { ProfileName } from '../types.js';

export interface LintSubject {
  readonly profile: ProfileName;
  /** The serialNumber INTEGER exactly as it will be encoded (tag, length, contents). */
  readonly serialDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Subject DN attributes in order. */
  readonly subject: readonly NameAttribute[];
  /**
   * The host name the CN names (grid_host: without the Kerberos service prefix; tls_server: the
   * CN itself); undefined for grid_client, whose CN is a person's name.
   */
  readonly commonName: string | undefined;
  readonly dnsNames: readonly string[];
  readonly emails: readonly string[];
  /** basicConstraints cA. */
  readonly isCa: boolean;
  /** extKeyUsage purpose OIDs, dotted. */
  readonly extKeyUsages: readonly string[];
  /** certificatePolicies policy OIDs, dotted; empty when the extension is left out (Grid profiles). */
  readonly policies: readonly string[];
  readonly keyUsage: readonly KeyUsage[];
  readonly subjectKeyKind: SpkiKind;
  /** subjectPublicKey BIT STRING contents of the subject and of the issuing CA. */
  readonly subjectPublicKeyBits: Buffer;
  readonly issuerPublicKeyBits: Buffer;
  /** The issuing CA certificate's validity. */
  readonly issuerNotBefore: Date;
  readonly issuerNotAfter: Date;
}

export interface LintRule {
  /** zlint-style name: e_<what>. */
  readonly name: string;
  /** The RFC / CA/B Forum Baseline Requirements section the rule enforces. */
  readonly citation: string;
  /** A failure message, or null when the certificate complies. */
  check(cert: LintSubject): string | null;
}

export interface LintFailure {
  readonly name: string;
  readonly citation: string;
  readonly message: string;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The contents octets of the serial INTEGER (after tag and length). */
export function serialContent(serialDer: Buffer): Buffer {
  const l = serialDer[1] as number;
  return serialDer.subarray(l & 0x80 ? 2 + (l & 0x7f) : 2);
}
