/**
 * What the public PKI endpoints (/crl, /ocsp, /ca) need from the CA.
 * Implemented by the certificate authority service; consumed by api/pki.
 */
export interface PkiPublisher {
  /** Current DER CRL of a CA by id (`root`, `issuing-1`), regenerated when due; null if no such CA. */
  crl(caId: string): Promise<Buffer | null>;
  /** DER OCSPResponse for a DER OCSPRequest (malformedRequest for garbage, never throws for bad input). */
  ocsp(requestDer: Buffer): Promise<Buffer>;
  /** DER certificate of a CA by id, null if no such CA. */
  caCertificate(caId: string): Promise<Buffer | null>;
}
