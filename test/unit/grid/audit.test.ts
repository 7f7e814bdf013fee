import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../helpers/expect-code.js';
import { makeCsr } from '../../helpers/csr.js';
import { openHarness, T0, type Harness } from '../../helpers/grid.js';
import { storeFactories } from '../../helpers/stores.js';

const MIN = 60 * 1000;

describe.each(storeFactories)('grid audit events on $name', (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(factory);
  });
  afterAll(async () => {
    await h.close();
  });

  it('records one event per call, successful or failed, in the spec style, newest first', async () => {
    h.clock.set(T0);
    const a = await h.customer();
    const g = h.certgrid.grid;
    const tick = () => h.clock.advance(MIN);
    const { requestId } = await g.requestHostCert(a.ctx, {
      commonName: 'example.com',
      sans: ['a.example.com'],
      csr: makeCsr().pem,
    });
    tick();
    await expectCode(
      g.requestHostCert(a.ctx, { commonName: '', csr: makeCsr().pem }),
      'MISSING_ARGUMENT',
      'common_name',
    );
    tick();
    await g.listPendingRequests(a.ctx);
    tick();
    const { orderId } = await g.approveRequest(a.ctx, { requestId });
    tick();
    await g.retrieveHostCert(a.ctx, { orderId });
    tick();
    await g.certificateDetails(a.ctx, { orderId });
    tick();
    const rev = await g.requestHostRevoke(a.ctx, { orderId });
    tick();
    await g.rejectRequest(a.ctx, { requestId: rev.requestId, comments: 'keep it' });
    tick();
    const c = await g.requestEmailCert(a.ctx, {
      fullName: 'Ann Lee',
      email: 'ann@example.com',
      csr: makeCsr().pem,
    });
    tick();
    await g.retrieveEmailCert(a.ctx, { clientId: c.clientId });
    tick();
    await g.revokeEmailCert(a.ctx, { clientId: c.clientId });
    tick();
    await expectCode(g.retrieveEmailCert(a.ctx, { clientId: c.clientId }), 'CERT_REVOKED');
    tick();

    const log = await g.retrieveLogs(a.ctx, {});
    expect(log.map((e) => [e.event, e.status])).toEqual([
      ['retrieve client certificate', 'failed'],
      ['revoke client certificate', 'successful'],
      ['retrieve client certificate', 'successful'],
      ['request client certificate', 'successful'],
      ['reject request', 'successful'],
      ['revoke request', 'successful'],
      ['certificate details', 'successful'],
      ['retrieve certificate', 'successful'],
      ['approve request', 'successful'],
      ['list requests', 'successful'],
      ['make request', 'failed'],
      ['make request', 'successful'],
    ]);
    const made = log[log.length - 1];
    expect(made).toEqual({
      dateTime: T0,
      userId: a.principal.userId,
      userName: a.principal.userName,
      ipAddress: '192.0.2.10',
      ipCountry: '',
      status: 'successful',
      event: 'make request',
      message: 'Certificate for names: example.com, a.example.com, Years: 1',
    });
    expect(log.find((e) => e.event === 'approve request')?.message).toBe(
      'Certificate with common names: example.com, a.example.com',
    );
    expect(log.find((e) => e.event === 'make request' && e.status === 'failed')?.message).toBe(
      'common_name is a required parameter.',
    );
    expect(log[0]?.message).toBe('The certificate has been revoked and is no longer available.');

    // retrieve logs is itself logged, after its query.
    const again = await g.retrieveLogs(a.ctx, { limit: 1 });
    expect(again).toHaveLength(1);
    expect(again[0]?.event).toBe('retrieve logs');
    expect(again[0]?.message).toBe(`Log entries: ${log.length}`);
  });

  it('filters logs by every criterion the spec names', async () => {
    h.clock.set(new Date(T0.getTime() + 1000 * MIN));
    const a = await h.customer();
    const other = await a.otherUser();
    const g = h.certgrid.grid;
    const start = h.clock.now();
    await g.requestHostCert(a.ctx, { commonName: 'one.example.com', csr: makeCsr().pem });
    h.clock.advance(MIN);
    await g.listPendingRequests({ ...other.ctx, ip: '198.51.100.7', origin: 'ui' });
    h.clock.advance(MIN);
    await expectCode(g.retrieveHostCert(a.ctx, {}), 'SERIAL_OR_ORDER_ID_REQUIRED', 'order_id');
    h.clock.advance(MIN);

    const q = (f: Parameters<typeof g.retrieveLogs>[1]) =>
      g.retrieveLogs(a.ctx, f).then((l) => l.filter((e) => e.event !== 'retrieve logs').map((e) => e.event));
    expect(await q({ eventUserId: other.principal.userId })).toEqual(['list requests']);
    expect(await q({ ipAddress: '198.51.100.7' })).toEqual(['list requests']);
    expect(await q({ origin: 'ui' })).toEqual(['list requests']);
    expect(await q({ status: 'failed' })).toEqual(['retrieve certificate']);
    expect(await q({ event: 'Make Request' })).toEqual(['make request']);
    expect(await q({ dateStart: new Date(start.getTime() + MIN) })).toEqual([
      'retrieve certificate',
      'list requests',
    ]);
    expect(await q({ dateEnd: new Date(start.getTime() + MIN) })).toEqual(['make request']);
    expect(
      await q({ dateStart: start, dateEnd: new Date(start.getTime() + 2 * MIN), status: 'successful' }),
    ).toEqual(['list requests', 'make request']);
  });

  it('records failed logins in the named account without the key, and refuses them', async () => {
    const a = await h.customer();
    const caller = { ip: '203.0.113.9', origin: 'api' as const };
    await expectCode(h.certgrid.grid.authenticate(a.name, 'wrong-key-123', caller), 'AUTH_FAILED');
    await expectCode(h.certgrid.grid.authenticate('no-such-customer', a.apiKey, caller), 'AUTH_FAILED');
    // A valid key of another account does not open this one.
    const b = await h.customer();
    await expectCode(h.certgrid.grid.authenticate(a.name, b.apiKey, caller), 'AUTH_FAILED');
    const logins = await h.certgrid.grid.retrieveLogs(a.ctx, { event: 'login' });
    expect(logins).toHaveLength(2);
    for (const e of logins) {
      expect(e).toMatchObject({ status: 'failed', userId: null, ipAddress: '203.0.113.9' });
      expect(e.message).not.toContain('wrong-key-123');
      expect(e.message).not.toContain(b.apiKey);
    }
    // Failures before a use case (bad parameters, unknown action) are recorded through the service.
    await h.certgrid.grid.recordFailure(caller, a.principal, 'unknown action', 'Unknown action grid_nope');
    expect((await h.certgrid.grid.retrieveLogs(a.ctx, { event: 'unknown action' }))[0]).toMatchObject({
      status: 'failed',
      message: 'Unknown action grid_nope',
      userId: a.principal.userId,
    });
  });
});
