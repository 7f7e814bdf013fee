/**
 * CSR intake for certgrid's CA: parse a PKCS#10 request from whatever a client sends, then decide
 * whether its key may be certified.
 *
 * @example
 * const weakKeys = createWeakKeyChecker({ debianBlocklists: config.debianBlocklists });
 * const csr = parseCsr(body.csr); // CSR_UNPARSEABLE
 * checkCsr(csr, { weakKeys }); // CSR_KEY_TYPE_DSA, CSR_KEY_TYPE_UNSUPPORTED, CSR_BAD_SIGNATURE,
 * //                             CSR_KEY_TOO_WEAK, CSR_KEY_SIZE_UNSUPPORTED, CSR_KEY_KNOWN_WEAK
 */
export { parseCsr, parseDn } from './parse-csr.js';
export type { CsrKey, CsrSubject, ParsedCsr, PssParams } from './parse-csr.js';
export { ACCEPTED_CURVES, RSA_BITS_STEP, RSA_MAX_BITS, RSA_MIN_BITS, checkCsr } from './check-csr.js';
export type { CheckCsrOptions } from './check-csr.js';
export { createWeakKeyChecker, debianFingerprint, loadDebianBlocklist } from './weak-keys.js';
export type { WeakKeyChecker, WeakKeyCheckerOptions } from './weak-keys.js';
