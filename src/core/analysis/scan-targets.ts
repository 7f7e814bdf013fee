import { isIP, isIPv4 } from 'node:net';
import { invalid } from '../errors.js';
import { parseHost } from './resolve-host.js';

/** One thing to scan: an address or a name, on some ports. */
export interface ScanTarget {
  /** An IP literal or a DNS name (names resolve to every A/AAAA address at scan time). */
  readonly host: string;
  readonly ports: readonly number[];
}

/** The largest set one command may expand to, so a typo such as /8 cannot start a 16M-address scan. */
export const MAX_SCAN_ENDPOINTS = 65_536;

/**
 * Port lists as operators write them: `443`, `443,8443`, `8000-8010`, mixed.
 * @throws CertgridError INVALID_ARGUMENT for anything outside 1-65535 or a reversed range.
 */
export function parsePortList(spec: string, field = 'ports'): number[] {
  const ports = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!(lo >= 1 && hi <= 65535 && lo <= hi))
      throw invalid(field, `"${part}" is not a port or port range (1-65535)`);
    for (let p = lo; p <= hi; p++) ports.add(p);
  }
  return [...ports];
}

/**
 * Expands command-line targets into hosts × ports. A target is a name, an IP, an IPv4 CIDR block
 * (`10.0.0.0/28`, every address including network and broadcast: scanners must not guess which
 * addresses serve), an IPv6 block of at most /112, each optionally with `:ports` (`host:443,8443`,
 * `[2001:db8::1]:443`). Targets without ports get `defaultPorts`.
 * @throws CertgridError INVALID_ARGUMENT for a malformed target or an expansion beyond MAX_SCAN_ENDPOINTS.
 */
export function expandTargets(targets: readonly string[], defaultPorts: readonly number[]): ScanTarget[] {
  const out: ScanTarget[] = [];
  let endpoints = 0;
  for (const raw of targets) {
    const { host, ports: portSpec } = splitPorts(raw.trim());
    const ports = portSpec === undefined ? [...defaultPorts] : parsePortList(portSpec, 'target');
    const hosts = host.includes('/') ? expandCidr(host) : [parseHost(host).host];
    endpoints += hosts.length * ports.length;
    if (endpoints > MAX_SCAN_ENDPOINTS) {
      throw invalid(
        'target',
        `the targets expand to more than ${MAX_SCAN_ENDPOINTS} endpoints; split the scan`,
      );
    }
    for (const h of hosts) out.push({ host: h, ports });
  }
  return out;
}

function splitPorts(target: string): { host: string; ports?: string } {
  const bracketed = /^\[([^\]]+)\](?::([\d,\s-]+))?$/.exec(target);
  if (bracketed)
    return { host: bracketed[1]!, ...(bracketed[2] !== undefined ? { ports: bracketed[2] } : {}) };
  const colons = target.split(':').length - 1;
  if (colons === 1) {
    const [host, ports] = target.split(':') as [string, string];
    return { host, ports };
  }
  // Bare IPv6 (several colons) carries no port; `[::1]:443` does.
  return { host: target };
}

function expandCidr(block: string): string[] {
  const [base = '', bitsText = ''] = block.split('/');
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (isIPv4(base) && bits >= 0 && bits <= 32) {
    const size = 2 ** (32 - bits);
    if (size > MAX_SCAN_ENDPOINTS)
      throw invalid('target', `${block} holds ${size} addresses; split the scan`);
    const start = (ipv4ToInt(base) & (bits === 0 ? 0 : ~0 << (32 - bits))) >>> 0;
    return Array.from({ length: size }, (_, i) => intToIpv4(start + i));
  }
  if (isIP(base) === 6 && bits >= 112 && bits <= 128) {
    const groups = expandIpv6(base);
    if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g))) {
      throw invalid('target', `${block}: write the IPv6 block in hexadecimal groups`);
    }
    const size = 2 ** (128 - bits);
    const last = groups[7]! & (bits === 112 ? 0 : (0xffff << (128 - bits)) & 0xffff);
    return Array.from({ length: size }, (_, i) =>
      [...groups.slice(0, 7), last + i].map((g) => g.toString(16)).join(':'),
    );
  }
  throw invalid('target', `${block} is not an IPv4 CIDR block or an IPv6 block of /112 or longer`);
}

const ipv4ToInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

function expandIpv6(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}
