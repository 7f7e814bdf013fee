/**
 * GeneralName (RFC 5280 §4.2.1.6) values certgrid reports: DNS names, IP addresses,
 * e-mail addresses and URIs.
 */
import { malformed, nodeAt, type Node } from './der-reader.js';

/** Context tags of the GeneralName CHOICE members certgrid reads (all IMPLICIT, primitive). */
export const GENERAL_NAME = {
  RFC822_NAME: 0x81,
  DNS_NAME: 0x82,
  URI: 0x86,
  IP_ADDRESS: 0x87,
} as const;

export interface SubjectAlternativeNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
}

/**
 * The dNSName, iPAddress, rfc822Name and uniformResourceIdentifier members of a
 * GeneralNames SEQUENCE, each list in certificate order. Other members (otherName,
 * directoryName, registeredID …) are skipped.
 */
export function readGeneralNames(buf: Buffer, names: Node, what: string): SubjectAlternativeNames {
  const dns: string[] = [];
  const ip: string[] = [];
  const email: string[] = [];
  const uri: string[] = [];
  let p = names.body;
  while (p < names.end) {
    const gn = nodeAt(buf, p, names.end, what);
    switch (gn.tag) {
      case GENERAL_NAME.DNS_NAME:
        dns.push(buf.toString('latin1', gn.body, gn.end));
        break;
      case GENERAL_NAME.IP_ADDRESS:
        ip.push(formatIpAddress(buf, gn.body, gn.end, what));
        break;
      case GENERAL_NAME.RFC822_NAME:
        email.push(buf.toString('latin1', gn.body, gn.end));
        break;
      case GENERAL_NAME.URI:
        uri.push(buf.toString('latin1', gn.body, gn.end));
        break;
    }
    p = gn.end;
  }
  return { dns, ip, email, uri };
}

/** The URIs among the GeneralName nodes from `start` to `end` (CRL distribution points, AIA). */
export function readUris(buf: Buffer, start: number, end: number, out: string[], what: string): void {
  let p = start;
  while (p < end) {
    const gn = nodeAt(buf, p, end, what);
    if (gn.tag === GENERAL_NAME.URI) out.push(buf.toString('latin1', gn.body, gn.end));
    p = gn.end;
  }
}

/**
 * An iPAddress octet string as text: dotted quad for IPv4; RFC 5952 for IPv6 (lowercase,
 * no leading zeros, the longest run of two or more zero groups — the first on a tie — as
 * "::", and the §5 mixed notation ::ffff:a.b.c.d for IPv4-mapped addresses).
 */
export function formatIpAddress(buf: Uint8Array, start: number, end: number, what: string): string {
  const len = end - start;
  if (len === 4) return `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
  if (len !== 16) throw malformed(`${what} has an IP address of ${len} octets`);
  const groups: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    groups[i] = ((buf[start + 2 * i] as number) << 8) | (buf[start + 2 * i + 1] as number);
  }
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${buf[start + 12]}.${buf[start + 13]}.${buf[start + 14]}.${buf[start + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
