/**
 * certgrid's certificate authority: the public door of core/ca.
 *
 * Issuance is prepare → lint → issue: `prepareCertificate` returns a single-use token that
 * only `issueCertificate` can redeem, and only `issueCertificate` touches the CA key.
 */
import { createHash } from 'node:crypto';

export { generateCaKeyPair, signatureAlgorithmFor } from './algorithms.js';
export type { CaKeyPair, SignatureAlgorithm } from './algorithms.js';
export { buildCrl } from './crl.js';
export type { BuildCrlOptions } from './crl.js';
export { createCaHierarchy, loadCa, ISSUING_CA_ID, ROOT_CA_ID } from './hierarchy.js';
export type { CreateCaHierarchyOptions, LoadCaOptions } from './hierarchy.js';
export { issueCertificate, prepareCertificate, PreparedCertificate } from './issue.js';
export { decryptPrivateKeyPem, encryptPrivateKeyPem, writeSecretFile } from './key-store.js';
export { LINT_RULES, runLints } from './lints/index.js';
export type { LintFailure, LintRule, LintSubject } from './lints/index.js';
export {
  MAX_CERT_IDS,
  OCSP_RESPONSE_STATUS,
  ocspErrorResponse,
  ocspResponseStatus,
  ocspStatusName,
  parseOcspRequest,
  respondOcsp,
} from './ocsp.js';
export type { OcspCertId, OcspResponseStatus, ParsedOcspRequest, RespondOcspOptions } from './ocsp.js';
export { certsFromPemBundle, pemToDer, toPem } from './pem.js';
export { buildCertsOnlyPkcs7 } from './pkcs7.js';
export { newSerialHex, normalizeSerialHex } from './serial.js';
export * from './types.js';

/** A certificate's identity in certgrid: lowercase hex SHA-256 of its DER. */
export function certhashOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}
