/**
 * The TLS 1.3 messages between ServerHello and the server's Certificate, as they come out of the
 * encrypted handshake: EncryptedExtensions (RFC 8446 §4.3.1) and Certificate (§4.4.2), whose
 * certificate_list keeps the order the server sent.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { readExtensions, writeExtensions, type Extension } from './extensions.js';

/** One CertificateEntry of an X.509 certificate_list. */
export interface Tls13CertificateEntry {
  readonly certData: Uint8Array;
  /** Per-certificate extensions (OCSP status, SCTs); raw. */
  readonly extensions: readonly Extension[];
}

export interface Tls13Certificate {
  /** Empty in a server's Certificate (non-empty only in answer to a post-handshake request). */
  readonly requestContext: Uint8Array;
  readonly entries: readonly Tls13CertificateEntry[];
}

/** Parse a TLS 1.3 Certificate body. Throws `WireFormatError` on anything that does not decode exactly. */
export function parseTls13Certificate(body: Uint8Array): Tls13Certificate {
  const r = new ByteReader(body, 'Certificate');
  const requestContext = r.vector(1, 'certificate_request_context');
  const list = r.sub(3, 'certificate_list');
  r.end();
  const entries: Tls13CertificateEntry[] = [];
  while (!list.atEnd()) {
    const certData = list.vector(3, 'cert_data', 1);
    entries.push({ certData, extensions: readExtensions(list, 'CertificateEntry') });
  }
  return { requestContext, entries };
}

/** A TLS 1.3 Certificate body (X.509 entries) for test servers. */
export function encodeTls13Certificate(certificate: Tls13Certificate): Uint8Array {
  const w = new ByteWriter().vector(1, certificate.requestContext);
  w.prefixed(3, () =>
    certificate.entries.forEach((e) => {
      w.vector(3, e.certData);
      writeExtensions(w, e.extensions);
    }),
  );
  return w.finish();
}

/** Parse an EncryptedExtensions body: its extension block and nothing else. */
export function parseEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new ByteReader(body, 'EncryptedExtensions');
  const extensions = readExtensions(r, 'EncryptedExtensions');
  r.end();
  return extensions;
}
