import { lookup, reverse } from 'node:dns/promises';
import { isIP } from 'node:net';
import { invalid } from '../errors.js';

/** Name resolution, injected so tests (and air-gapped deployments) can answer without DNS. */
export interface HostResolver {
  /** Every A and AAAA address of a name (may be empty). */
  addresses(name: string): Promise<string[]>;
  /** The reverse DNS name of an address, '' when there is none (SSL Labs' `serverName`). */
  reverseName(ip: string): Promise<string>;
}

export const systemResolver: HostResolver = {
  async addresses(name) {
    try {
      const found = await lookup(name, { all: true, verbatim: true });
      return [...new Set(found.map((a) => a.address))];
    } catch {
      return [];
    }
  },
  async reverseName(ip) {
    try {
      const names = await Promise.race([
        reverse(ip),
        new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 2_000).unref()),
      ]);
      return names[0] ?? '';
    } catch {
      return '';
    }
  },
};

// RFC 1123 labels; a trailing dot is allowed and dropped.
const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export interface ParsedHost {
  /** The host as given, normalised (lower case, no trailing dot, IPv6 without brackets). */
  readonly host: string;
  /** Set when the host is an address literal. */
  readonly ip: string | null;
}

/**
 * Checks the `host` of an analyze request: an IPv4/IPv6 literal or a DNS name.
 * @throws CertgridError INVALID_ARGUMENT (CertView 1905) for anything else.
 */
export function parseHost(value: string): ParsedHost {
  let host = value.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host) !== 0) return { host: host.toLowerCase(), ip: host.toLowerCase() };
  host = host.replace(/\.$/, '').toLowerCase();
  if (!HOSTNAME.test(host)) throw invalid('host', 'must be an IP address or a host name');
  return { host, ip: null };
}
