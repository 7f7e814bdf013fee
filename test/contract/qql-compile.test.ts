import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewCertificate } from '../../src/core/inventory/repository.js';
import {
  compileCertificateFilter,
  parseQql,
  structuredFilterToAst,
  type QqlNode,
} from '../../src/core/query/index.js';
import type { Store } from '../../src/store/db.js';
import { createInventoryRepository } from '../../src/store/repos/inventory-repository.js';
import { expectCode } from '../helpers/expect-code.js';
import { name, syntheticCertificate } from '../helpers/inventory.js';
import { storeFactories } from '../helpers/stores.js';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const parse = (q: string): QqlNode | undefined => parseQql(q);

/** Four certificates with assets, instances and vulnerabilities; filters below select among them. */
const A = syntheticCertificate('www.example.com', NOW, {
  subject: name('www.example.com', 'Example, Inc.'),
  issuer: name('Example Issuing CA', "Let's Encrypt"),
  validForDays: 10,
  sanDns: ['www.example.com', 'example.com'],
  extendedValidation: true,
});
const B = syntheticCertificate('api.example.org', NOW, {
  subject: name('api.example.org', 'Other Org'),
  issuer: name('Other CA', 'Other CA Org'),
  keyAlgorithm: 'EC',
  keySize: 256,
  signatureAlgorithm: 'SHA256withECDSA',
  validForDays: -1,
  sanDns: ['api.example.org'],
  sanIp: ['10.0.0.1'],
});
const C = syntheticCertificate('Root CA', NOW, {
  subject: name('Test Root CA', 'Root Org'),
  issuer: name('Test Root CA', 'Root Org'),
  certType: 'Root',
  selfSigned: true,
  isCa: true,
  keySize: 4096,
  validForDays: 3650,
});
const D = syntheticCertificate('mail.example.com', NOW, {
  subject: name('mail.example.com', 'Example, Inc.'),
  keySize: 3072,
  validForDays: 100,
  sanDns: ['mail.example.com'],
});
const LABEL = new Map<string, string>([A, B, C, D].map((c, i) => [c.certhash, 'ABCD'[i]!]));

