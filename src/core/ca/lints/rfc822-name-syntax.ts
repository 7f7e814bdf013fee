import { dnsNameProblem } from './dns-name-syntax.js';
import type { LintRule } from './types.js';

/** RFC 5322 §3.2.3 dot-atom of atext: the local parts certgrid accepts (no quoted strings). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * rfc822Name is an RFC 5321 Mailbox: ASCII only (internationalised local parts need an
 * SmtpUTF8Mailbox otherName, RFC 8398), local part ≤ 64 octets, a valid host name domain.
 */
export function rfc822NameProblem(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return 'is not local@domain';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64) return 'has a local part longer than 64 characters';
  if (!LOCAL_PART.test(local)) return 'has an invalid local part';
  const problem = dnsNameProblem(domain, false);
  return problem ? `has a domain that ${problem}` : null;
}

export const rfc822NameSyntax: LintRule = {
  name: 'e_san_rfc822_name_bad_syntax',
  citation: 'RFC 5280 §4.2.1.6; RFC 5321 §4.1.2; RFC 8398 §3',
  check(cert) {
    for (const email of cert.emails) {
      const problem = rfc822NameProblem(email);
      if (problem) return `The rfc822Name "${email}" ${problem}.`;
    }
    return null;
  },
};
