import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, T0, type Harness } from '../../helpers/grid.js';
import { opensslVerify } from '../../helpers/openssl.js';
import { storeFactories } from '../../helpers/stores.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(storeFactories)('grid client certificates on $name', (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(factory);
  });
  afterAll(async () => {
    await h.close();
  });

  it('issues at once and returns the bundle; retrieval by client id or serial gives the same', async () => {
    const a = await h.customer();
    const c = await h.certgrid.grid.requestEmailCert(a.ctx, {
      fullName: '  José   Álvarez ',
      email: 'Jose.Alvarez@EXAMPLE.org',
      csr: makeCsr({ keyType: 'rsa2048' }).pem,
      orgUnit: 'Research',
      validityYears: 3,
    });
    expect(c.clientId).toBeGreaterThan(0);
    const x = new X509Certificate(c.certificatePem);
    expect(x.serialNumber.toUpperCase()).toBe(c.serialHex);
    expect(x.subject).toBe('OU=Research\nCN=José Álvarez');
    expect(x.subjectAltName).toBe('email:Jose.Alvarez@example.org');
    expect(new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()).toBe(3 * 365 * DAY);
    expect(opensslVerify(c.certificatePem, c, new Date(T0.getTime() + DAY), 'sslclient')).toMatch(/: OK\n/);
    expect(c.pkcs7Pem).toMatch(/^-----BEGIN PKCS7-----/);
    expect(await h.certgrid.grid.retrieveEmailCert(a.ctx, { clientId: c.clientId })).toEqual(c);
    expect(await h.certgrid.grid.retrieveEmailCert(a.ctx, { serial: c.serialHex.toLowerCase() })).toEqual(c);
    await expectCode(
      h.certgrid.grid.retrieveEmailCert(a.ctx, {}),
      'SERIAL_OR_ORDER_ID_REQUIRED',
      'client_id',
    );
    await expectCode(
      h.certgrid.grid.retrieveEmailCert(a.ctx, { clientId: 424242 }),
      'NOT_FOUND',
      'client_id',
    );
    await expectCode(h.certgrid.grid.retrieveEmailCert(a.ctx, { serial: '01' }), 'NOT_FOUND', 'serial');
  });

  it.each([
    [{ fullName: '' }, 'MISSING_ARGUMENT', 'full_name'],
    [{ fullName: 'Robert<script>' }, 'INVALID_CHARS', 'full_name'],
    [{ fullName: 'R2-D2' }, 'INVALID_CHARS', 'full_name'],
    [{ fullName: 'x'.repeat(65) }, 'INVALID_CHARS', 'full_name'],
    [{ email: '' }, 'MISSING_ARGUMENT', 'email'],
    [{ email: 'no-at-sign' }, 'INVALID_FORMAT', 'email'],
    [{ email: 'a@b' }, 'INVALID_FORMAT', 'email'],
    [{ email: 'a b@example.com' }, 'INVALID_FORMAT', 'email'],
    [{ email: 'a@exa_mple.com' }, 'INVALID_FORMAT', 'email'],
    [{ csr: '' }, 'MISSING_ARGUMENT', 'csr'],
    [{ csr: 'not a csr' }, 'CSR_UNPARSEABLE', 'csr'],
    [{ validityYears: 4 }, 'INVALID_ARGUMENT', 'validity'],
    [{ validityYears: 0 }, 'INVALID_ARGUMENT', 'validity'],
    [{ hash: 'sha1' }, 'WEAK_SIGNATURE_HASH', 'hash'],
    [{ orgUnit: 'x'.repeat(65) }, 'INVALID_CHARS', 'org_unit'],
  ] as const)('refuses %o with %s', async (patch, code, field) => {
    const a = await h.customer();
    const input = { fullName: 'Ann Lee', email: 'ann@example.com', csr: makeCsr().pem, ...patch };
    await expectCode(h.certgrid.grid.requestEmailCert(a.ctx, input as never), code, field);
  });

  it('refuses weak CSR keys with their own codes', async () => {
    const a = await h.customer();
    await expectCode(
      h.certgrid.grid.requestEmailCert(a.ctx, {
        fullName: 'Ann Lee',
        email: 'ann@example.com',
        csr: makeCsr({ keyType: 'rsa1024' }).pem,
      }),
      'CSR_KEY_TOO_WEAK',
      'csr',
    );
  });
});
