import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostCertRequestInput } from '../../../src/core/grid/types.js';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, type Customer, type Harness } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

describe.each(storeFactories)('grid host request validation on $name', (factory) => {
  let h: Harness;
  let a: Customer;
  let csr: string;
  beforeAll(async () => {
    h = await openHarness(factory);
    a = await h.customer();
    csr = makeCsr({ cn: 'x', dnsNames: ['from-csr.example.com'] }).pem;
  });
  afterAll(async () => {
    await h.close();
  });

  const request = (patch: Partial<HostCertRequestInput>) =>
    h.certgrid.grid.requestHostCert(a.ctx, { commonName: 'ok.example.com', csr, ...patch });

  it.each([
    [{ commonName: '' }, 'MISSING_ARGUMENT', 'common_name'],
    [{ commonName: 'bad name.example.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: 'under_score.example.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: '-lead.example.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: 'a..example.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: 'foo.*.example.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: '10.0.0.1' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: `${'a'.repeat(64)}.example.com` }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: `${'abcdefghi.'.repeat(25)}example.com` }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: 'bücher.example' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: '*.com' }, 'INVALID_CHARS', 'common_name'],
    [{ commonName: `${'a'.repeat(60)}.example.com` }, 'INVALID_ARGUMENT', 'common_name'],
    [{ commonName: `${'a'.repeat(50)}.com`, serviceName: 'service-name' }, 'INVALID_ARGUMENT', 'common_name'],
    [{ sans: ['ok.example.org', 'bad!.example.org'] }, 'INVALID_CHARS', 'sans'],
    [{ sans: ['*.org'] }, 'INVALID_CHARS', 'sans'],
    [{ serviceName: '-sams' }, 'INVALID_FORMAT', 'service_name'],
    [{ orgUnit: 'bad\ufffd' }, 'INVALID_CHARS', 'org_unit'],
    [{ sans: Array.from({ length: 100 }, (_, i) => `h${i}.example.com`) }, 'INVALID_ARGUMENT', 'sans'],
    [{ serviceName: 'sams/x' }, 'INVALID_FORMAT', 'service_name'],
    [{ serviceName: 'x'.repeat(65) }, 'INVALID_FORMAT', 'service_name'],
    [{ csr: '' }, 'MISSING_ARGUMENT', 'csr'],
    [
      { csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----' },
      'CSR_UNPARSEABLE',
      'csr',
    ],
    [{ validityYears: 0 }, 'INVALID_ARGUMENT', 'validity'],
    // The host lint ceiling is 825 days: at most 2 whole years, whatever the configuration allows.
    [{ validityYears: 3 }, 'INVALID_ARGUMENT', 'validity'],
    [{ validityYears: 1.5 }, 'INVALID_ARGUMENT', 'validity'],
    [{ hash: 'sha1' as never }, 'WEAK_SIGNATURE_HASH', 'hash'],
    [{ hash: 'md4' as never }, 'INVALID_ARGUMENT', 'hash'],
    [{ serverType: Number.NaN }, 'INVALID_ARGUMENT', 'server_type'],
    [{ comments: 'x'.repeat(4001) }, 'INVALID_ARGUMENT', 'comments'],
  ] as const)('refuses %o with %s', async (patch, code, field) => {
    await expectCode(request(patch as Partial<HostCertRequestInput>), code, field);
  });

  it('refuses a CSR whose own SANs are invalid when sans is not given', async () => {
    const bad = makeCsr({ dnsNames: ['ok.example.com', 'bad_name.example.com'] }).pem;
    const e = await expectCode(request({ csr: bad }), 'INVALID_CHARS', 'sans');
    expect(e.message).toMatch(/CSR/);
    // Explicit sans win over the CSR's.
    expect((await request({ csr: bad, sans: ['good.example.com'] })).requestId).toBeGreaterThan(0);
  });

  it('accepts (and the CA then signs) wildcards, single-label names, unknown server types and no SANs', async () => {
    const approver = await a.otherUser();
    for (const patch of [
      { commonName: '*.example.com' },
      { commonName: 'localhost', sans: [] },
      { commonName: 'Trailing-Case.Example.COM', serverType: 999 },
      { sans: ['', '  '] },
      { commonName: `${'a'.repeat(48)}.example.com`, serviceName: 'x', orgUnit: 'Ünits & Co' },
    ]) {
      const { requestId } = await request(patch);
      const { orderId } = await h.certgrid.grid.approveRequest(approver.ctx, { requestId });
      expect(orderId).toBeGreaterThan(0);
    }
    // Approved requests are no longer pending; queue fresh ones to look at their views.
    for (const patch of [
      { commonName: '*.example.com' },
      { commonName: 'localhost', sans: [] },
      { commonName: 'Trailing-Case.Example.COM', serverType: 999 },
      { sans: ['', '  '] },
    ]) {
      expect((await request(patch)).requestId).toBeGreaterThan(0);
    }
    const views = await h.certgrid.grid.listPendingRequests(a.ctx);
    expect(views.map((v) => [v.commonName, v.sans, v.serverType])).toEqual(
      expect.arrayContaining([
        ['*.example.com', ['from-csr.example.com'], 'OTHER'],
        ['localhost', [], 'OTHER'],
        ['trailing-case.example.com', ['from-csr.example.com'], 'OTHER'],
        ['ok.example.com', [], 'OTHER'],
      ]),
    );
  });
});
