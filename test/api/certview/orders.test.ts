import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertgrid } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config/index.js';
import { parseCsr } from '../../../src/core/ca/csr/index.js';
import { buildApp } from '../../../src/server/app.js';
import { json, startCertviewStack, type CertviewStack } from '../../helpers/certview.js';
import { tempDir } from '../../helpers/client-csr.js';
import { makeCsr } from '../../helpers/csr.js';
import { storeFactories } from '../../helpers/stores.js';

/**
 * CertView chapter 5 end to end through the HTTP API: orders placed, edited, approved by the right
 * people, issued by certgrid's CA, seen in the inventory, renewed, rejected and cancelled, with every
 * error code of the chapter.
 */
describe.each(storeFactories)('enrollment orders on $name', (factory) => {
  let s: CertviewStack;
  const tokens: Record<string, string> = {};
  let intermediate: { certhash: string; name: string; serialHex: string };
  let rootCerthash: string;
  let orgId: number;
  let evOrgId: number;
  let evApproverId: number;

  const ORDERS = '/certview/v1/certificates/digicert/orders';
  const LONG = '/certview/rest/public/v1/certificates/enrollment/digicert';

  const send = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    s.send(tokens[who]!, method, url, payload);

  const expectCode = (res: { statusCode: number; body: string }, status: number, code: number) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(json(res as never).response.code, res.body).toBe(code);
  };

  // One client key for most orders: generating an RSA key per order would only slow the suite down.
  const clientCsr = makeCsr({ cn: 'abc.com' });
  /** The spec's sample body, with this stack's CA, organisation and approver (and a CSR of our own). */
  const order = (over: Record<string, unknown> = {}, cert: Record<string, unknown> = {}) => ({
    approverUserNames: ['approver'],
    certificate: {
      commonName: 'ABC.com',
      csr: { encodedCSR: clientCsr.pem },
      organizationUnits: ['QA'],
      signatureHash: 'SHA-256',
      ...cert,
    },
    comment: 'api test',
    digicertOrganizationId: orgId,
    digicertProductNameId: 'private_ssl_plus',
    intermediateCA: { certhash: intermediate.certhash },
    validity: { validityYears: 1 },
    ...over,
  });

  const create = async (who: string, body: unknown) => {
    const res = await send(who, 'POST', ORDERS, body);
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };
  const setStatus = (who: string, uuid: string, status: string, comment = 'ok') =>
    send(who, 'PUT', `${ORDERS}/${uuid}/status`, { status, comment });
  const view = async (uuid: string, who = 'reader') => json(await send(who, 'GET', `${ORDERS}/${uuid}`));
  const inventoryByHash = async (certhash: string) =>
    json(await send('reader', 'POST', '/certview/v1/certificates', { filter: `certhash:${certhash}` }));
  /** The certificate an issued order produced, found through the inventory by its order status and name. */
  const issuedCerthash = async (commonName: string): Promise<string> => {
    const list = json(
      await send('reader', 'POST', '/certview/v1/certificates', {
        filter: `subject.name:\`${commonName}\``,
      }),
    ) as { certhash: string; orderStatus: string }[];
    const issued = list.filter((c) => c.orderStatus === 'ISSUED' || c.orderStatus === 'RENEWED');
    expect(issued.length, JSON.stringify(list)).toBeGreaterThan(0);
    return issued[0]!.certhash;
  };

  beforeAll(async () => {
    s = await startCertviewStack(factory);
    await s.certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid' });
    const cas = await s.certgrid.ca.describe();
    const inter = cas.find((c) => c.role === 'intermediate')!;
    intermediate = { certhash: inter.certhash, name: 'certgrid Issuing CA 1', serialHex: inter.serialHex };
    rootCerthash = cas.find((c) => c.role === 'root')!.certhash;
    const access = ['CERTVIEW.API.ACCESS'];
    for (const [name, role] of [
      ['requester', 'PKI Admin'],
      ['approver', 'Approver'],
      ['approver2', 'Approver'],
      ['manager', 'Manager'],
      ['reader', 'Reader'],
      ['super', 'Super User'],
    ] as const) {
      await s.user(name, { role, permissions: access });
      tokens[name] = await s.token(name);
    }
    await s.user('noaccess', { role: 'PKI Admin' });
    tokens.noaccess = await s.token('noaccess');
    const org = await s.certgrid.catalog.createOrganization(s.accountId, {
      name: 'Qualys, Inc',
      country: 'US',
      state: 'California',
      locality: 'Foster City',
    });
    orgId = org.id;
    const ev = await s.certgrid.catalog.createOrganization(s.accountId, {
      name: 'Acme EV Corp',
      country: 'US',
      state: 'Delaware',
      locality: 'Wilmington',
      evValidated: true,
      jurisdictionCountry: 'US',
      jurisdictionState: 'Delaware',
      businessCategory: 'Private Organization',
      registrationNumber: '1234567',
    });
    evOrgId = ev.id;
    evApproverId = (
      await s.certgrid.catalog.addEvApprover(s.accountId, { firstName: 'John', lastName: 'White' })
    ).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('catalogue', () => {
    it('lists organizations, products and EV approvers for certgrid’s CA on both path forms', async () => {
      for (const base of [LONG, '/certview/v1/certificates/digicert']) {
        for (const ref of [
          { certhash: intermediate.certhash },
          { commonName: intermediate.name },
          { serialNumber: intermediate.serialHex.toLowerCase() },
        ]) {
          const orgs = await send('reader', 'POST', `${base}/organizations`, ref);
          expect(orgs.statusCode, orgs.body).toBe(200);
          expect(json(orgs).organizations).toContainEqual({
            id: orgId,
            status: 'active',
            name: 'Qualys, Inc',
            assumedName: null,
            displayName: 'Qualys, Inc',
            active: true,
          });
        }
        const products = json(
          await send('reader', 'POST', `${base}/products`, { certhash: intermediate.certhash }),
        );
        expect(products.products).toContainEqual({
          groupName: 'securesite_ssl_certificate',
          nameId: 'ssl_ev_securesite',
          name: 'Secure Site EV SSL',
          type: 'ssl_certificate',
          sslCertificateType: null,
        });
        const approvers = json(
          await send('reader', 'POST', `${base}/evApprovers`, { certhash: intermediate.certhash }),
        );
        expect(approvers).toEqual({
          evApprovers: [
            { userId: String(evApproverId), name: 'John White', firstName: 'John', lastName: 'White' },
          ],
        });
      }
    });

    it('needs a CA reference (1922) naming a CA certgrid issues from (140004)', async () => {
      for (const path of ['organizations', 'products', 'evApprovers']) {
        expectCode(await send('reader', 'POST', `${LONG}/${path}`, {}), 400, 1922);
        expectCode(
          await send('reader', 'POST', `${LONG}/${path}`, { certhash: 'ab'.repeat(32) }),
          400,
          140004,
        );
        // The root signs no leaves.
        expectCode(await send('reader', 'POST', `${LONG}/${path}`, { certhash: rootCerthash }), 400, 140004);
        // Every identifier given must match.
        expectCode(
          await send('reader', 'POST', `${LONG}/${path}`, {
            certhash: intermediate.certhash,
            commonName: 'Other CA',
          }),
          400,
          140004,
        );
      }
    });
  });

  describe('an enrollment', () => {
    it('with autoGenerateCSR returns the private key once, and the view never again', async () => {
      const created = await create('requester', order({}, { csr: { autoGenerateCSR: true } }));
      expect(Object.keys(created)).toEqual([
        'uuid',
        'intermediateCA',
        'approverUserNames',
        'requesterUserName',
        'certificate',
        'renewal',
        'validity',
        'digicertOrganization',
        'digicertProductNameId',
        'digicertEVApproverUserIds',
        'status',
        'caStatus',
        'created',
        'updated',
      ]);
      expect(created).toMatchObject({
        intermediateCA: { name: intermediate.name, certhash: intermediate.certhash },
        approverUserNames: ['approver'],
        requesterUserName: 'requester',
        certificate: {
          commonName: 'abc.com',
          organizationUnits: ['QA'],
          signatureHash: 'SHA-256',
          dnsNames: null,
        },
        renewal: null,
        validity: { validityYears: 1, validityDays: null, customExpirationDate: null },
        digicertOrganization: { id: orgId },
        digicertProductNameId: 'private_ssl_plus',
        digicertEVApproverUserIds: null,
        status: 'SUBMITTED',
        caStatus: '',
        created: '2025-03-01T12:00:00.000+0000',
        updated: '2025-03-01T12:00:00.000+0000',
      });
      expect(created.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // The key returned is the key the CSR certifies.
      const key = createPrivateKey(created.certificate.privateKey);
      const csr = parseCsr(created.certificate.encodedCSR);
      expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toEqual(csr.spkiDer);
      expect(csr.subject.commonName).toBe('abc.com');

      const seen = await view(created.uuid);
      expect(seen.certificate.privateKey).toBeNull();
      expect(seen.certificate.encodedCSR).toBe(created.certificate.encodedCSR);
      // Not stored anywhere: the key's PEM body appears in no table.
      const body = created.certificate.privateKey.split('\n')[1];
      const dump = JSON.stringify(
        await s.store.db
          .selectFrom('enrollment_orders' as never)
          .selectAll()
          .execute(),
      );
      expect(dump).not.toContain(body);
    });

    it('is approved by a named approver, issued by certgrid’s CA and recorded in the inventory', async () => {
      const csr = makeCsr({ cn: 'ignored.example', keyType: 'rsa2048' });
      const created = await create(
        'requester',
        order(
          { digicertProductNameId: 'private_ssl_multi_domain', validity: { validityDays: 90 } },
          {
            commonName: 'www.example.org',
            csr: { encodedCSR: csr.pem },
            dnsNames: ['example.org', 'api.example.org'],
          },
        ),
      );
      expect(created.certificate.privateKey).toBeNull();
      expect(created.certificate.encodedCSR).toBe(csr.pem);
      expect(created.certificate.dnsNames).toEqual(['example.org', 'api.example.org']);

      // Another approver, not named, may not decide; a reader may not either.
      expectCode(await setStatus('approver2', created.uuid, 'APPROVED'), 403, 148100);
      expectCode(await setStatus('reader', created.uuid, 'APPROVED'), 403, 148100);
      const approved = await setStatus('approver', created.uuid, 'APPROVED', 'looks right');
      expect(approved.statusCode, approved.body).toBe(204);
      expect(approved.body).toBe('');

      const seen = await view(created.uuid);
      expect(seen).toMatchObject({ status: 'ISSUED', caStatus: 'issued' });
      // Only one approver decides; an approved order cannot be rejected or cancelled.
      expectCode(await setStatus('manager', created.uuid, 'REJECTED'), 409, 1920);
      expectCode(await setStatus('requester', created.uuid, 'CANCELLED'), 409, 1920);
      expectCode(await send('requester', 'PUT', `${ORDERS}/${created.uuid}`, order()), 409, 1920);

      const certhash = await issuedCerthash('www.example.org');
      const [cert] = await inventoryByHash(certhash);
      expect(cert).toMatchObject({
        orderStatus: 'ISSUED',
        subjectAlternativeNames: { 'DNS Name': ['www.example.org', 'example.org', 'api.example.org'] },
        issuer: { certhash: intermediate.certhash },
      });
      expect(cert.subject.organization).toBe('Qualys, Inc');
      expect(cert.validTo - cert.validFrom).toBe(90 * 86_400_000);
      // The certificate carries the CSR's key, and certgrid's OCSP and CRL know it.
      const der = Buffer.from(
        (
          await s.store.db
            .selectFrom('orders')
            .select('cert_der')
            .where('certhash', '=', certhash)
            .executeTakeFirstOrThrow()
        ).cert_der as Uint8Array,
      );
      const x = new X509Certificate(der);
      expect(x.publicKey.export({ type: 'spki', format: 'der' })).toEqual(parseCsr(csr.pem).spkiDer);
      expect(x.verify(new X509Certificate((await s.certgrid.ca.chain()).issuingDer).publicKey)).toBe(true);

      const events = (await s.certgrid.audit.query(s.accountId)).map((e) => `${e.event} ${e.status}`);
      expect(events).toEqual(
        expect.arrayContaining([
          'create order successful',
          'approve order successful',
          'order issued successful',
          'reject order failed',
          'cancel order failed',
          'update order failed',
        ]),
      );
    });

    it('is edited while SUBMITTED, returns both product keys, and keeps its fixed fields', async () => {
      const created = await create('requester', order());
      s.clock.advance(60_000);
      const res = await send('requester', 'PUT', `${LONG}/orders/${created.uuid}`, {
        ...order(
          { comment: 'Updated api test comment' },
          { organizationUnits: ['QA', 'Ops'], csr: { autoGenerateCSR: true } },
        ),
        uuid: created.uuid,
        created: created.created,
      });
      expect(res.statusCode, res.body).toBe(200);
      const updated = json(res);
      expect(updated).toMatchObject({
        uuid: created.uuid,
        digicertProductId: 'private_ssl_plus',
        digicertProductNameId: 'private_ssl_plus',
        certificate: { organizationUnits: ['QA', 'Ops'] },
        created: created.created,
        updated: '2025-03-01T12:01:00.000+0000',
      });
      // autoGenerateCSR on an update makes a new key, returned once.
      expect(updated.certificate.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(updated.certificate.encodedCSR).not.toBe(created.certificate.encodedCSR);
      expect((await view(created.uuid)).certificate.privateKey).toBeNull();

      expectCode(
        await send('requester', 'PUT', `${ORDERS}/${created.uuid}`, { ...order(), status: 'ISSUED' }),
        400,
        140002,
      );
      expectCode(
        await send('requester', 'PUT', `${ORDERS}/${created.uuid}`, { ...order(), requesterUserName: 'x' }),
        400,
        140002,
      );
      expectCode(
        await send(
          'requester',
          'PUT',
          `${ORDERS}/${created.uuid}`,
          order({ renewal: { renewalOfCertificate: 'ab'.repeat(32) } }),
        ),
        400,
        140007,
      );
      // Only the requester or an account-wide decider edits; readers never.
      expectCode(await send('approver', 'PUT', `${ORDERS}/${created.uuid}`, order()), 403, 148100);
      expectCode(await send('reader', 'PUT', `${ORDERS}/${created.uuid}`, order()), 403, 148100);
      expect((await send('manager', 'PUT', `${ORDERS}/${created.uuid}`, order())).statusCode).toBe(200);
    });

    it('is rejected or cancelled with a comment, and then stays so', async () => {
      const a = await create('requester', order());
      expectCode(
        await send('approver', 'PUT', `${ORDERS}/${a.uuid}/status`, { status: 'REJECTED' }),
        400,
        1903,
      );
      expectCode(await setStatus('approver', a.uuid, 'ISSUED'), 400, 1905);
      expect((await setStatus('approver', a.uuid, 'REJECTED', 'wrong OU')).statusCode).toBe(204);
      expect((await view(a.uuid)).status).toBe('REJECTED');
      expectCode(await setStatus('approver', a.uuid, 'APPROVED'), 409, 1920);

      const b = await create('requester', order());
      // The requester may cancel their own order.
      expect((await setStatus('requester', b.uuid, 'CANCELLED', 'not needed')).statusCode).toBe(204);
      expect((await view(b.uuid)).status).toBe('CANCELLED');
      expectCode(await setStatus('requester', b.uuid, 'CANCELLED'), 409, 1920);
    });

    it('places EV orders only with EV approvers and an EV-validated organisation', async () => {
      const ev = { digicertProductNameId: 'ssl_ev_securesite', digicertOrganizationId: evOrgId };
      expectCode(await send('requester', 'POST', ORDERS, order(ev)), 400, 1903);
      expectCode(
        await send('requester', 'POST', ORDERS, order({ ...ev, digicertEVApproverUserIds: ['999999'] })),
        400,
        1905,
      );
      expectCode(
        await send(
          'requester',
          'POST',
          ORDERS,
          order({ ...ev, digicertOrganizationId: orgId, digicertEVApproverUserIds: [String(evApproverId)] }),
        ),
        400,
        1905,
      );
      const created = await create(
        'requester',
        order({ ...ev, digicertEVApproverUserIds: [String(evApproverId)] }),
      );
      expect(created.digicertEVApproverUserIds).toEqual([String(evApproverId)]);
      expect((await setStatus('manager', created.uuid, 'APPROVED')).statusCode).toBe(204);
      const [cert] = await inventoryByHash(await issuedCerthash('abc.com'));
      expect(cert.extendedValidation).toBe(true);
    });

    it('is decided by any Super User, Manager or PKI Admin of the account, named or not', async () => {
      for (const decider of ['super', 'manager', 'requester']) {
        const placed = await create(decider === 'requester' ? 'manager' : 'super', order());
        expect((await setStatus(decider, placed.uuid, 'REJECTED', `by ${decider}`)).statusCode).toBe(204);
        expect(await view(placed.uuid)).toMatchObject({ status: 'REJECTED' });
      }
      // An Approver may place orders too, and may not decide one that names someone else.
      const byApprover = await create('approver2', order());
      expect(byApprover.requesterUserName).toBe('approver2');
      expectCode(await setStatus('approver2', byApprover.uuid, 'APPROVED'), 403, 148100);
      expect((await setStatus('approver2', byApprover.uuid, 'CANCELLED', 'mine')).statusCode).toBe(204);
    });

    it('issues wildcard and Grid host products with their own profiles', async () => {
      const wild = await create(
        'requester',
        order({ digicertProductNameId: 'private_ssl_wildcard' }, { commonName: '*.wild.example.com' }),
      );
      expect((await setStatus('approver', wild.uuid, 'APPROVED')).statusCode).toBe(204);
      const [w] = await inventoryByHash(await issuedCerthash('*.wild.example.com'));
      expect(w.subjectAlternativeNames['DNS Name']).toEqual(['*.wild.example.com']);
      expect(w.subject.organization).toBe('Qualys, Inc');

      const grid = await create(
        'requester',
        order(
          { digicertProductNameId: 'grid_host_ssl' },
          { commonName: 'node1.grid.example.com', dnsNames: ['node1.example.com'] },
        ),
      );
      expect((await setStatus('approver', grid.uuid, 'APPROVED')).statusCode).toBe(204);
      const [g] = await inventoryByHash(await issuedCerthash('node1.grid.example.com'));
      // Grid host certificates carry no organisation (the Grid profile's subject is OU and CN only).
      expect(g.subject.organization).toBe('');
      expect(g.subjectAlternativeNames['DNS Name']).toEqual(['node1.grid.example.com', 'node1.example.com']);
      // A wildcard product refuses a plain name.
      expectCode(
        await send('requester', 'POST', ORDERS, order({ digicertProductNameId: 'private_ssl_wildcard' })),
        400,
        1905,
      );
    });
  });

  describe('a renewal', () => {
    it('renews a leaf expiring within 60 days; the predecessor is IN_RENEWAL, then RENEWED', async () => {
      const first = await create(
        'requester',
        order({ validity: { validityDays: 30 } }, { commonName: 'renew.example.com' }),
      );
      expect((await setStatus('approver', first.uuid, 'APPROVED')).statusCode).toBe(204);
      const old = await issuedCerthash('renew.example.com');

      const renewal = await create(
        'requester',
        order(
          { renewal: { renewalOfCertificate: old, digicertPreviousOrderId: 1 } },
          { commonName: 'renew.example.com' },
        ),
      );
      expect(renewal.renewal).toEqual({ digicertPreviousOrderId: 1, renewalOfCertificate: old });
      expect((await inventoryByHash(old))[0].orderStatus).toBe('IN_RENEWAL');
      // Already in renewal.
      expectCode(
        await send(
          'requester',
          'POST',
          ORDERS,
          order({ renewal: { renewalOfCertificate: old } }, { commonName: 'renew.example.com' }),
        ),
        400,
        140006,
      );
      // A renewal stays one, of the same certificate.
      expectCode(await send('requester', 'PUT', `${ORDERS}/${renewal.uuid}`, order()), 400, 140007);
      expectCode(
        await send(
          'requester',
          'PUT',
          `${ORDERS}/${renewal.uuid}`,
          order({ renewal: { renewalOfCertificate: 'cd'.repeat(32) } }),
        ),
        400,
        140002,
      );

      expect((await setStatus('approver', renewal.uuid, 'APPROVED')).statusCode).toBe(204);
      expect((await view(renewal.uuid)).status).toBe('ISSUED');
      expect((await inventoryByHash(old))[0].orderStatus).toBe('RENEWED');
    });

    it('frees the certificate again when the renewal is cancelled', async () => {
      const first = await create(
        'requester',
        order({ validity: { validityDays: 20 } }, { commonName: 'again.example.com' }),
      );
      await setStatus('approver', first.uuid, 'APPROVED');
      const old = await issuedCerthash('again.example.com');
      const r = await create('requester', order({ renewal: { renewalOfCertificate: old } }));
      expect((await setStatus('requester', r.uuid, 'CANCELLED')).statusCode).toBe(204);
      expect((await inventoryByHash(old))[0].orderStatus).toBe('');
      await create('requester', order({ renewal: { renewalOfCertificate: old } }));
    });

    it('refuses unknown certificates, CA certificates and certificates not expiring soon (140006)', async () => {
      const long = await create(
        'requester',
        order({ validity: { validityYears: 1 } }, { commonName: 'long.example.com' }),
      );
      await setStatus('approver', long.uuid, 'APPROVED');
      const longHash = await issuedCerthash('long.example.com');
      for (const hash of ['ab'.repeat(32), intermediate.certhash, longHash, 'not-a-hash']) {
        expectCode(
          await send('requester', 'POST', ORDERS, order({ renewal: { renewalOfCertificate: hash } })),
          400,
          140006,
        );
      }
    });
  });

  describe('errors', () => {
    it('answers malformed bodies with a coded 4xx, never a 500 or a stack trace', async () => {
      const base = order();
      const weird: unknown[] = [
        null,
        0,
        -1,
        1e308,
        '',
        ' ',
        'x'.repeat(5000),
        true,
        [],
        [null],
        {},
        { a: [] },
      ];
      const bodies: unknown[] = [];
      for (const v of weird) {
        for (const key of Object.keys(base)) bodies.push({ ...base, [key]: v });
        for (const key of Object.keys(base.certificate)) {
          bodies.push({ ...base, certificate: { ...base.certificate, [key]: v } });
        }
        bodies.push({ ...base, certificate: { ...base.certificate, csr: { autoGenerateCSR: v } } });
        bodies.push({ ...base, validity: { validityDays: v } });
        bodies.push({ ...base, validity: { customExpirationDate: v } });
        bodies.push({ ...base, renewal: { renewalOfCertificate: v } });
        bodies.push({ ...base, intermediateCA: { serialNumber: v } });
      }
      for (const body of bodies) {
        for (const res of [
          await send('requester', 'POST', ORDERS, body),
          await send('requester', 'PUT', `${ORDERS}/00000000-0000-0000-0000-000000000000`, body),
        ]) {
          // Optional fields take null and empty values; everything else is refused with its code.
          if (res.statusCode === 200) continue;
          expect(
            res.statusCode,
            `${JSON.stringify(body).slice(0, 200)} → ${res.body}`,
          ).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, res.body).toBeLessThan(500);
          expect(typeof json(res).response.code, res.body).toBe('number');
          expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
        }
      }
      for (const body of [
        null,
        7,
        'APPROVED',
        { status: 7, comment: [] },
        { status: 'approved', comment: 'x'.repeat(2000) },
      ]) {
        const res = await send(
          'approver',
          'PUT',
          `${ORDERS}/00000000-0000-0000-0000-000000000000/status`,
          JSON.stringify(body),
        );
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, res.body).toBeLessThan(500);
      }
    });

    it('1903 names every missing parameter', async () => {
      const res = await send('requester', 'POST', ORDERS, { certificate: { csr: {} }, validity: {} });
      expectCode(res, 400, 1903);
      const text = json(res).response.text as string;
      for (const name of [
        'approverUserNames',
        'intermediateCA',
        'certificate.commonName',
        'certificate.signatureHash',
        'certificate.csr.encodedCSR',
        'validity.validityYears',
        'digicertOrganizationId',
        'digicertProductNameId',
      ]) {
        expect(text).toContain(name);
      }
    });

    it('1904, 1905, 1907 and 140001 for bad values', async () => {
      expectCode(
        await send('requester', 'POST', ORDERS, order({ validity: { validityYears: 1, validityDays: 30 } })),
        400,
        1904,
      );
      expectCode(await send('requester', 'POST', ORDERS, order({}, { signatureHash: 'SHA-1' })), 400, 1905);
      expectCode(
        await send('requester', 'POST', ORDERS, order({ digicertProductNameId: 'nope' })),
        400,
        1905,
      );
      expectCode(await send('requester', 'POST', ORDERS, order({ digicertOrganizationId: 1 })), 400, 1905);
      expectCode(
        await send('requester', 'POST', ORDERS, order({ approverUserNames: ['reader'] })),
        400,
        1905,
      );
      expectCode(
        await send('requester', 'POST', ORDERS, order({ approverUserNames: ['nobody'] })),
        400,
        1905,
      );
      expectCode(
        await send('requester', 'POST', ORDERS, order({}, { commonName: '*.example.com' })),
        400,
        1905,
      );
      expectCode(
        await send('requester', 'POST', ORDERS, order({ validity: { validityYears: 5 } })),
        400,
        1905,
      );
      expectCode(
        await send('requester', 'POST', ORDERS, order({}, { csr: { encodedCSR: 'garbage' } })),
        400,
        1905,
      );
      expectCode(
        await send(
          'requester',
          'POST',
          ORDERS,
          order({}, { csr: { encodedCSR: makeCsr({ keyType: 'rsa1024' }).pem } }),
        ),
        400,
        1905,
      );
      expectCode(
        await send(
          'requester',
          'POST',
          ORDERS,
          order({}, { csr: { autoGenerateCSR: true, encodedCSR: makeCsr().pem } }),
        ),
        400,
        1907,
      );
      expectCode(await send('requester', 'POST', ORDERS, '{"approverUserNames": ['), 400, 140001);
      expectCode(await send('requester', 'POST', ORDERS, '[1]'), 400, 140001);
    });

    it('140004 for a CA certgrid does not operate', async () => {
      expectCode(
        await send(
          'requester',
          'POST',
          ORDERS,
          order({ intermediateCA: { commonName: 'DigiCert SHA2 Secure Server CA' } }),
        ),
        400,
        140004,
      );
      expectCode(await send('requester', 'POST', ORDERS, order({ intermediateCA: {} })), 400, 1922);
    });

    it('404 148200 for an unknown order; 148100 without rights', async () => {
      for (const uuid of ['00000000-0000-0000-0000-000000000000', 'nope']) {
        expectCode(await send('reader', 'GET', `${ORDERS}/${uuid}`), 404, 148200);
        expectCode(await send('requester', 'PUT', `${ORDERS}/${uuid}`, order()), 404, 148200);
        expectCode(await setStatus('approver', uuid, 'APPROVED'), 404, 148200);
      }
      expectCode(await send('reader', 'POST', ORDERS, order()), 403, 148100);
      expectCode(
        await send('noaccess', 'GET', `${ORDERS}/00000000-0000-0000-0000-000000000000`),
        403,
        148100,
      );
    });

    it('148101 once the account’s order licences are used', async () => {
      const used = (await s.store.db
        .selectFrom('enrollment_orders' as never)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status' as never, 'in', ['SUBMITTED', 'APPROVED', 'ISSUED'] as never)
        .executeTakeFirstOrThrow()) as { n: number | string };
      await s.certgrid.catalog.setOrderLicences(s.accountId, Number(used.n) + 1);
      const last = await create('requester', order());
      expectCode(await send('requester', 'POST', ORDERS, order()), 403, 148101);
      // A cancelled order gives its licence back.
      await setStatus('requester', last.uuid, 'CANCELLED');
      await create('requester', order());
      await s.certgrid.catalog.setOrderLicences(s.accountId, null);
    });

    it('140005 when the CA key is not available to the connector', async () => {
      // The same store, opened with the wrong CA passphrase.
      const dir = tempDir();
      const other = await createCertgrid({
        config: loadConfig({ dataDir: dir, port: 0 }, { CERTGRID_LOG_LEVEL: 'warn' }),
        store: s.store,
        clock: s.clock,
        passphrase: 'not-the-passphrase',
      });
      const app = await buildApp({
        grid: other.grid,
        pki: other.pki,
        enrollment: other.enrollment,
        certview: { accounts: other.accounts, clock: other.clock },
      });
      try {
        const res = await app.inject({
          method: 'POST',
          url: ORDERS,
          headers: { authorization: `Bearer ${tokens.requester}`, 'content-type': 'application/json' },
          payload: JSON.stringify(order()),
        });
        expectCode(res, 400, 140005);
      } finally {
        await app.close();
        await other.close();
      }
    });
  });
});
