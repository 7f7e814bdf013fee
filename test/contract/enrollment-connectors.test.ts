import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { createWeakKeyChecker, parseCsr } from '../../src/core/ca/csr/index.js';
import { silentLogger } from '../../src/core/deps.js';
import {
  createBuiltinConnector,
  createEnrollment,
  type CaConnector,
  type Enrollment,
  type OrderContext,
  type OrderInput,
} from '../../src/core/enrollment/index.js';
import { createRepositories } from '../../src/store/repos/index.js';
import { startCertviewStack, type CertviewStack } from '../helpers/certview.js';
import { makeCsr } from '../helpers/csr.js';
import { storeFactories } from '../helpers/stores.js';

/**
 * The CA connector seam: certgrid's CA behind it (submit, status, revoke reach the real CA, its CRL and
 * the Grid orders), and the order logic with a CA that answers later, as an external CA would.
 */
describe.each(storeFactories)('CA connectors on $name', (factory) => {
  let s: CertviewStack;
  let builtin: CaConnector;
  let ctx: OrderContext;
  let input: OrderInput;

  beforeAll(async () => {
    s = await startCertviewStack(factory);
    await s.certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid' });
    const repos = createRepositories(s.store.db, s.store.dialect);
    builtin = createBuiltinConnector({
      ca: s.certgrid.ca,
      orders: repos.grid,
      audit: s.certgrid.audit,
      clock: s.clock,
    });
    const userId = await s.user('pki', { role: 'PKI Admin', permissions: ['CERTVIEW.API.ACCESS'] });
    ctx = {
      principal: { accountId: s.accountId, userId, username: 'pki', role: 'PKI Admin' },
      ip: '127.0.0.1',
    };
    const org = await s.certgrid.catalog.createOrganization(s.accountId, {
      name: 'Example, Inc',
      country: 'DE',
    });
    const [inter] = await builtin.intermediates();
    input = {
      approverUserNames: ['pki'],
      intermediateCA: { certhash: inter!.certhash },
      certificate: {
        commonName: 'later.example.net',
        autoGenerateCSR: false,
        encodedCSR: makeCsr().pem,
        organizationUnits: [],
        signatureHash: 'SHA-384',
        dnsNames: null,
      },
      renewal: null,
      validity: { validityDays: 30 },
      digicertOrganizationId: org.id,
      digicertProductNameId: 'ssl_plus',
      digicertEVApproverUserIds: null,
      comment: '',
    };
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The order logic of this stack with `connector` as its only CA. */
  const enrollmentWith = (connector: CaConnector): Enrollment => {
    const repos = createRepositories(s.store.db, s.store.dialect);
    return createEnrollment({
      repo: repos.enrollment,
      connectors: [connector],
      users: repos.accounts,
      inventory: s.certgrid.inventory,
      audit: s.certgrid.audit,
      weakKeys: createWeakKeyChecker(),
      clock: s.clock,
      logger: silentLogger,
      newUuid: () => randomUUID(),
    });
  };

  it('certgrid’s CA issues, reports and revokes through the connector', async () => {
    const [inter] = await builtin.intermediates();
    expect(inter).toMatchObject({ name: 'certgrid Issuing CA 1', caId: expect.any(String) });
    expect(await builtin.ready()).toBe(true);
    const { spkiDer } = parseCsr(makeCsr().pem);
    const result = await builtin.submit({
      accountId: s.accountId,
      orderUuid: randomUUID(),
      requesterUserId: ctx.principal.userId,
      caId: inter!.caId,
      productNameId: 'ssl_plus',
      profile: 'tls_server',
      commonName: 'direct.example.net',
      dnsNames: [],
      organizationUnits: ['Ops'],
      organization: { name: 'Example, Inc', country: 'DE', state: '', locality: 'Berlin' },
      spkiDer,
      signatureHash: 'SHA-256',
      notBefore: s.clock.now(),
      notAfter: new Date(s.clock.now().getTime() + 30 * 86_400_000),
    });
    expect(result).toMatchObject({
      caStatus: 'issued',
      certificate: { certhash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(await builtin.status(s.accountId, result.caOrderId)).toMatchObject({ caStatus: 'issued' });
    await builtin.revoke(s.accountId, result.caOrderId, 'superseded');
    expect(await builtin.status(s.accountId, result.caOrderId)).toMatchObject({ caStatus: 'revoked' });
    // The issuing CA's CRL lists it at once.
    const crl = AsnConvert.parse((await s.certgrid.pki.crl(inter!.caId))!, CertificateList);
    const revoked = (crl.tbsCertList.revokedCertificates ?? []).map((r) =>
      Buffer.from(r.userCertificate)
        .toString('hex')
        .toUpperCase()
        .replace(/^(00)+/, ''),
    );
    expect(revoked).toContain(result.certificate!.serialHex.toUpperCase());
  });

  it('an order waits APPROVED while its CA is pending, and is ISSUED once the CA has issued', async () => {
    // An external CA's behaviour: accept now, issue later. It issues with certgrid's CA when told to.
    let release = false;
    const pending = new Map<string, Parameters<CaConnector['submit']>[0]>();
    const issuedAs = new Map<string, string>();
    const later: CaConnector = {
      name: 'later',
      intermediates: () => builtin.intermediates(),
      ready: async () => true,
      async submit(order) {
        const id = `ext-${pending.size + 1}`;
        pending.set(id, order);
        return { caOrderId: id, caStatus: 'pending' };
      },
      async status(accountId, caOrderId) {
        if (!release) return { caOrderId, caStatus: 'pending' };
        if (!issuedAs.has(caOrderId)) {
          const r = await builtin.submit(pending.get(caOrderId)!);
          issuedAs.set(caOrderId, r.caOrderId);
        }
        return builtin.status(accountId, issuedAs.get(caOrderId)!).then((r) => ({ ...r, caOrderId }));
      },
      revoke: (accountId, caOrderId, reason) => builtin.revoke(accountId, issuedAs.get(caOrderId)!, reason),
    };
    const enrollment = enrollmentWith(later);
    const { order } = await enrollment.createOrder(ctx, input);
    const approved = await enrollment.changeOrderStatus(ctx, order.uuid, {
      status: 'APPROVED',
      comment: 'go',
    });
    expect(approved).toMatchObject({ status: 'APPROVED', caStatus: 'pending', caOrderId: 'ext-1' });
    expect(await enrollment.pollAwaitingCa()).toBe(0);
    expect((await enrollment.viewOrder(ctx, order.uuid)).status).toBe('APPROVED');

    release = true;
    expect(await enrollment.pollAwaitingCa()).toBe(1);
    const issued = await enrollment.viewOrder(ctx, order.uuid);
    expect(issued).toMatchObject({
      status: 'ISSUED',
      caStatus: 'issued',
      certhash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const cert = await s.certgrid.inventory.findCertificate(s.accountId, issued.certhash!);
    expect(cert).toMatchObject({ orderStatus: 'ISSUED', signatureAlgorithm: 'SHA384withECDSA' });
    expect(await enrollment.pollAwaitingCa()).toBe(0);
  });

  it('a CA that refuses an approved order leaves it APPROVED with caStatus failed', async () => {
    const refusing: CaConnector = {
      ...builtin,
      name: 'refusing',
      intermediates: () => builtin.intermediates(),
      ready: async () => true,
      submit: async () => {
        throw new Error('the CA is down');
      },
    };
    const enrollment = enrollmentWith(refusing);
    const { order } = await enrollment.createOrder(ctx, input);
    const after = await enrollment.changeOrderStatus(ctx, order.uuid, { status: 'APPROVED', comment: 'go' });
    expect(after).toMatchObject({ status: 'APPROVED', caStatus: 'failed', certhash: null });
    const events = await s.certgrid.audit.query(s.accountId);
    expect(events.find((e) => e.event === 'order issued' && e.status === 'failed')?.message).toContain(
      'the CA refused it',
    );
  });
});
