import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/core/audit/index.js';
import { createWeakKeyChecker, type WeakKeyChecker } from '../../../src/core/ca/csr/index.js';
import { CertgridError } from '../../../src/core/errors.js';
import { createGridService } from '../../../src/core/grid/index.js';
import type { Random } from '../../../src/core/deps.js';
import { createRepositories } from '../../../src/store/repos/index.js';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, type Harness } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

/** Random bytes, except that 16-byte draws (serials) come from a script while it lasts. */
function scriptedRandom(): Random & { script: Buffer[] } {
  const script: Buffer[] = [];
  return {
    script,
    bytes: (n) => (n === 16 && script.length > 0 ? Buffer.from(script.shift() as Buffer) : randomBytes(n)),
  };
}

describe.each(storeFactories)('grid issuance on $name', (factory) => {
  let h: Harness;
  const random = scriptedRandom();
  beforeAll(async () => {
    h = await openHarness(factory, { random });
  });
  afterAll(async () => {
    await h.close();
  });

  const clientInput = () => ({ fullName: 'Ann Lee', email: 'ann@example.com', csr: makeCsr().pem });

  it('concurrent issuances (one group commit on SQLite) each get the id of their own certificate', async () => {
    const a = await h.customer();
    const names = ['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Di Eze', 'Ed Fox', 'Flo Gray', 'Gus Hale', 'Hal Ito'];
    const issued = await Promise.all(
      names.map((fullName, i) =>
        h.certgrid.grid.requestEmailCert(a.ctx, { fullName, email: `u${i}@example.com`, csr: makeCsr().pem }),
      ),
    );
    expect(new Set(issued.map((c) => c.clientId)).size).toBe(names.length);
    for (const c of issued) {
      const again = await h.certgrid.grid.retrieveEmailCert(a.ctx, { clientId: c.clientId });
      expect(again.serialHex).toBe(c.serialHex);
      expect(again.certificatePem).toBe(c.certificatePem);
    }
  });

  it('retries with a fresh serial when the database reports a collision', async () => {
    const a = await h.customer();
    const fixed = Buffer.from('11223344556677889900aabbccddeeff', 'hex');
    random.script.push(fixed, fixed);
    const first = await h.certgrid.grid.requestEmailCert(a.ctx, clientInput());
    expect(first.serialHex).toBe('11223344556677889900AABBCCDDEEFF');
    // The second draw repeats the serial: the unique constraint refuses it, a fresh one is drawn.
    const second = await h.certgrid.grid.requestEmailCert(a.ctx, clientInput());
    expect(second.serialHex).not.toBe(first.serialHex);
    expect(random.script).toHaveLength(0);

    // Same for host certificates issued at approval.
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'r.example.com',
      csr: makeCsr().pem,
    });
    random.script.push(fixed);
    const { orderId } = await h.certgrid.grid.approveRequest(a.ctx, { requestId });
    expect((await h.certgrid.grid.retrieveHostCert(a.ctx, { orderId })).serialHex).not.toBe(first.serialHex);
  });

  it('gives up after three colliding serials, records the failure and changes nothing', async () => {
    const a = await h.customer();
    const fixed = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
    random.script.push(fixed);
    await h.certgrid.grid.requestEmailCert(a.ctx, clientInput());
    random.script.push(fixed, fixed, fixed);
    const e = await expectCode(h.certgrid.grid.requestEmailCert(a.ctx, clientInput()), 'INTERNAL');
    expect(e.message).toMatch(/3 attempts/);
    const [last] = await h.certgrid.grid.retrieveLogs(a.ctx, { limit: 1 });
    expect(last).toMatchObject({ event: 'request client certificate', status: 'failed' });

    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'g.example.com',
      csr: makeCsr().pem,
    });
    random.script.push(fixed, fixed, fixed);
    await expectCode(h.certgrid.grid.approveRequest(a.ctx, { requestId }), 'INTERNAL');
    // The request is still pending: the failed transaction left no order and no decision.
    expect((await h.certgrid.grid.listPendingRequests(a.ctx)).map((r) => r.requestId)).toEqual([requestId]);
    expect((await h.certgrid.grid.approveRequest(a.ctx, { requestId })).orderId).toBeGreaterThan(0);
  });

  it('lets exactly one of two concurrent approvals win', async () => {
    const a = await h.customer();
    const other = await a.otherUser();
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: 'race.example.com',
      csr: makeCsr().pem,
    });
    const results = await Promise.allSettled([
      h.certgrid.grid.approveRequest(a.ctx, { requestId }),
      h.certgrid.grid.approveRequest(other.ctx, { requestId }),
      h.certgrid.grid.rejectRequest(other.ctx, { requestId, comments: 'no' }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(CertgridError.is(r.reason, 'REQUEST_NOT_PENDING')).toBe(true);
    }
  });

  it('issues wildcard host certificates', async () => {
    const a = await h.customer();
    const { requestId } = await h.certgrid.grid.requestHostCert(a.ctx, {
      commonName: '*.wild.example.com',
      sans: ['wild.example.com'],
      csr: makeCsr().pem,
    });
    const { orderId } = await h.certgrid.grid.approveRequest(a.ctx, { requestId });
    const d = await h.certgrid.grid.certificateDetails(a.ctx, { orderId });
    expect(d).toMatchObject({ commonName: '*.wild.example.com', sans: ['wild.example.com'] });
  });

  it('re-checks the CSR at approval (a key found weak after the request is refused)', async () => {
    let blocked = false;
    const toggled: WeakKeyChecker = {
      check(key, spki) {
        if (blocked) {
          throw new CertgridError('CSR_KEY_KNOWN_WEAK', 'Newly blocklisted key.');
        }
        createWeakKeyChecker().check(key, spki);
      },
    };
    const repos = createRepositories(h.store.db, h.store.dialect);
    const grid = createGridService({
      repo: repos.grid,
      ca: h.certgrid.ca,
      accounts: h.certgrid.accounts,
      audit: createAuditLog({ repo: repos.audit, clock: h.clock }),
      clock: h.clock,
      weakKeys: toggled,
      config: { defaultValidityYears: 1, maxValidityYears: 3 },
    });
    const a = await h.customer();
    const { requestId } = await grid.requestHostCert(a.ctx, {
      commonName: 'weak.example.com',
      csr: makeCsr().pem,
    });
    blocked = true;
    await expectCode(grid.approveRequest(a.ctx, { requestId }), 'CSR_KEY_KNOWN_WEAK', 'csr');
    expect((await grid.listPendingRequests(a.ctx)).map((r) => r.requestId)).toEqual([requestId]);
  });
});
