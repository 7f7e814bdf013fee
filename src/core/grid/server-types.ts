/**
 * Grid `server_type` ids (the spec's appendix A, which the spec does not reproduce). The numbering
 * is the legacy one DigiCert and Comodo shared; the spec pins -1 = OTHER and 2 = Apache
 * (its PHP example sends 2 "//apache"; its responses show "Apache" and "OTHER").
 */
const TABLE: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'OTHER',
  1: 'AOL',
  2: 'Apache',
  3: 'Apache-SSL (Ben-SSL, not Stronghold)',
  4: 'C2Net Stronghold',
  5: 'Cobalt Raq',
  6: 'Covalent Server Software',
  7: 'IBM HTTP Server',
  8: 'IBM Internet Connection Server',
  9: 'iPlanet',
  10: 'Java Web Server (Javasoft / Sun)',
  11: 'Lotus Domino',
  12: 'Lotus Domino Go!',
  13: 'Microsoft IIS 1.x to 4.x',
  14: 'Microsoft IIS 5.x and later',
  15: 'Netscape Enterprise Server',
  16: 'Netscape FastTrack',
  17: 'Novell Web Server',
  18: 'Oracle',
  19: 'Quid Pro Quo',
  20: 'R3 SSL Server',
  21: 'Raven SSL',
  22: 'RedHat Linux',
  23: 'SAP Web Application Server',
  24: 'Tomcat',
  25: 'Website Professional',
  26: 'WebStar 4.x and later',
  27: 'WebTen (from Tenon)',
  28: 'Zeus Web Server',
  29: 'Ensim',
  30: 'Plesk',
  31: 'WHM/cPanel',
  32: 'H-Sphere',
  33: 'Cisco 3000 Series VPN Concentrator',
  34: 'Citrix',
});

export const DEFAULT_SERVER_TYPE = -1;

/** Every known id → display name. */
export const GRID_SERVER_TYPES: Readonly<Record<number, string>> = TABLE;

/**
 * Display name of a server type. Ids outside the table are accepted at request time (clients
 * written against DigiCert may send newer ids) and shown as OTHER, as DigiCert shows its default.
 */
export function serverTypeName(id: number): string {
  return TABLE[id] ?? (TABLE[DEFAULT_SERVER_TYPE] as string);
}
