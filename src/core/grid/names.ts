/**
 * Syntax checks for the names a Grid request carries. Internal to grid/.
 */
import { CertgridError } from '../errors.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_DNS_NAME = 253;
/** Bounds the SAN list; the certificate and every TLS handshake carry all of them. */
export const MAX_SANS = 100;

/**
 * A DNS name as certgrid certifies it (RFC 1035 §2.3.1 LDH labels, RFC 6125 §6.4.3 wildcard as
 * the whole leftmost label only, over at least two labels), lower-cased; null when it is not one.
 * A last label of digits only is refused: that is an IPv4 address, not a host name (RFC 3696 §2),
 * and IP addresses do not belong in dNSName SANs.
 */
export function normalizeDnsName(input: string): string | null {
  const name = input.trim().toLowerCase();
  if (name.length === 0 || name.length > MAX_DNS_NAME) return null;
  const labels = name.split('.');
  // A wildcard covers one whole label over at least two more ("*.com" would span a whole TLD).
  const start = labels[0] === '*' && labels.length > 2 ? 1 : 0;
  for (let i = start; i < labels.length; i++) if (!LABEL.test(labels[i] as string)) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) return null;
  return name;
}

export function checkCommonName(input: string | undefined): string {
  if (input === undefined || input.trim() === '') {
    throw new CertgridError('MISSING_ARGUMENT', 'common_name is a required parameter.', {
      field: 'common_name',
    });
  }
  const name = normalizeDnsName(input);
  if (name === null) {
    throw new CertgridError(
      'INVALID_CHARS',
      'The common_name parameter you have posted contains invalid characters.',
      {
        field: 'common_name',
      },
    );
  }
  return name;
}

/** Lower-cased, deduplicated, in order, without the common name (the profile puts it first). */
export function checkSans(names: readonly string[], commonName: string, fromCsr: boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>([commonName]);
  for (const raw of names) {
    if (raw.trim() === '') continue;
    const name = normalizeDnsName(raw);
    if (name === null) {
      throw new CertgridError(
        'INVALID_CHARS',
        fromCsr
          ? 'The CSR requests a subject alternative name with invalid characters; pass sans explicitly.'
          : 'The sans parameter you have posted contains invalid characters.',
        { field: 'sans' },
      );
    }
    if (!seen.has(name)) {
      seen.add(name);
      out.push(name);
    }
  }
  if (out.length + 1 > MAX_SANS) {
    throw new CertgridError('INVALID_ARGUMENT', `sans: at most ${MAX_SANS} names per certificate`, {
      field: 'sans',
      data: { max: MAX_SANS },
    });
  }
  return out;
}

// A leading letter or digit, as the certificate profile requires (a leading "." or "-" would make
// "-/example.com" style CNs that the profile refuses at signing time).
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Empty means none. */
export function checkServiceName(input: string | undefined): string {
  if (input === undefined || input === '') return '';
  if (!SERVICE_NAME.test(input)) {
    throw new CertgridError(
      'INVALID_FORMAT',
      'The service_name parameter you have posted contains invalid characters.',
      { field: 'service_name' },
    );
  }
  return input;
}

// Letters and combining marks of any script, spaces, and . ' - (O'Brien, Jean-Luc, J. R. R.).
const FULL_NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u;

export function checkFullName(input: string | undefined): string {
  const name = (input ?? '').trim().replace(/\s+/g, ' ');
  if (name === '') {
    throw new CertgridError('MISSING_ARGUMENT', 'full_name is a required parameter.', { field: 'full_name' });
  }
  if ([...name].length > 64 || !FULL_NAME.test(name)) {
    throw new CertgridError(
      'INVALID_CHARS',
      'The full_name parameter you have posted contains invalid characters.',
      {
        field: 'full_name',
      },
    );
  }
  return name;
}

// RFC 5321 §4.1.2 dot-atom local part (ASCII only: an rfc822Name SAN is IA5String, RFC 5280 §4.2.1.6).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** The address with its domain lower-cased (the local part is case-sensitive, RFC 5321 §2.4). */
export function checkEmail(input: string | undefined): string {
  const email = (input ?? '').trim();
  if (email === '')
    throw new CertgridError('MISSING_ARGUMENT', 'email is a required parameter.', { field: 'email' });
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = at > 0 ? normalizeDnsName(email.slice(at + 1)) : null;
  if (
    at <= 0 ||
    email.length > 254 ||
    local.length > 64 ||
    !LOCAL_PART.test(local) ||
    domain === null ||
    domain.startsWith('*') ||
    !domain.includes('.')
  ) {
    throw new CertgridError(
      'INVALID_FORMAT',
      'The email parameter you have posted does not validate as a proper email address format.',
      { field: 'email' },
    );
  }
  return `${local}@${domain}`;
}

// X.520 ub-organizational-unit-name is 64; control characters have no place in a DN.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

export function checkOrgUnit(input: string | undefined): string {
  const ou = (input ?? '').trim();
  if ([...ou].length > 64 || CONTROL.test(ou)) {
    throw new CertgridError(
      'INVALID_CHARS',
      'The org_unit parameter you have posted contains invalid characters.',
      {
        field: 'org_unit',
      },
    );
  }
  return ou;
}

/** RFC 5280 Appendix A ub-common-name: the CN, service prefix included, fits in 64 characters. */
export const MAX_CN_LENGTH = 64;

/** @throws CertgridError INVALID_ARGUMENT field `common_name` when `service/name` is too long for a CN. */
export function checkCnLength(commonName: string, serviceName: string): void {
  const cn = serviceName ? `${serviceName}/${commonName}` : commonName;
  if (cn.length > MAX_CN_LENGTH) {
    throw new CertgridError(
      'INVALID_ARGUMENT',
      `common_name: at most ${MAX_CN_LENGTH} characters, the service name and "/" included`,
      { field: 'common_name', data: { max: MAX_CN_LENGTH } },
    );
  }
}

export const MAX_COMMENTS = 4000;

export function checkComments(input: string | undefined, field = 'comments'): string {
  const c = (input ?? '').trim();
  if (c.length > MAX_COMMENTS) {
    throw new CertgridError('INVALID_ARGUMENT', `${field}: at most ${MAX_COMMENTS} characters`, {
      field,
      data: { max: MAX_COMMENTS },
    });
  }
  return c;
}
