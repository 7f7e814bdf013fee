/**
 * `npm run bench -- inventory`: ingest a realistic inventory (1,000,000 certificates by default,
 * with assets, host instances, tags and vulnerabilities), then run a fixed set of 20 queries through
 * the HTTP API and, beside each, the same query as a direct call on the core and store, in the
 * same run. Prints ingest rate, p50/p99 per query and the API/direct ratio.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { createCertgrid } from '../src/compose.js';
import { certificateFacts, toNewCertificate, type UpsertItem } from '../src/core/inventory/index.js';
import { parseQql } from '../src/core/query/index.js';
import { sqlitePathOf } from '../src/main.js';
import { dropPgSchema, openStore, type Store } from '../src/store/db.js';
import { createInventoryRepository } from '../src/store/repos/inventory-repository.js';
import { startCertgridServer } from './lib/certgrid-server.js';
import { fmt, openHttpConnection } from './lib/load.js';
import { DATASET_NOW, leafNames, loadDataset, sightingOf, type Dataset } from './lib/inventory-dataset.js';

interface Options {
  readonly count: number;
  readonly seed: number;
  readonly stores: string[];
  readonly reps: number;
  readonly batch: number;
  readonly pgUrl: string;
  /** Stop after the ingest (for working on the write path). */
  readonly ingestOnly: boolean;
}

function parseArgs(args: string[]): Options {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    count: Number(get('--count') ?? 1_000_000),
    seed: Number(get('--seed') ?? 42),
    stores: (get('--stores') ?? 'sqlite,postgres').split(','),
    // 200: with 30 samples a p99 is simply the slowest call, one scheduler hiccup on a shared host.
    reps: Number(get('--reps') ?? 200),
    batch: Number(get('--batch') ?? 5000),
    pgUrl: get('--pg') ?? process.env.CERTGRID_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test',
    ingestOnly: args.includes('--ingest-only'),
  };
}

type Kind = 'selective' | 'broad';
interface Query {
  readonly name: string;
  readonly kind: Kind;
  readonly body: Record<string, unknown>;
}

/** The 20 queries, with values taken from the dataset so selective ones find their certificate. */
function queries(ds: Dataset): Query[] {
  const leaf = (i: number) => ds.ders[ds.caCount + (i % (ds.ders.length - ds.caCount))]!;
  const n = ds.ders.length - ds.caCount;
  const i0 = Math.floor(n * 0.37);
  const facts = certificateFacts(leaf(i0));
  let ipAt = i0;
  while (certificateFacts(leaf(ipAt)).subjectAlternativeNames.ip.length === 0) ipAt++;
  const ip = certificateFacts(leaf(ipAt)).subjectAlternativeNames.ip[0]!;
  let seenAt = i0;
  while (sightingOf(ds.seed, seenAt, ds.assets) === undefined) seenAt++;
  const seen = sightingOf(ds.seed, seenAt, ds.assets)!;
  const host = leafNames(ds.seed, i0 + 1).host;
  const q = (name: string, kind: Kind, body: Record<string, unknown>): Query => ({ name, kind, body });
  return [
    q('certhash', 'selective', { filter: `certhash:${createHash('sha256').update(leaf(i0)).digest('hex')}` }),
    q('serialNumber', 'selective', { filter: `serialNumber:${facts.serialNumber}` }),
    q('subject.name exact', 'selective', { filter: `subject.name:\`${facts.subject.name}\`` }),
    q('subject.name exact (other)', 'selective', { filter: `subject.name:\`${host}\`` }),
    q('SAN dnsName', 'selective', {
      filter: `subjectAlternativeNames.dnsName:${facts.subjectAlternativeNames.dns[0]}`,
    }),
    q('SAN ipAddress', 'selective', { filter: `subjectAlternativeNames.ipAddress:${ip}` }),
    q('asset name (new format)', 'selective', { filter: `asset:(name:\`${seen.assetName}\`)` }),
    q('asset name (old format)', 'selective', { filter: `asset.name:\`${seen.assetName}\`` }),
    q('asset name + OS', 'selective', {
      filter: `asset:(name:\`${seen.assetName}\` AND operatingSystem:"${seen.operatingSystem}")`,
    }),
    q('asset + instance port', 'selective', {
      filter: `asset:(name:\`${seen.assetName}\` AND instance:(port:${seen.instance!.port}))`,
    }),
    q('asset interface address', 'selective', { filter: `asset:(interfaces.address:\`${seen.address}\`)` }),
    q('no filter, lastFound desc', 'broad', {}),
    q('expiryGroup:In 30 Days, validTo asc', 'broad', {
      filter: 'expiryGroup:In 30 Days',
      sort: [{ validTo: 'asc' }],
    }),
    q('expiryGroup:Expired', 'broad', { filter: 'expiryGroup:Expired' }),
    q('keySize:2048, validTo desc', 'broad', { filter: 'keySize:2048', sort: [{ validTo: 'desc' }] }),
    q('issuer.name exact', 'broad', { filter: 'issuer.name:`Bench Issuing CA R2`' }),
    q('EV and not expired', 'broad', { filter: 'extendedValidation:true AND validTo>2026-11-01' }),
    q('vulnerability severity>=4', 'broad', { filter: 'vulnerability:(severity>=4)' }),
    q('extended, 200 per page', 'broad', { certificateDetails: 'extended', pageSize: 200 }),
    q('extended, 200, In 90 Days', 'broad', {
      certificateDetails: 'extended',
      pageSize: 200,
      filter: 'expiryGroup:In 90 Days',
      sort: [{ validTo: 'asc' }],
    }),
  ];
}

