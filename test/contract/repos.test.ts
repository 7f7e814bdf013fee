import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/core/audit/repository.js';
import type { NewCertRequest, NewOrder } from '../../src/core/grid/repository.js';
import type { Store } from '../../src/store/db.js';
import { createRepositories, type Repositories } from '../../src/store/repos/index.js';
import { expectCode } from '../helpers/expect-code.js';
import { storeFactories } from '../helpers/stores.js';

const T = new Date('2025-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
let seq = 0;
const unique = (p: string) => `${p}-${++seq}`;

describe.each(storeFactories)('repositories on $name', (factory) => {
  let store: Store;
  let repos: Repositories;
  beforeAll(async () => {
    store = await factory.open();
    repos = createRepositories(store.db, store.dialect);
    await store.db
      .insertInto('cas')
      .values({
        id: 'issuing-1',
        role: 'intermediate',
        parent_id: null,
        cert_der: Buffer.from([0x30, 0x00]),
        key_pem: 'x',
        key_type: 'p256',
        certhash: 'c0ffee',
        serial_hex: '01',
        subject: 'CN=test',
        not_before: 0,
        not_after: 1,
        active: 1,
        created_at: 0,
      })
      .execute();
  });
  afterAll(async () => {
    await store.close();
  });

  async function account(opts: { apiApprovals?: boolean; selfApproval?: boolean } = {}) {
    const name = unique('acct');
    const ids = await repos.accounts.createAccount({
      name,
      apiApprovals: opts.apiApprovals ?? true,
      selfApproval: opts.selfApproval ?? true,
      createdAt: T,
      user: { username: `${name}-api`, fullName: '', passwordHash: null, role: 'Manager', createdAt: T },
      keyHash: randomBytes(32).toString('hex'),
    });
    return { name, ...ids };
  }

  const audit = (accountId: number | null, patch: Partial<AuditRecord> = {}): AuditRecord => ({
    accountId,
    userId: null,
    userName: 'someone',
    ipAddress: '192.0.2.1',
    ipCountry: '',
    status: 'successful',
    event: 'make request',
    message: '',
    origin: 'api',
    createdAt: T,
    ...patch,
  });

  const order = (accountId: number, patch: Partial<NewOrder> = {}): NewOrder => ({
    accountId,
    kind: 'host',
    requestId: null,
    caId: 'issuing-1',
    serialHex: unique('AB').replace(/-/g, '').toUpperCase(),
    certhash: 'h',
    certDer: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]),
    commonName: 'example.com',
    sans: ['a.example.com'],
    serverType: 2,
    orgUnit: 'OU',
    validityYears: 1,
    fullName: '',
    email: '',
    notBefore: T,
    notAfter: at(60 * 24 * 365),
    requesterUserId: 1,
    createdAt: T,
    ...patch,
  });

  const request = (accountId: number, patch: Partial<NewCertRequest> = {}): NewCertRequest => ({
    accountId,
    requestType: 'issue',
    requesterUserId: 1,
    comments: 'c',
    createdAt: T,
    product: 'Grid Host',
    commonName: 'example.com',
    serviceName: 'sams',
    sans: ['a.example.com', 'b.example.com'],
    serverType: 2,
    orgUnit: 'OU',
    validityYears: 2,
    signatureHash: 'sha256',
    csrDer: Buffer.from([1, 2, 3]),
    orderId: null,
    revocationReason: null,
    ...patch,
  });

  describe('accounts', () => {
    it('creates an account with its API user and key, and finds them', async () => {
      const before = await repos.accounts.countAccounts();
      const a = await account({ apiApprovals: false });
      expect(await repos.accounts.countAccounts()).toBe(before + 1);
      expect(await repos.accounts.findAccountByName(a.name)).toEqual({
        id: a.accountId,
        name: a.name,
        apiApprovals: false,
        selfApproval: true,
        createdAt: T,
        certviewApiAccess: true,
      });
      expect((await repos.accounts.findAccountById(a.accountId))?.name).toBe(a.name);
      expect(await repos.accounts.findAccountByName('nobody')).toBeNull();
      expect(await repos.accounts.findUserByUsername(`${a.name}-api`)).toMatchObject({
        id: a.userId,
        accountId: a.accountId,
        accountName: a.name,
        role: 'Manager',
        passwordHash: null,
      });
    });

    it('reports duplicates as ALREADY_EXISTS on the right field and writes nothing', async () => {
      const a = await account();
      const count = await repos.accounts.countAccounts();
      const dup = {
        name: a.name,
        apiApprovals: true,
        selfApproval: true,
        createdAt: T,
        user: { username: unique('u'), fullName: '', passwordHash: null, role: 'Manager', createdAt: T },
        keyHash: unique('k'),
      };
      await expectCode(repos.accounts.createAccount(dup), 'ALREADY_EXISTS', 'customer_name');
      // A taken user name rolls back the account created in the same transaction.
      const name = unique('acct');
      await expectCode(
        repos.accounts.createAccount({ ...dup, name, user: { ...dup.user, username: `${a.name}-api` } }),
        'ALREADY_EXISTS',
        'username',
      );
      expect(await repos.accounts.findAccountByName(name)).toBeNull();
      expect(await repos.accounts.countAccounts()).toBe(count);
      await expectCode(
        repos.accounts.insertUser(a.accountId, { ...dup.user, username: `${a.name}-api` }),
        'ALREADY_EXISTS',
        'username',
      );
    });

    it('stores users and API keys, and resolves a key to its owner', async () => {
      const a = await account();
      const userId = await repos.accounts.insertUser(a.accountId, {
        username: unique('alice'),
        fullName: 'Alice Doe',
        passwordHash: 'scrypt$1$1$1$a$b',
        role: 'Approver',
        createdAt: T,
      });
      const keyHash = 'ab'.repeat(32);
      await repos.accounts.insertApiKey({ accountId: a.accountId, userId, keyHash, createdAt: T });
      expect(await repos.accounts.findApiKeyOwner(keyHash)).toEqual({
        keyHash,
        accountId: a.accountId,
        accountName: a.name,
        userId,
        username: expect.stringMatching(/^alice-/),
        fullName: 'Alice Doe',
        revokedAt: null,
      });
      expect(await repos.accounts.findApiKeyOwner('cd'.repeat(32))).toBeNull();
      await expectCode(
        repos.accounts.insertApiKey({ accountId: a.accountId, userId, keyHash, createdAt: T }),
        'ALREADY_EXISTS',
        'api_key',
      );
    });

    it('updates account settings independently', async () => {
      const a = await account();
      await repos.accounts.updateAccountSettings(a.accountId, { selfApproval: false });
      expect(await repos.accounts.findAccountById(a.accountId)).toMatchObject({
        apiApprovals: true,
        selfApproval: false,
      });
      await repos.accounts.updateAccountSettings(a.accountId, { apiApprovals: false });
      expect(await repos.accounts.findAccountById(a.accountId)).toMatchObject({
        apiApprovals: false,
        selfApproval: false,
      });
      await repos.accounts.updateAccountSettings(a.accountId, {});
      expect(await repos.accounts.findAccountById(a.accountId)).toMatchObject({
        apiApprovals: false,
        selfApproval: false,
      });
    });
  });

  describe('grid', () => {
    it('inserts orders, finds them by id and/or serial within the account and kind only', async () => {
      const a = await account();
      const b = await account();
      const o = order(a.accountId);
      const id = await repos.grid.insertOrder(o, audit(a.accountId));
      const found = await repos.grid.findOrder(a.accountId, 'host', { id });
      expect(found).toEqual({ ...o, id, status: 'issued', revokedAt: null, revocationReason: null });
      expect((await repos.grid.findOrder(a.accountId, 'host', { serialHex: o.serialHex }))?.id).toBe(id);
      expect((await repos.grid.findOrder(a.accountId, 'host', { id, serialHex: o.serialHex }))?.id).toBe(id);
      expect(await repos.grid.findOrder(a.accountId, 'host', { id, serialHex: 'FF' })).toBeNull();
      expect(await repos.grid.findOrder(a.accountId, 'client', { id })).toBeNull();
      expect(await repos.grid.findOrder(b.accountId, 'host', { id })).toBeNull();
      expect(await repos.grid.findOrder(b.accountId, 'host', { serialHex: o.serialHex })).toBeNull();
      expect(await repos.grid.findOrder(a.accountId, 'host', {})).toBeNull();
    });

    it('refuses a duplicate serial with ALREADY_EXISTS field serial, writing neither order nor audit', async () => {
      const a = await account();
      const o = order(a.accountId);
      await repos.grid.insertOrder(o, audit(a.accountId));
      const before = await repos.audit.query(a.accountId, { limit: 100 });
      await expectCode(
        repos.grid.insertOrder({ ...o, accountId: a.accountId }, audit(a.accountId, { event: 'dup' })),
        'ALREADY_EXISTS',
        'serial',
      );
      expect(await repos.audit.query(a.accountId, { limit: 100 })).toEqual(before);
    });

    it('commits concurrent orders independently: a colliding serial fails alone', async () => {
      const a = await account();
      const dup = order(a.accountId);
      const writes = [
        order(a.accountId),
        dup,
        order(a.accountId),
        { ...dup, commonName: 'second' },
        order(a.accountId),
      ].map((o, i) => repos.grid.insertOrder(o, audit(a.accountId, { event: `w${i}` })));
      const results = await Promise.allSettled(writes);
      // Exactly one of the two writes sharing a serial fails (which one depends on the driver's
      // scheduling on PostgreSQL, where the writes run on parallel connections).
      const status = results.map((r) => r.status);
      expect([status[0], status[2], status[4]]).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect([status[1], status[3]].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = status[1] === 'rejected' ? 1 : 3;
      expect((results[loser] as PromiseRejectedResult).reason).toMatchObject({
        code: 'ALREADY_EXISTS',
        field: 'serial',
      });
      const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(new Set(ids).size).toBe(4);
      const logged = (await repos.audit.query(a.accountId, { limit: 100 })).map((e) => e.event).sort();
      expect(logged).toEqual(['w0', 'w1', 'w2', 'w3', 'w4'].filter((w) => w !== `w${loser}`));
      expect(
        (await repos.grid.findOrder(a.accountId, 'host', { serialHex: dup.serialHex }))?.commonName,
      ).toBe(loser === 1 ? 'second' : 'example.com');
    });

    it('moves requests from pending to approved or rejected exactly once', async () => {
      const a = await account();
      const r1 = await repos.grid.insertRequest(request(a.accountId), audit(a.accountId));
      const r2 = await repos.grid.insertRequest(
        request(a.accountId, { createdAt: at(1) }),
        audit(a.accountId),
      );
      const got = await repos.grid.findRequest(a.accountId, r1);
      expect(got).toEqual({
        ...request(a.accountId),
        id: r1,
        status: 'pending',
        decidedAt: null,
        decidedByUserId: null,
        decisionComments: null,
      });
      expect((await repos.grid.listPendingRequests(a.accountId)).map((r) => r.id)).toEqual([r1, r2]);
      expect((await repos.grid.listPendingRequests(a.accountId))[0]?.csrDer).toBeNull();

      const decision = (requestId: number) => ({
        accountId: a.accountId,
        requestId,
        decidedAt: at(5),
        decidedByUserId: 7,
        decisionComments: 'ok',
      });
      const orderId = await repos.grid.approveIssueRequest(
        decision(r1),
        order(a.accountId, { requestId: r1 }),
        audit(a.accountId),
      );
      expect(await repos.grid.findRequest(a.accountId, r1)).toMatchObject({
        status: 'approved',
        orderId,
        decidedAt: at(5),
        decidedByUserId: 7,
        decisionComments: 'ok',
      });
      await expectCode(
        repos.grid.approveIssueRequest(decision(r1), order(a.accountId), audit(a.accountId)),
        'REQUEST_NOT_PENDING',
        'request_id',
      );
      await expectCode(
        repos.grid.rejectRequest(decision(r1), audit(a.accountId)),
        'REQUEST_NOT_PENDING',
        'request_id',
      );
      await repos.grid.rejectRequest(decision(r2), audit(a.accountId));
      expect((await repos.grid.findRequest(a.accountId, r2))?.status).toBe('rejected');
      expect(await repos.grid.listPendingRequests(a.accountId)).toEqual([]);
      // Another account cannot decide or even see them.
      const b = await account();
      expect(await repos.grid.findRequest(b.accountId, r1)).toBeNull();
      const r3 = await repos.grid.insertRequest(request(a.accountId), audit(a.accountId));
      await expectCode(
        repos.grid.rejectRequest({ ...decision(r3), accountId: b.accountId }, audit(b.accountId)),
        'REQUEST_NOT_PENDING',
        'request_id',
      );
    });

    it('allows one pending revoke request per order and revokes once', async () => {
      const a = await account();
      const orderId = await repos.grid.insertOrder(order(a.accountId), audit(a.accountId));
      const rev = request(a.accountId, {
        requestType: 'revoke',
        orderId,
        csrDer: null,
        revocationReason: 'keyCompromise',
      });
      const r1 = await repos.grid.insertRequest(rev, audit(a.accountId));
      await expectCode(repos.grid.insertRequest(rev, audit(a.accountId)), 'ALREADY_EXISTS', 'order_id');
      expect(await repos.grid.findPendingRevokeRequest(a.accountId, orderId)).toBe(r1);
      expect((await repos.grid.findRequest(a.accountId, r1))?.revocationReason).toBe('keyCompromise');

      const decision = {
        accountId: a.accountId,
        requestId: r1,
        decidedAt: at(9),
        decidedByUserId: 1,
        decisionComments: '',
      };
      await repos.grid.approveRevokeRequest(
        decision,
        { orderId, revokedAt: at(9), reason: 'keyCompromise' },
        audit(a.accountId),
      );
      expect(await repos.grid.findOrder(a.accountId, 'host', { id: orderId })).toMatchObject({
        status: 'revoked',
        revokedAt: at(9),
        revocationReason: 'keyCompromise',
      });
      expect(await repos.grid.findPendingRevokeRequest(a.accountId, orderId)).toBeNull();
      // A new revoke request can be queued once the previous one is decided; approving it finds the order revoked.
      const r2 = await repos.grid.insertRequest(rev, audit(a.accountId));
      await expectCode(
        repos.grid.approveRevokeRequest(
          { ...decision, requestId: r2 },
          { orderId, revokedAt: at(10), reason: 'unspecified' },
          audit(a.accountId),
        ),
        'CERT_REVOKED',
      );
      expect((await repos.grid.findRequest(a.accountId, r2))?.status).toBe('pending');
      await expectCode(
        repos.grid.revokeOrder(
          { accountId: a.accountId, orderId, revokedAt: at(11), reason: 'superseded' },
          audit(a.accountId),
        ),
        'CERT_REVOKED',
      );
    });

    it('revokes client orders directly, only within the account', async () => {
      const a = await account();
      const b = await account();
      const id = await repos.grid.insertOrder(order(a.accountId, { kind: 'client' }), audit(a.accountId));
      await expectCode(
        repos.grid.revokeOrder(
          { accountId: b.accountId, orderId: id, revokedAt: at(1), reason: 'unspecified' },
          audit(b.accountId),
        ),
        'CERT_REVOKED',
      );
      await repos.grid.revokeOrder(
        { accountId: a.accountId, orderId: id, revokedAt: at(1), reason: 'superseded' },
        audit(a.accountId),
      );
      expect((await repos.grid.findOrder(a.accountId, 'client', { id }))?.status).toBe('revoked');
    });
  });

  describe('ca', () => {
    it('lists revoked entries and statuses by serial, and stores CRLs with rising numbers only', async () => {
      const a = await account();
      const good = order(a.accountId);
      const bad = order(a.accountId);
      await repos.grid.insertOrder(good, audit(a.accountId));
      const badId = await repos.grid.insertOrder(bad, audit(a.accountId));
      await repos.grid.revokeOrder(
        { accountId: a.accountId, orderId: badId, revokedAt: at(3), reason: 'keyCompromise' },
        audit(a.accountId),
      );
      const revoked = await repos.ca.listRevoked('issuing-1');
      expect(revoked).toContainEqual({ serialHex: bad.serialHex, revokedAt: at(3), reason: 'keyCompromise' });
      expect(revoked.some((e) => e.serialHex === good.serialHex)).toBe(false);
      const statuses = await repos.ca.findStatuses([good.serialHex, bad.serialHex, 'DEADBEEF']);
      expect(statuses.get(good.serialHex)).toEqual({ status: 'good', caId: 'issuing-1' });
      expect(statuses.get(bad.serialHex)).toEqual({
        status: 'revoked',
        revokedAt: at(3),
        reason: 'keyCompromise',
        caId: 'issuing-1',
      });
      expect(statuses.has('DEADBEEF')).toBe(false);
      expect((await repos.ca.findStatuses([])).size).toBe(0);

      const crl = {
        caId: 'issuing-1',
        crlNumber: 5,
        der: Buffer.from([1]),
        thisUpdate: at(0),
        nextUpdate: at(60),
      };
      expect(await repos.ca.saveCrl(crl)).toBe(true);
      expect(await repos.ca.saveCrl({ ...crl, crlNumber: 5, der: Buffer.from([2]) })).toBe(false);
      expect(await repos.ca.saveCrl({ ...crl, crlNumber: 4, der: Buffer.from([3]) })).toBe(false);
      expect(await repos.ca.saveCrl({ ...crl, crlNumber: 6, der: Buffer.from([4]) })).toBe(true);
      expect(await repos.ca.getCrl('issuing-1')).toEqual({ ...crl, crlNumber: 6, der: Buffer.from([4]) });
      expect(await repos.ca.getCrl('nope')).toBeNull();
    });

    it('stores a hierarchy only when no CA exists yet (the first one is stored at setup)', async () => {
      const ca = {
        id: 'root',
        role: 'root' as const,
        parentId: null,
        certDer: Buffer.from([0x30, 0x00]),
        keyPem: 'enc',
        keyType: 'p256',
        certhash: 'aa',
        serialHex: '01',
        subject: 'CN=r',
        notBefore: T,
        notAfter: at(10),
        active: true,
        createdAt: T,
      };
      const crl = { caId: 'root', crlNumber: 1, der: Buffer.from([1]), thisUpdate: T, nextUpdate: at(1) };
      expect(await repos.ca.insertHierarchy([ca], [crl])).toBe(false);
      expect((await repos.ca.listCas()).map((c) => c.id)).toEqual(['issuing-1']);
      expect(await repos.ca.getCrl('root')).toBeNull();
    });
  });

  describe('audit', () => {
    it('filters on every criterion and returns newest first within the account', async () => {
      const a = await account();
      const b = await account();
      const rows: AuditRecord[] = [
        audit(a.accountId, { createdAt: at(0), event: 'login', status: 'failed', userId: null }),
        audit(a.accountId, {
          createdAt: at(10),
          event: 'make request',
          userId: 11,
          ipAddress: '198.51.100.1',
        }),
        audit(a.accountId, { createdAt: at(20), event: 'approve request', userId: 12, origin: 'ui' }),
        audit(a.accountId, { createdAt: at(20), event: 'list requests', userId: 12 }),
        audit(b.accountId, { createdAt: at(15), event: 'make request', userId: 11 }),
        audit(null, { createdAt: at(15), event: 'login', status: 'failed' }),
      ];
      for (const r of rows) await repos.audit.insert(r);
      const events = (f: Parameters<typeof repos.audit.query>[1]) =>
        repos.audit.query(a.accountId, f).then((l) => l.map((e) => e.event));
      // Same millisecond: insertion order breaks the tie, newest first.
      expect(await events({ limit: 100 })).toEqual([
        'list requests',
        'approve request',
        'make request',
        'login',
      ]);
      expect(await events({ limit: 2 })).toEqual(['list requests', 'approve request']);
      expect(await events({ limit: 100, dateStart: at(10) })).toEqual([
        'list requests',
        'approve request',
        'make request',
      ]);
      expect(await events({ limit: 100, dateEnd: at(10) })).toEqual(['login']);
      expect(await events({ limit: 100, dateStart: at(5), dateEnd: at(20) })).toEqual(['make request']);
      expect(await events({ limit: 100, eventUserId: 12 })).toEqual(['list requests', 'approve request']);
      expect(await events({ limit: 100, event: 'make request' })).toEqual(['make request']);
      expect(await events({ limit: 100, status: 'failed' })).toEqual(['login']);
      expect(await events({ limit: 100, ipAddress: '198.51.100.1' })).toEqual(['make request']);
      expect(await events({ limit: 100, origin: 'ui' })).toEqual(['approve request']);
      expect(await events({ limit: 100, origin: 'api', eventUserId: 12 })).toEqual(['list requests']);
      const [first] = await repos.audit.query(a.accountId, { limit: 1, event: 'make request' });
      expect(first).toEqual({
        dateTime: at(10),
        userId: 11,
        userName: 'someone',
        ipAddress: '198.51.100.1',
        ipCountry: '',
        status: 'successful',
        event: 'make request',
        message: '',
      });
    });
  });
});
