/**
 * PEM (RFC 7468) encoding and decoding. Normalise PEM to DER once at the edge.
 */
import { CertgridError } from '../errors.js';

/** DER → PEM with 64-character base64 lines and a trailing newline (RFC 7468 §2). */
export function toPem(der: Uint8Array, label: string): string {
  if (!/^[\x21-\x2c\x2e-\x7e]+(?:[ -][\x21-\x2c\x2e-\x7e]+)*$/.test(label)) {
    throw new TypeError('toPem: invalid label');
  }
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([^-\r\n]+)-----([\s\S]*?)-----END \1-----/g;

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

function decodeBody(body: string, label: string): Buffer {
  // RFC 7468 §3 lax parsing: any whitespace (CR, LF, tabs, spaces) between base64 characters.
  // Encapsulated headers (RFC 1421 "Proc-Type:" ...) are not base64 and are rejected here.
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new CertgridError('INVALID_FORMAT', `The PEM block "${label}" does not contain valid base64.`);
  }
  return Buffer.from(compact, 'base64');
}

/** Every PEM block in `text`, in order, whatever its label. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1] as string;
    out.push({ label, der: decodeBody(m[2] as string, label) });
  }
  return out;
}

/**
 * The DER inside the first PEM block of `text` (with that label, when given).
 * Tolerates CRLF, indentation and text around the block.
 * @throws CertgridError('INVALID_FORMAT') when there is no such block or its base64 is bad.
 */
export function pemToDer(text: string, label?: string): Buffer {
  for (const m of text.matchAll(BLOCK)) {
    const found = m[1] as string;
    if (label === undefined || found === label) return decodeBody(m[2] as string, found);
  }
  throw new CertgridError(
    'INVALID_FORMAT',
    label ? `No PEM block labelled "${label}".` : 'No PEM block found.',
  );
}

/** Every CERTIFICATE in a PEM bundle, in order (other blocks are skipped). */
export function certsFromPemBundle(text: string): Buffer[] {
  return pemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE')
    .map((b) => b.der);
}
