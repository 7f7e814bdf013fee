import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, type Harness } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

describe.each(storeFactories)('grid account isolation on $name', (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(factory);
  });
  afterAll(async () => {
    await h.close();
  });

  it("account B can neither see nor act on account A's requests, orders and logs", async () => {
    const a = await h.customer();
    const b = await h.customer();
    const g = h.certgrid.grid;
    const pendingIssue = await g.requestHostCert(a.ctx, { commonName: 'a.example.com', csr: makeCsr().pem });
    const toApprove = await g.requestHostCert(a.ctx, { commonName: 'a2.example.com', csr: makeCsr().pem });
    const { orderId } = await g.approveRequest(a.ctx, toApprove);
    const host = await g.retrieveHostCert(a.ctx, { orderId });
    const client = await g.requestEmailCert(a.ctx, {
      fullName: 'Ann Lee',
      email: 'ann@a.example',
      csr: makeCsr().pem,
    });

    expect(await g.listPendingRequests(b.ctx)).toEqual([]);
    await expectCode(g.approveRequest(b.ctx, pendingIssue), 'NOT_FOUND', 'request_id');
    await expectCode(g.rejectRequest(b.ctx, { ...pendingIssue, comments: 'x' }), 'NOT_FOUND', 'request_id');
    await expectCode(g.retrieveHostCert(b.ctx, { orderId }), 'NOT_FOUND', 'order_id');
    await expectCode(g.retrieveHostCert(b.ctx, { serial: host.serialHex }), 'NOT_FOUND', 'serial');
    await expectCode(g.certificateDetails(b.ctx, { orderId }), 'NOT_FOUND', 'order_id');
    await expectCode(g.certificateDetails(b.ctx, { serial: host.serialHex }), 'NOT_FOUND', 'serial');
    await expectCode(g.requestHostRevoke(b.ctx, { orderId }), 'NOT_FOUND', 'order_id');
    await expectCode(g.requestHostRevoke(b.ctx, { serial: host.serialHex }), 'NOT_FOUND', 'serial');
    await expectCode(g.retrieveEmailCert(b.ctx, { clientId: client.clientId }), 'NOT_FOUND', 'client_id');
    await expectCode(g.retrieveEmailCert(b.ctx, { serial: client.serialHex }), 'NOT_FOUND', 'serial');
    await expectCode(g.revokeEmailCert(b.ctx, { clientId: client.clientId }), 'NOT_FOUND', 'client_id');

    // A revocation request of A's is invisible to B as well.
    const rev = await g.requestHostRevoke(a.ctx, { orderId });
    await expectCode(g.approveRequest(b.ctx, rev), 'NOT_FOUND', 'request_id');

    // Nothing B did shows in A's log, and none of A's events in B's.
    const aLog = await g.retrieveLogs(a.ctx, {});
    const bLog = await g.retrieveLogs(b.ctx, {});
    expect(aLog.every((e) => e.userId === a.principal.userId)).toBe(true);
    expect(bLog.every((e) => e.userId === b.principal.userId)).toBe(true);
    expect(bLog.filter((e) => e.status === 'failed')).toHaveLength(12);

    // A's state is untouched.
    expect((await g.listPendingRequests(a.ctx)).map((r) => r.requestId).sort()).toEqual(
      [pendingIssue.requestId, rev.requestId].sort(),
    );
    expect((await g.retrieveEmailCert(a.ctx, { clientId: client.clientId })).clientId).toBe(client.clientId);
  });
});