describe.each(storeFactories)('QQL compiled and run on $name', (factory) => {
  let store: Store;
  let accountId: number;

  const run = async (filter: QqlNode | undefined): Promise<string> => {
    let q = store.db
      .selectFrom('certificates as c')
      .select('c.certhash')
      .where('c.account_id', '=', accountId);
    const where = compileCertificateFilter(filter, { now: NOW });
    if (where !== undefined) q = q.where(where);
    const rows = await q.execute();
    return rows
      .map((r) => LABEL.get(r.certhash) ?? '?')
      .sort()
      .join('');
  };

  beforeAll(async () => {
    store = await factory.open();
    const row = await store.db
      .insertInto('accounts')
      .values({ name: 'qql', created_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    accountId = Number(row.id);
    const repo = createInventoryRepository(store.db);
    const seen = (
      c: NewCertificate,
      seenOn?: Parameters<typeof repo.upsertCertificates>[0]['items'][0]['seenOn'],
    ) => ({
      certificate: c,
      seenOn,
    });
    await repo.upsertCertificates({
      accountId,
      source: 'SCAN',
      seenAt: NOW,
      items: [
        seen(A, {
          assetName: 'server1',
          operatingSystem: 'NetScaler',
          address: '192.0.2.10',
          hostname: 'server1.example.com',
          tags: ['Internet Facing Assets'],
          instance: {
            port: 443,
            service: 'http',
            grade: 'A',
            sslProtocols: ['TLSv1.2'],
            vulnerabilities: [{ qid: 38116, title: 'SSL Server Information Retrieval', severity: 1 }],
          },
        }),
        seen(B, {
          assetName: 'server2',
          managed: false,
          operatingSystem: 'Linux',
          instance: {
            port: 8443,
            grade: 'B',
            sslProtocols: ['TLSv1.3', 'TLSv1.2'],
            vulnerabilities: [
              { qid: 38173, title: 'SSL Certificate - Signature Verification Failed', severity: 3 },
            ],
          },
        }),
        seen(C),
        seen(D, { assetName: 'server1', instance: { port: 25, service: 'smtp', grade: 'T' } }),
      ],
    });
  });
  afterAll(() => store.close());

  it.each([
    ['', 'ABCD'],
    ['subject.name:example', 'ABD'],
    ['subject.name:`www.example.com`', 'A'],
    ['subject.name:`WWW.EXAMPLE.COM`', 'A'],
    ['subject.name:mail*', 'D'],
    ['subject.organization:"Example, Inc."', 'AD'],
    ["issuer.organization:'Let's Encrypt'", 'A'],
    ['keySize>=3072', 'CD'],
    ['keySize<3072', 'AB'],
    ['keySize:[2048 .. 3072]', 'AD'],
    ['keySize:(2048 .. 4096)', 'D'],
    ['keySize:[256, 4096]', 'BC'],
    ['expiryGroup:Expired', 'B'],
    ['expiryGroup:In 30 Days', 'A'],
    ['expiryGroup:In 200 Days', 'AD'],
    ['expiryGroup:More than 200 Days', 'C'],
    ['selfSigned:true', 'C'],
    ['NOT selfSigned:true', 'ABD'],
    ['extendedValidation:true', 'A'],
    ['asset.name:server1', 'AD'],
    ['asset:(name:server1)', 'AD'],
    ['asset:(name:server1 AND operatingSystem:NetScaler)', 'AD'],
    ['asset:(name:server2 AND operatingSystem:NetScaler)', ''],
    ['asset.tagName:internet', 'AD'],
    ['asset:(interfaces.address:192.0.2.10)', 'AD'],
    ['instance:(port:443)', 'A'],
    ['instance:(sslProtocol:TLSv1.3)', 'B'],
    ['instance:(grade:A)', 'A'],
    ['asset:(instance:(port:25))', 'D'],
    ['asset:(name:server2 AND instance:(port:25))', ''],
    ['vulnerability:(qid:38116)', 'A'],
    ['vulnerability:(severity>=3)', 'B'],
    ['instance:(vulnerability:(title:"Signature Verification"))', 'B'],
    ['subjectAlternativeNames.ipAddress:10.0.0.1', 'B'],
    ['subjectAlternativeNames.dnsName:example.com', 'A'],
    ['subjectAlternativeNames.dnsName:api*', 'B'],
    ['subjectAlternativeNames:"example"', 'ABD'],
    ['signatureAlgorithm:ECDSA', 'B'],
    ['validTo>2026-06-05', 'ACD'],
    ['validTo:2026-06-11', 'A'],
    [`validTo>${NOW}`, 'ACD'],
    ['certificate.type:Root', 'C'],
    ['type:leaf', 'ABD'],
    ['issuerCategory:self-signed', 'C'],
    ['subject.name:`www.example.com` OR subject.name:`api.example.org`', 'AB'],
    ['(keySize:2048 OR keySize:256) AND NOT asset.name:server2', 'A'],
    ['subject.name:"%"', ''],
    ['subject.name:"_"', ''],
    ['keyUsage:`Digital signature`', 'ABCD'],
    ['enhancedKeyUsage:1.3.6.1.5.5.7.3.1', 'ABCD'],
  ])('%s → %s', async (q, expected) => {
    expect(await run(parse(q))).toBe(expected);
  });

  it.each([
    // Hex identifiers are stored lowercased and compared without lower(), whatever case is asked.
    [`certhash:${A.certhash.toUpperCase()}`, 'A'],
    [`serialNumber:${B.serialNumber.toUpperCase()}`, 'B'],
    // Counts of certificates inserted together with their sightings.
    ['instanceCount:1', 'ABD'],
    ['assetCount:0', 'C'],
  ])('%s → %s', async (q, expected) => {
    expect(await run(parse(q))).toBe(expected);
  });

  it('restricts by assetType: seen on a managed asset, or on none', async () => {
    const by = async (assetType: 'MANAGED' | 'UNMANAGED' | 'ALL') => {
      const where = compileCertificateFilter(undefined, { now: NOW, assetType });
      let q = store.db
        .selectFrom('certificates as c')
        .select('c.certhash')
        .where('c.account_id', '=', accountId);
      if (where !== undefined) q = q.where(where);
      return (await q.execute())
        .map((r) => LABEL.get(r.certhash))
        .sort()
        .join('');
    };
    expect(await by('MANAGED')).toBe('AD');
    expect(await by('UNMANAGED')).toBe('BC');
    expect(await by('ALL')).toBe('ABCD');
  });

  it('runs structured filters the same way', async () => {
    const f = (filters: unknown[], operation = 'AND') => structuredFilterToAst({ filters, operation });
    expect(await run(f([{ field: 'keySize', operator: 'GREATER', value: 2048 }]))).toBe('CD');
    expect(await run(f([{ field: 'asset.name', operator: 'EQUALS', value: 'server1' }]))).toBe('AD');
    expect(
      await run(
        f(
          [
            { field: 'subject.name', operator: 'CONTAINS', value: 'api' },
            { field: 'selfSigned', operation: 'EQUALS', value: true },
          ],
          'OR',
        ),
      ),
    ).toBe('BC');
    expect(await run(f([{ field: 'subjectAlternativeNames.ipAddress', operator: 'IS_EMPTY' }]))).toBe('ACD');
    expect(await run(f([{ field: 'keySize', operator: 'IN', value: [256, 3072] }]))).toBe('BD');
    expect(await run(f([{ field: 'certificate.type', operator: 'NOT_EQUALS', value: 'Leaf' }]))).toBe('C');
  });

  it('compiles an asset group to an uncorrelated IN over certificate_assets', async () => {
    const where = compileCertificateFilter(parse('asset:(name:server1)'), { now: NOW })!;
    const compiled = store.db.selectFrom('certificates as c').select('c.id').where(where).compile();
    const ph = factory.name === 'postgres' ? '$1' : '?';
    expect(compiled.sql).toBe(
      `select "c"."id" from "certificates" as "c" where "c"."id" in (select "ca1"."certificate_id" from certificate_assets ca1 join assets a1 on "a1"."id" = "ca1"."asset_id" where lower("a1"."name") like ${ph} escape '\\')`,
    );
    expect(compiled.parameters).toEqual(['%server1%']);
  });

  it('compiles a group inside a group to a probe of the enclosing row, which PostgreSQL cannot turn into a join', async () => {
    const where = compileCertificateFilter(parse('asset:(name:server1 AND instance:(port:443))'), {
      now: NOW,
    })!;
    const query = store.db.selectFrom('certificates as c').select('c.id').where(where);
    const compiled = query.compile();
    if (factory.name === 'postgres') {
      // A plain EXISTS would be pulled up into a semi-join here (it was: 375 ms on 200,000 certificates).
      const plan = await store.db.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/SubPlan/);
    }
    expect(compiled.sql).toContain(
      '"ci2"."certificate_id" = "ca1"."certificate_id" and "hi2"."asset_id" = "a1"."id" and "hi2"."port" = ',
    );
    expect(compiled.sql).toContain(
      ' and "hi2"."port" = ' + (factory.name === 'postgres' ? '$2' : '?') + ' limit 1 offset 0)',
    );
    const vulnerabilities = compileCertificateFilter(parse('asset:(vulnerability:(severity:5))'), {
      now: NOW,
    })!;
    expect(
      store.db.selectFrom('certificates as c').select('c.id').where(vulnerabilities).compile().sql,
    ).toMatch(/"v2"."severity" = (\?|\$1) limit 1 offset 0\)\)$/);
  });

  it('compares hex identifiers on the bare column, so the certhash index applies', () => {
    const where = compileCertificateFilter(parse(`certhash:${A.certhash.toUpperCase()}`), { now: NOW })!;
    const compiled = store.db.selectFrom('certificates as c').select('c.id').where(where).compile();
    const ph = factory.name === 'postgres' ? '$1' : '?';
    expect(compiled.sql).toBe(`select "c"."id" from "certificates" as "c" where "c"."certhash" = ${ph}`);
    expect(compiled.parameters).toEqual([A.certhash]);
  });

  it('binds every value as a parameter, escaping LIKE wildcards', () => {
    const where = compileCertificateFilter(parse(`subject.name:"50%_off'; drop table x"`), { now: NOW })!;
    const compiled = store.db.selectFrom('certificates as c').select('c.id').where(where).compile();
    expect(compiled.sql).not.toContain('drop table');
    expect(compiled.parameters).toEqual([`%50\\%\\_off'; drop table x%`]);
  });

  it('compiles expiry groups against the injected clock', () => {
    const where = compileCertificateFilter(parse('expiryGroup:In 30 Days'), { now: NOW })!;
    const compiled = store.db.selectFrom('certificates as c').select('c.id').where(where).compile();
    expect(compiled.parameters).toEqual([NOW, NOW + 30 * 86_400_000]);
  });

  it.each([
    ['nosuch:1', /unknown token 'nosuch'/],
    ['keySize:big', /'keySize' takes a number/],
    ['selfSigned:maybe', /takes true or false/],
    ['validTo:yesterday', /takes a date/],
    ['expiryGroup:Soon', /not an expiry group/],
    ['issuerCategory:trusted', /not a value of 'issuerCategory'/],
    ['subject.name>a', /does not support '>'/],
    ['instance:(name:x)', /unknown token 'name' for instance filters/],
    ['vulnerability:(asset:(name:x))', /cannot be used in vulnerability filters/],
  ])('rejects %s with a clear message', async (q, message) => {
    const e = await expectCode(
      Promise.resolve().then(() => compileCertificateFilter(parse(q), { now: NOW })),
      'INVALID_ARGUMENT',
      'filter',
    );
    expect(e.message).toMatch(message);
  });
});
