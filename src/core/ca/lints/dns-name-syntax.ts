import type { LintRule } from './types.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Two or more LDH labels, the last one not all-numeric. */
const PLAIN_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?=[a-z0-9-]*[a-z-])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Preferred name syntax (RFC 1034 §3.5 as relaxed by RFC 1123 §2.1): LDH labels of 1–63
 * characters, at most 253 characters, no trailing dot, a top-level label that is not all
 * numeric (RFC 3696 §2: no IP addresses), and optionally a whole-label "*." wildcard on the
 * left over at least two labels.
 */
export function dnsNameProblem(name: string, allowWildcard: boolean): string | null {
  // Fast path for the common case (plain multi-label host name); everything else is diagnosed below.
  if (name.length <= 253 && PLAIN_HOST.test(name)) return null;
  if (name.length === 0) return 'is empty';
  if (name.length > 253) return 'is longer than 253 characters';
  let host = name;
  if (host.startsWith('*.')) {
    if (!allowWildcard) return 'may not be a wildcard';
    host = host.slice(2);
    if (host.split('.').length < 2) return 'wildcards need at least two labels after "*."';
  }
  const labels = host.split('.');
  for (const label of labels) {
    if (label.length === 0) return 'has an empty label (or a trailing dot)';
    if (!LABEL.test(label)) return `has an invalid label "${label}"`;
  }
  if (labels.length > 1 && /^\d+$/.test(labels[labels.length - 1] as string)) {
    return 'looks like an IP address';
  }
  return null;
}

export const dnsNameSyntax: LintRule = {
  name: 'e_san_dns_name_bad_syntax',
  citation: 'RFC 5280 §4.2.1.6; RFC 1034 §3.5; CA/B Forum BR §7.1.2.7.12',
  check(cert) {
    for (const name of cert.dnsNames) {
      const problem = dnsNameProblem(name, true);
      if (problem) return `The dNSName "${name}" ${problem}.`;
    }
    return null;
  },
};
