/**
 * Certs-only PKCS#7 / CMS: a degenerate SignedData with no signers (RFC 2315 §9.1; RFC 5652 §5),
 * the "p7b" bundle clients download a chain as.
 */
import {
  TAG,
  explicit,
  implicitConstructed,
  integerFromNumber,
  oid,
  readRoot,
  sequence,
  set,
} from './der.js';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_DATA = '1.2.840.113549.1.7.1';

/**
 * ContentInfo { signedData, [0] SignedData { version 1, digestAlgorithms {}, contentInfo { data },
 * certificates [0] IMPLICIT, signerInfos {} } }. Certificates keep the caller's order (leaf
 * first): like OpenSSL, we do not sort this SET OF, since readers present certificates in order.
 * @throws CertgridError('INVALID_FORMAT') when an element is not a DER SEQUENCE.
 */
export function buildCertsOnlyPkcs7(certsDer: readonly Buffer[]): Buffer {
  for (const der of certsDer) readRoot(der, TAG.SEQUENCE);
  const parts: Buffer[] = [integerFromNumber(1), set(), sequence(oid(ID_DATA))];
  if (certsDer.length > 0) parts.push(implicitConstructed(0, certsDer));
  parts.push(set());
  return sequence(oid(ID_SIGNED_DATA), explicit(0, sequence(...parts)));
}
