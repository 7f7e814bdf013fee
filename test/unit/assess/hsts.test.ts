import { describe, expect, it } from 'vitest';
import { LONG_MAX_AGE, parseHsts } from '../../../src/core/assess/hsts.js';

describe('HSTS policy (RFC 6797 §6.1)', () => {
  it('tells unknown (no HTTP answer) from absent (no header)', () => {
    expect(parseHsts(undefined).status).toBe('unknown');
    expect(parseHsts(null)).toMatchObject({ status: 'absent', header: null, maxAge: null });
  });

  it('reads max-age, includeSubDomains and preload, case-insensitively and quoted', () => {
    expect(parseHsts('max-age=31536000; includeSubDomains; preload')).toEqual({
      LONG_MAX_AGE,
      header: 'max-age=31536000; includeSubDomains; preload',
      status: 'present',
      error: null,
      maxAge: 31536000,
      includeSubDomains: true,
      preload: true,
    });
    expect(parseHsts('MAX-AGE="600"')).toMatchObject({
      status: 'present',
      maxAge: 600,
      includeSubDomains: false,
    });
  });

  it('max-age=0 disables the policy', () => {
    expect(parseHsts('max-age=0').status).toBe('disabled');
  });

  it('refuses headers without a numeric max-age or with a repeated directive', () => {
    expect(parseHsts('includeSubDomains')).toMatchObject({
      status: 'invalid',
      error: 'max-age directive missing',
    });
    expect(parseHsts('max-age=abc')).toMatchObject({ status: 'invalid', error: 'max-age is not a number' });
    expect(parseHsts('max-age=1; max-age=2')).toMatchObject({
      status: 'invalid',
      error: 'directive max-age repeated',
    });
  });

  it('uses 180 days as the long max-age', () => {
    expect(LONG_MAX_AGE).toBe(180 * 86_400);
  });
});
