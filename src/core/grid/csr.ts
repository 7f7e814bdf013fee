import { checkCsr, parseCsr, type ParsedCsr, type WeakKeyChecker } from '../ca/csr/index.js';
import { CertgridError } from '../errors.js';

/**
 * Parses and checks a CSR; its own CSR_* code on any problem, with field `csr` when the CSR module
 * gave none.
 * @throws CertgridError MISSING_ARGUMENT field `csr` when absent.
 */
export function acceptCsr(input: string | Buffer | undefined, weakKeys: WeakKeyChecker): ParsedCsr {
  if (input === undefined || input.length === 0 || (typeof input === 'string' && input.trim() === '')) {
    throw new CertgridError('MISSING_ARGUMENT', 'csr is a required parameter.', { field: 'csr' });
  }
  try {
    const csr = parseCsr(input);
    checkCsr(csr, { weakKeys });
    return csr;
  } catch (e) {
    if (CertgridError.is(e) && e.field === undefined) {
      throw new CertgridError(e.code, e.message, { field: 'csr', data: e.data });
    }
    throw e;
  }
}
