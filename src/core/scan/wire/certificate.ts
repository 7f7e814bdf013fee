/**
 * The Certificate handshake message: TLS ≤ 1.2 form (RFC 5246 §7.4.2, RFC 6101 §5.6.2), a list of
 * DER certificates, and the TLS 1.3 form (RFC 8446 §4.4.2) with a request context and per-entry
 * extensions. Only the ≤ 1.2 form is ever seen in plaintext by a scanner; the 1.3 form is here for
 * callers that decrypt, and for tests.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { HANDSHAKE_TYPE } from './constants.js';
import { readExtensions, writeExtensions, type Extension } from './extensions.js';
import { encodeHandshake } from './handshake.js';

export interface CertificateEntry {
  /** One DER-encoded certificate (or raw public key, RFC 7250), as sent. */
  readonly der: Uint8Array;
  /** TLS 1.3 per-entry extensions (status_request, signed_certificate_timestamp …); [] before 1.3. */
  readonly extensions: readonly Extension[];
}

export interface CertificateMessage {
  /** TLS 1.3 certificate_request_context; null in the ≤ 1.2 form. */
  readonly requestContext: Uint8Array | null;
  readonly entries: readonly CertificateEntry[];
  /** The DER certificates in the order sent (sender's first). */
  readonly certs: readonly Uint8Array[];
}

export interface CertificateFormat {
  /** Parse or build the TLS 1.3 form. */
  readonly tls13?: boolean;
}

/** Parse a Certificate body. An empty list is valid (a client with no certificate); empty entries are not. */
export function parseCertificate(body: Uint8Array, format: CertificateFormat = {}): CertificateMessage {
  const r = new ByteReader(body, 'Certificate');
  const requestContext = format.tls13 ? r.vector(1, 'certificate_request_context') : null;
  const list = r.sub(3, 'certificate_list');
  r.end();
  const entries: CertificateEntry[] = [];
  while (!list.atEnd()) {
    const der = list.vector(3, 'cert_data', 1);
    const extensions = format.tls13 ? readExtensions(list, 'CertificateEntry') : [];
    entries.push({ der, extensions });
  }
  return { requestContext, entries, certs: entries.map((e) => e.der) };
}

export interface CertificateSpec extends CertificateFormat {
  readonly certs: readonly Uint8Array[];
  /** TLS 1.3 only. */
  readonly requestContext?: Uint8Array;
  /** TLS 1.3 only: extensions per certificate, by index. */
  readonly entryExtensions?: readonly (readonly Extension[])[];
}

/** The Certificate handshake message, ≤ 1.2 form unless `tls13`. */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const w = new ByteWriter();
  if (spec.tls13) w.vector(1, spec.requestContext ?? new Uint8Array(0));
  w.prefixed(3, () =>
    spec.certs.forEach((der, i) => {
      w.vector(3, der);
      if (spec.tls13) writeExtensions(w, spec.entryExtensions?.[i] ?? []);
    }),
  );
  return encodeHandshake(HANDSHAKE_TYPE.certificate, w.finish());
}