/** Nearest-rank percentile: the smallest sample with at least p of the samples at or below it. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
}

/** The store, and the environment under which `certgrid serve` opens the same one. */
async function openBenchStore(
  kind: string,
  opts: Options,
  dir: string,
): Promise<{ store: Store; serverEnv: Record<string, string>; where: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const where = sqlitePathOf(loadConfig({ dataDir: dir }, {}));
    const store = await openStore({ sqlitePath: where });
    return { store, serverEnv: {}, where, drop: () => Promise.resolve() };
  }
  const schema = `bench_inv_${Date.now().toString(36)}`;
  const store = await openStore({ databaseUrl: opts.pgUrl, pgSchema: schema, poolSize: 4 });
  const url = `${opts.pgUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    store,
    serverEnv: { DATABASE_URL: url },
    where: schema,
    drop: () => dropPgSchema(opts.pgUrl, schema),
  };
}

/** Tables an ingest writes: those copied before the floor's clock starts, and those it times, by certificate id. */
const FLOOR_SETUP = [
  'accounts',
  'assets',
  'asset_interfaces',
  'tags',
  'asset_tags',
  'host_instances',
  'instance_vulnerabilities',
];
const FLOOR_TIMED = [
  ['certificates', 'id'],
  ['certificate_names', 'certificate_id'],
  ['certificate_assets', 'certificate_id'],
  ['certificate_instances', 'certificate_id'],
] as const;

/**
 * The store engine alone, as the ingest's baseline in the same run: the rows certgrid just wrote, copied into
 * an empty store of the same schema (the same migrations, so the same indexes) by the engine itself
 * (INSERT … SELECT), in the same batches of certificates, one transaction each. No parsing, no JavaScript per
 * row: what the rows and their indexes cost. Certificates, their names and their links to assets and host
 * instances are timed; the assets and host instances themselves (a twentieth as many rows) are copied before
 * the clock starts, so the floor is, if anything, optimistic.
 */
async function engineFloor(
  kind: string,
  source: { store: Store; where: string },
  opts: Options,
  dir: string,
): Promise<{ perSecond: number; seconds: number }> {
  const pg = kind !== 'sqlite';
  const floorSchema = `bench_floor_${Date.now().toString(36)}`;
  const floor = pg
    ? await openStore({ databaseUrl: opts.pgUrl, pgSchema: floorSchema, poolSize: 2 })
    : await openStore({ sqlitePath: join(dir, 'floor.db') });
  try {
    const db = floor.db;
    const src = pg ? source.where : 'src';
    const dst = pg ? floorSchema : 'main';
    if (!pg) await sql`attach database ${source.where} as src`.execute(db);
    const copy = (table: string, where = '') =>
      sql.raw(`insert into ${dst}.${table} select * from ${src}.${table}${where}`);
    await db.transaction().execute(async (trx) => {
      for (const table of FLOOR_SETUP) await copy(table).execute(trx);
    });
    const counted = await sql<{
      n: number;
      m: number;
    }>`select count(*) as n, max(id) as m from certificates`.execute(source.store.db);
    const count = Number(counted.rows[0]?.n ?? 0);
    const maxId = Number(counted.rows[0]?.m ?? 0);
    const t0 = performance.now();
    for (let lo = 0; lo < maxId; lo += opts.batch) {
      await db.transaction().execute(async (trx) => {
        for (const [table, col] of FLOOR_TIMED) {
          await copy(table, ` where ${col} > ${lo} and ${col} <= ${lo + opts.batch}`).execute(trx);
        }
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: count / seconds, seconds };
  } finally {
    await floor.close();
    if (pg) await dropPgSchema(opts.pgUrl, floorSchema);
  }
}

async function runOnStore(kind: string, ds: Dataset, opts: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-bench-inv-'));
  const { store, serverEnv, where, drop } = await openBenchStore(kind, opts, dir);
  try {
    const config = loadConfig({ dataDir: dir }, {});
    // The system clock, as the server's: expiry groups are relative to the day the bench runs.
    const certgrid = await createCertgrid({ config, store, passphrase: 'bench' });
    const { accountId, customerName } = await certgrid.accounts.createCustomer('bench');
    await certgrid.accounts.createUser({
      customerName,
      username: 'bench-reader',
      password: 'bench-password-1',
      role: 'Reader',
      permissions: ['CERTVIEW.API.ACCESS'],
    });
    const repo = createInventoryRepository(store.db);

    // Ingest: parse every DER and upsert in batches, as an import or a scan does.
    console.log(`\n== ${kind}: ingesting ${ds.ders.length} certificates in batches of ${opts.batch}`);
    const t0 = performance.now();
    let parseMs = 0;
    for (let b = 0; b < ds.ders.length; b += opts.batch) {
      const p0 = performance.now();
      const items: UpsertItem[] = [];
      for (let k = b; k < Math.min(ds.ders.length, b + opts.batch); k++) {
        const i = k - ds.caCount;
        items.push({
          certificate: toNewCertificate(certificateFacts(ds.ders[k]!)),
          seenOn: i >= 0 ? sightingOf(ds.seed, i, ds.assets) : undefined,
        });
      }
      parseMs += performance.now() - p0;
      await repo.upsertCertificates({ accountId, source: 'SCAN', seenAt: DATASET_NOW - 3_600_000, items });
      if ((b / opts.batch) % 100 === 99) {
        const done = b + opts.batch;
        process.stdout.write(`  ${done} certificates, ${fmt(done / ((performance.now() - t0) / 1000))}/s\n`);
      }
    }
    const ingestS = (performance.now() - t0) / 1000;
    console.log(
      `ingest: ${fmt(ds.ders.length / ingestS)} certificates/s (${fmt(ingestS, 1)} s; parsing ${fmt(parseMs / 1000, 1)} s of it)`,
    );
    const floorRate = await engineFloor(kind, { store, where }, opts, dir);
    console.log(
      `engine floor: ${fmt(floorRate.perSecond)} certificates/s (${fmt(floorRate.seconds, 1)} s): ${kind} alone copying the same certificates, names and sighting links into the same schema, batches of ${opts.batch}; certgrid's ingest is ${fmt((100 * ds.ders.length) / ingestS / floorRate.perSecond)}% of it`,
    );
    if (opts.ingestOnly) return;
    // Fresh statistics, as autovacuum would gather them shortly after a bulk load.
    await sql`analyze`.execute(store.db);

    // The API: `certgrid serve` in its own process, as an operator runs it, on the same store;
    // this process only sends requests and runs the direct queries.
    const server = await startCertgridServer(dir, 1, serverEnv);
    const base = server.url;
    try {
      const auth = await fetch(`${base}/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=bench-reader&password=bench-password-1&token=true&permissions=true',
      });
      const token = await auth.text();
      if (auth.status !== 201) throw new Error(`login failed: ${auth.status} ${token}`);
      const conn = await openHttpConnection(base);
      const jsonHeaders = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const api = async (body: Record<string, unknown>) => {
        const res = await conn.request(
          'POST',
          '/certview/v1/certificates',
          jsonHeaders,
          JSON.stringify(body),
        );
        if (res.status !== 200) throw new Error(`${res.status} ${res.body}`);
        return (JSON.parse(res.body) as unknown[]).length;
      };
      const direct = async (body: Record<string, unknown>) => {
        const page = await certgrid.inventory.listCertificates({
          accountId,
          filter: typeof body.filter === 'string' ? parseQql(body.filter) : undefined,
          pageNumber: 0,
          pageSize: Number(body.pageSize ?? 10),
          sort: Array.isArray(body.sort)
            ? (body.sort as Record<string, 'asc' | 'desc'>[]).map((o) => {
                const [token, direction] = Object.entries(o)[0]!;
                return { token, direction };
              })
            : undefined,
          withAssets: true,
        });
        return page.length;
      };

      // The fixed cost every API call pays, for reading the ratios: HTTP alone, then HTTP + token
      // check + an empty answer (the assets of a certhash no certificate has).
      const floor = async (call: () => Promise<unknown>) => {
        const xs: number[] = [];
        for (let r = 0; r < opts.reps + 3; r++) {
          const t = performance.now();
          await call();
          if (r >= 3) xs.push(performance.now() - t);
        }
        return percentile(xs, 0.5);
      };
      const http = await floor(() => conn.request('GET', '/healthz', {}));
      const authed = await floor(() =>
        conn.request('POST', `/certview/v1/certificates/${'0'.repeat(64)}/assets`, jsonHeaders, '{}'),
      );
      console.log(
        `\nfixed cost per call (p50): HTTP ${fmt(http, 2)} ms (GET /healthz), HTTP + token + empty answer ${fmt(authed, 2)} ms`,
      );
      console.log(
        `\n${'query'.padEnd(38)} ${'rows'.padStart(4)}  ${'API p50'.padStart(8)} ${'API p99'.padStart(8)}  ${'direct p50'.padStart(10)} ${'direct p99'.padStart(10)}  ratio  target`,
      );
      const summary = { selective: [] as number[], broad: [] as number[], ratios: [] as number[] };
      for (const q of queries(ds)) {
        const a: number[] = [];
        const d: number[] = [];
        let rows = 0;
        for (let w = 0; w < 3; w++) {
          await api(q.body);
          await direct(q.body);
        }
        for (let r = 0; r < opts.reps; r++) {
          let t = performance.now();
          rows = await api(q.body);
          a.push(performance.now() - t);
          t = performance.now();
          await direct(q.body);
          d.push(performance.now() - t);
        }
        const ap99 = percentile(a, 0.99);
        const ratio = percentile(a, 0.5) / percentile(d, 0.5);
        const limit = q.kind === 'selective' ? 20 : 200;
        summary[q.kind].push(ap99);
        summary.ratios.push(ratio);
        console.log(
          `${q.name.padEnd(38)} ${String(rows).padStart(4)}  ${fmt(percentile(a, 0.5), 2).padStart(8)} ${fmt(ap99, 2).padStart(8)}  ${fmt(percentile(d, 0.5), 2).padStart(10)} ${fmt(percentile(d, 0.99), 2).padStart(10)}  ${fmt(ratio, 2).padStart(5)}  ${q.kind} p99<${limit}ms ${ap99 < limit ? 'ok' : 'MISSED'}`,
        );
      }
      console.log(
        `\n${kind}: worst selective p99 ${fmt(Math.max(...summary.selective), 2)} ms (target < 20), worst broad p99 ${fmt(Math.max(...summary.broad), 2)} ms (target < 200), API/direct p50 ratio median ${fmt(percentile(summary.ratios, 0.5), 2)}, worst ${fmt(Math.max(...summary.ratios), 2)} (target < 1.5)`,
      );
      conn.close();
    } finally {
      await server.stop();
    }
    await certgrid.close();
  } finally {
    await store.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runInventoryBench(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  console.log(
    `inventory benchmark: ${opts.count} certificates, seed ${opts.seed}, stores ${opts.stores.join(',')}`,
  );
  const ds = await loadDataset(opts.seed, opts.count, (done) => {
    if (done % 100_000 === 0) process.stdout.write(`  generated ${done}\n`);
  });
  console.log(
    ds.cached
      ? `dataset: ${ds.ders.length} certificates from the cache (${ds.assets} assets)`
      : `dataset: ${ds.ders.length} certificates generated in ${fmt(ds.generatedSeconds, 1)} s (${ds.assets} assets; cached for later runs)`,
  );
  for (const kind of opts.stores) await runOnStore(kind, ds, opts);
}
