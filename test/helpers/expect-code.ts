import { expect } from 'vitest';
import { CertgridError, type ErrorCode } from '../../src/core/errors.js';

/** Awaits a rejection and checks its CertgridError code and field; returns the error. */
export async function expectCode(
  p: Promise<unknown>,
  code: ErrorCode,
  field?: string,
): Promise<CertgridError> {
  const e = await p.then(
    () => new Error(`expected ${code}, got success`),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CertgridError);
  const ce = e as CertgridError;
  expect({ code: ce.code, field: ce.field }).toEqual({ code, field });
  return ce;
}
