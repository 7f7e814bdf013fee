/**
 * Certificate policy OIDs that mark a certificate as Extended Validation.
 *
 * The CA/Browser Forum's own EV OID (EV Guidelines §9.3.2) plus the CA-specific EV policy
 * OIDs CAs asserted before (and alongside) it. Sources, both public:
 * - Mozilla PSM, security/certverifier/ExtendedValidation.cpp (kEVInfos): the EV grants
 *   Firefox ships today.
 * - Chromium, net/cert/ev_root_ca_metadata.cc (the inline table of 2014–2020 releases):
 *   adds OIDs of CAs since retired or distrusted, whose certificates still turn up in scans.
 * Only the OIDs are kept: certgrid reports what a certificate asserts, it does not decide
 * browser EV treatment (that also needs the chain to an EV-enabled root).
 */

/** CA/Browser Forum EV policy (2.23.140.1.1). */
export const CABF_EV_POLICY = '2.23.140.1.1';

export const CA_EV_POLICY_OIDS: ReadonlySet<string> = new Set([
  // Actalis
  '1.3.159.1.17.1',
  // AffirmTrust (Commercial, Networking, Premium, Premium ECC)
  '1.3.6.1.4.1.34697.2.1',
  '1.3.6.1.4.1.34697.2.2',
  '1.3.6.1.4.1.34697.2.3',
  '1.3.6.1.4.1.34697.2.4',
  // Buypass
  '2.16.578.1.26.1.3.3',
  // Camerfirma (Chambers of Commerce Root 2008, Global Chambersign Root 2008)
  '1.3.6.1.4.1.17326.10.14.2.1.2',
  '1.3.6.1.4.1.17326.10.14.2.2.2',
  '1.3.6.1.4.1.17326.10.8.12.1.2',
  '1.3.6.1.4.1.17326.10.8.12.2.2',
  // Certum (Asseco Data Systems, formerly Unizeto)
  '1.2.616.1.113527.2.5.1.1',
  // CFCA (China Financial Certification Authority)
  '2.16.156.112554.3',
  // CNNIC
  '1.3.6.1.4.1.29836.1.10',
  // Cybertrust / Verizon Business (Baltimore CyberTrust Root, GTE CyberTrust Global Root)
  '1.3.6.1.4.1.6334.1.100.1',
  // DigiCert
  '2.16.840.1.114412.2.1',
  // D-TRUST
  '1.3.6.1.4.1.4788.2.202.1',
  // E-Tugra
  '2.16.792.3.0.4.1.1.4',
  // Entrust
  '2.16.840.1.114028.10.1.2',
  // Firmaprofesional
  '1.3.6.1.4.1.13177.10.1.3.10',
  // GDCA (Guang Dong Certificate Authority)
  '1.2.156.112559.1.1.6.1',
  // GeoTrust
  '1.3.6.1.4.1.14370.1.6',
  // GlobalSign
  '1.3.6.1.4.1.4146.1.1',
  // Go Daddy
  '2.16.840.1.114413.1.7.23.3',
  // Izenpe (businesses, government entities)
  '1.3.6.1.4.1.14777.6.1.1',
  '1.3.6.1.4.1.14777.6.1.2',
  // Keynectis (CertPlus Class 2 Primary CA)
  '1.3.6.1.4.1.22234.2.5.2.3.1',
  // Network Solutions
  '1.3.6.1.4.1.782.1.2.1.8.1',
  // QuoVadis
  '1.3.6.1.4.1.8024.0.2.100.1.2',
  // SECOM Trust Systems
  '1.2.392.200091.100.721.1',
  // Sectigo (formerly Comodo; also the USERTrust and AddTrust roots)
  '1.3.6.1.4.1.6449.1.2.1.5.1',
  // Staat der Nederlanden
  '2.16.528.1.1003.1.2.7',
  // Starfield Technologies
  '2.16.840.1.114414.1.7.23.3',
  // Starfield Services
  '2.16.840.1.114414.1.7.24.3',
  // StartCom
  '1.3.6.1.4.1.23223.1.1.1',
  // SwissSign
  '2.16.756.1.89.1.2.1.1',
  // Swisscom
  '2.16.756.1.83.21.0',
  // T-Systems (T-TeleSec)
  '1.3.6.1.4.1.7879.13.24.1',
  // Thawte
  '2.16.840.1.113733.1.7.48.1',
  // Trustwave (SecureTrust, XRamp)
  '2.16.840.1.114404.1.1.2.4.1',
  // TWCA (TAIWAN-CA)
  '1.3.6.1.4.1.40869.1.1.22.3',
  // VeriSign / Symantec
  '2.16.840.1.113733.1.7.23.6',
  // Wells Fargo
  '2.16.840.1.114171.500.9',
  // WISeKey (OISTE)
  '2.16.756.5.14.7.4.8',
  // WoSign
  '1.3.6.1.4.1.36305.2',
]);

/** Whether a certificate policy OID asserts Extended Validation. */
export function isEvPolicy(oid: string): boolean {
  return oid === CABF_EV_POLICY || CA_EV_POLICY_OIDS.has(oid);
}
