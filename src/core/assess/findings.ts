/**
 * TLS assessment findings → Qualys QIDs, for the `vulnerabilities` of a CertView host instance
 * (`instance_vulnerabilities`: qid, title, severity).
 *
 * The assessment names what it found with a stable `FindingId` (conditions in SSL Labs API v3 terms are
 * in docs/qids.md). `QID_TABLE` says which Qualys QID reports each finding; a finding with no row has no
 * QID we could confirm from a public source and produces nothing. Every row carries the source its
 * number, title and severity were checked against; docs/qids.md lists the same rows (a test compares
 * them).
 *
 * Rows marked `informational` are the Information Gathered QIDs the CertView samples show on every host
 * instance: the caller adds their findings (`INFORMATIONAL_FINDINGS`) for every assessed TLS endpoint.
 */

/** Qualys severity: 1 minimal, 2 medium, 3 serious, 4 critical, 5 urgent. */
export type QualysSeverity = 1 | 2 | 3 | 4 | 5;

/** Every finding the assessment can report, mapped to a QID or not. */
export const FINDING_IDS = [
  // Information gathered: every assessed TLS endpoint.
  'info-ssl-server',
  'info-protocol-properties',
  'info-certificate',
  // Information gathered: only when the condition holds.
  'info-version-tolerance',
  'info-secure-renegotiation',
  'info-hsts',
  'info-dh-known-prime',
  'cert-expiring-soon',
  // Protocols.
  'protocol-sslv2',
  'protocol-sslv3',
  'protocol-tls10',
  'protocol-tls11',
  // Cipher suites and key exchange.
  'suite-weak-encryption',
  'suite-weak-encryption-forced',
  'suite-export',
  'suite-rc4',
  'suite-64bit-block',
  'suite-null',
  'suite-anonymous',
  'dh-below-2048',
  'dh-below-1024',
  // Protocol and implementation vulnerabilities.
  'beast',
  'poodle',
  'poodle-tls',
  'heartbleed',
  'openssl-ccs',
  'lucky-minus-20',
  'ticketbleed',
  'robot',
  'freak',
  'drown',
  'zombie-poodle',
  'golden-doodle',
  'zero-length-padding-oracle',
  'sleeping-poodle',
  'insecure-renegotiation',
  'tls-compression',
  'no-fallback-scsv',
  'no-forward-secrecy',
  'no-aead',
  'protocol-intolerance',
  // Certificate.
  'cert-expired',
  'cert-self-signed',
  'cert-hostname-mismatch',
  'cert-untrusted',
  'cert-validity-too-long',
  'cert-weak-key',
  'cert-sha1-signature',
  // HTTP, seen over the TLS endpoint.
  'hsts-missing',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

export interface QidRow {
  readonly qid: number;
  readonly title: string;
  readonly severity: QualysSeverity;
  readonly finding: FindingId;
  /** Emitted for every assessed TLS endpoint (the caller adds the finding unconditionally). */
  readonly informational: boolean;
  /** Where the QID, title and severity were confirmed. */
  readonly source: string;
}

/** One entry of a host instance's `vulnerabilities`. */
export interface InstanceVulnerability {
  readonly qid: number;
  readonly title: string;
  readonly severity: QualysSeverity;
}

// Sources. The two scan reports are real Qualys XML reports whose GLOSSARY gives QID, TITLE and SEVERITY.
const CERTVIEW_SPEC =
  'Qualys CertView API v2.8.3 guide, hostInstances.vulnerabilities sample (shared/spec/certview-api-v2.8.3.md)';
const REPORT_2019 =
  'github.com/DefectDojo/django-DefectDojo unittests/scans/qualys/Qualys_Sample_Report.xml (Qualys report glossary, 2019-08)';
const REPORT_2017 =
  'github.com/mikemackintosh/ruby-qualys spec/fixtures/vcr_cassettes/global_report.yml (Qualys report glossary, 2017-12)';
const BLOG_38601_42366 = 'https://blog.qualys.com/technology/2019/03/14/pci-ssl-early-tls-qids-38601-42366';

const row = (
  qid: number,
  title: string,
  severity: QualysSeverity,
  finding: FindingId,
  informational: boolean,
  ...sources: string[]
): QidRow => Object.freeze({ qid, title, severity, finding, informational, source: sources.join('; ') });

/** The confirmed QIDs, one finding each. Kept in the order of docs/qids.md. */
export const QID_TABLE: readonly QidRow[] = Object.freeze([
  row(38116, 'SSL Server Information Retrieval', 1, 'info-ssl-server', true, CERTVIEW_SPEC, REPORT_2019),
  row(38706, 'SSL/TLS Protocol Properties', 1, 'info-protocol-properties', true, CERTVIEW_SPEC, REPORT_2019),
  row(86002, 'SSL Certificate - Information', 1, 'info-certificate', true, CERTVIEW_SPEC, REPORT_2019),
  row(
    38597,
    'SSL/TLS invalid protocol version tolerance',
    1,
    'info-version-tolerance',
    false,
    CERTVIEW_SPEC,
    REPORT_2019,
  ),
  row(
    42350,
    'TLS Secure Renegotiation Extension Support Information',
    1,
    'info-secure-renegotiation',
    false,
    CERTVIEW_SPEC,
    REPORT_2019,
  ),
  row(86137, 'HTTP Strict Transport Security (HSTS) Support Detected', 1, 'info-hsts', false, CERTVIEW_SPEC),
  row(
    38609,
    'SSL Server default Diffie-Hellman prime information',
    1,
    'info-dh-known-prime',
    false,
    REPORT_2019,
  ),
  row(
    38600,
    'SSL Certificate will expire within next six months',
    1,
    'cert-expiring-soon',
    false,
    REPORT_2019,
  ),
  row(
    38606,
    'SSL Server Has SSLv3 Enabled Vulnerability',
    3,
    'protocol-sslv3',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(38628, 'SSL/TLS Server supports TLSv1.0', 3, 'protocol-tls10', false, REPORT_2019, REPORT_2017),
  row(
    38140,
    'SSL Server Supports Weak Encryption Vulnerability',
    3,
    'suite-weak-encryption',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(
    38141,
    'SSL Server May Be Forced to Use Weak Encryption Vulnerability',
    3,
    'suite-weak-encryption-forced',
    false,
    REPORT_2019,
  ),
  row(38601, 'SSL/TLS use of weak RC4(Arcfour) cipher', 3, 'suite-rc4', false, REPORT_2019, BLOG_38601_42366),
  row(
    38657,
    'Birthday attacks against TLS ciphers with 64bit block size vulnerability (Sweet32)',
    3,
    'suite-64bit-block',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(
    38142,
    'SSL Server Allows Anonymous Authentication Vulnerability',
    4,
    'suite-anonymous',
    false,
    REPORT_2017,
  ),
  row(
    42366,
    'SSLv3.0/TLSv1.0 Protocol Weak CBC Mode Server Side Vulnerability (BEAST)',
    3,
    'beast',
    false,
    REPORT_2019,
    BLOG_38601_42366,
  ),
  row(
    38603,
    'SSLv3 Padding Oracle Attack Information Disclosure Vulnerability (POODLE)',
    3,
    'poodle',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(42430, 'OpenSSL Memory Leak Vulnerability (Heartbleed Bug)', 4, 'heartbleed', false, REPORT_2019),
  row(38626, 'OpenSSL oracle padding vulnerability (CVE-2016-2107)', 4, 'lucky-minus-20', false, REPORT_2019),
  row(38167, 'SSL Certificate - Expired', 2, 'cert-expired', false, REPORT_2019),
  row(
    38169,
    'SSL Certificate - Self-Signed Certificate',
    2,
    'cert-self-signed',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(
    38170,
    'SSL Certificate - Subject Common Name Does Not Match Server FQDN',
    2,
    'cert-hostname-mismatch',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(
    38173,
    'SSL Certificate - Signature Verification Failed Vulnerability',
    2,
    'cert-untrusted',
    false,
    REPORT_2019,
    REPORT_2017,
  ),
  row(
    38685,
    'SSL Certificate - Invalid Maximum Validity Date Detected',
    2,
    'cert-validity-too-long',
    false,
    REPORT_2017,
  ),
  row(11827, 'HTTP Security Header Not Detected', 2, 'hsts-missing', false, REPORT_2017),
]);

const BY_FINDING: ReadonlyMap<FindingId, QidRow> = new Map(QID_TABLE.map((r) => [r.finding, r]));

/** Findings the caller adds for every assessed TLS endpoint. */
export const INFORMATIONAL_FINDINGS: readonly FindingId[] = Object.freeze(
  QID_TABLE.filter((r) => r.informational).map((r) => r.finding),
);

/** Findings with no confirmed QID: reported by the assessment, never turned into a vulnerability. */
export const UNMAPPED_FINDINGS: readonly FindingId[] = Object.freeze(
  FINDING_IDS.filter((f) => !BY_FINDING.has(f)),
);

/** The QID row for a finding, if it has one. */
export function qidFor(finding: FindingId): QidRow | undefined {
  return BY_FINDING.get(finding);
}

/**
 * The host-instance vulnerabilities for a set of findings: one entry per mapped finding, most severe
 * first, then by QID. Findings without a confirmed QID (or unknown to the table) contribute nothing.
 */
export function vulnerabilitiesFor(findings: ReadonlySet<FindingId>): InstanceVulnerability[] {
  const out: InstanceVulnerability[] = [];
  for (const finding of findings) {
    const r = BY_FINDING.get(finding);
    if (r) out.push({ qid: r.qid, title: r.title, severity: r.severity });
  }
  return out.sort((a, b) => b.severity - a.severity || a.qid - b.qid);
}
