import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  AssetPage,
  AssetRecord,
  CertificatePage,
  CertificateRecord,
  CertificateSource,
  HostInstanceRecord,
  InventoryRepository,
  NameParts,
  NewCertificate,
  Sighting,
  UpsertBatch,
  UpsertResult,
} from '../../core/inventory/repository.js';
import type { Database } from '../schema.js';
import { asRepoDb, inTransaction, type Executor, type RepoDatabase } from './transaction.js';

type CertRow = Selectable<Database['certificates']>;

// Rows per multi-row INSERT: ~60 bound values per certificate keeps a statement under SQLite's
// 32,766 and PostgreSQL's 65,535 parameter limits with room to spare.
const INSERT_CHUNK = 200;
// Values per IN (...) list.
const IN_CHUNK = 500;
// Chains deeper than this are not followed (real ones have 2-4 levels; a loop must not spin).
const MAX_CHAIN_DEPTH = 8;

const json = (v: readonly unknown[]): string => JSON.stringify(v);

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Part = 'subject' | 'issuer' | 'root';

function nameColumns(part: Part, n: NameParts): Record<string, string> {
  return {
    [`${part}_name`]: n.name,
    [`${part}_organization`]: n.organization,
    [`${part}_organization_unit`]: json(n.organizationUnit),
    [`${part}_locality`]: n.locality,
    [`${part}_state`]: n.state,
    [`${part}_country`]: n.country,
  };
}

function namePartsOf(row: Record<string, unknown>, part: Part): NameParts {
  const s = (k: string) => String(row[`${part}_${k}`] ?? '');
  return {
    name: s('name'),
    organization: s('organization'),
    organizationUnit: parseList(s('organization_unit') || '[]'),
    locality: s('locality'),
    state: s('state'),
    country: s('country'),
  };
}

/** A certificate's root as far as the inventory knows it: the top of its chain. */
interface RootInfo {
  readonly parts: NameParts;
  readonly certhash: string | null;
}

function certificateValues(
  accountId: number,
  c: NewCertificate,
  source: CertificateSource,
  seenAt: number,
): Insertable<Database['certificates']> {
  return {
    account_id: accountId,
    certhash: c.certhash,
    der: c.der,
    serial_number: c.serialNumber,
    key_algorithm: c.keyAlgorithm,
    key_size: c.keySize,
    signature_algorithm: c.signatureAlgorithm,
    cert_type: c.certType,
    self_signed: c.selfSigned ? 1 : 0,
    extended_validation: c.extendedValidation ? 1 : 0,
    issuer_category: c.selfSigned ? 'self-signed' : 'unapproved',
    valid_from: c.validFrom,
    valid_to: c.validTo,
    ...nameColumns('subject', c.subject),
    ...nameColumns('issuer', c.issuer),
    // Until linked, the best-known root is the issuer named in the certificate (itself when self-signed).
    ...nameColumns('root', c.selfSigned ? c.subject : c.issuer),
    subject_dn: c.subjectDn,
    issuer_dn: c.issuerDn,
    issuer_certhash: c.selfSigned ? c.certhash : null,
    root_certhash: c.selfSigned ? c.certhash : null,
    san_dns: json(c.sanDns),
    san_ip: json(c.sanIp),
    key_usage: json(c.keyUsage),
    enhanced_key_usage: json(c.enhancedKeyUsage),
    subject_key_id: c.subjectKeyId,
    auth_key_id: c.authKeyId,
    is_ca: c.isCa ? 1 : 0,
    sources: json([source]),
    imported: source === 'IMPORT' ? 1 : 0,
    first_found: seenAt,
    last_found: seenAt,
    created: seenAt,
    updated: seenAt,
  } as Insertable<Database['certificates']>;
}

export function toCertificateRecord(r: CertRow): CertificateRecord {
  const row = r as unknown as Record<string, unknown>;
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    certhash: r.certhash,
    der: r.der,
    serialNumber: r.serial_number,
    keyAlgorithm: r.key_algorithm,
    keySize: Number(r.key_size),
    signatureAlgorithm: r.signature_algorithm,
    certType: r.cert_type as CertificateRecord['certType'],
    selfSigned: Number(r.self_signed) === 1,
    isCa: Number(r.is_ca) === 1,
    extendedValidation: Number(r.extended_validation) === 1,
    validFrom: Number(r.valid_from),
    validTo: Number(r.valid_to),
    subject: namePartsOf(row, 'subject'),
    issuer: namePartsOf(row, 'issuer'),
    root: namePartsOf(row, 'root'),
    subjectDn: r.subject_dn,
    issuerDn: r.issuer_dn,
    issuerCerthash: r.issuer_certhash,
    rootCerthash: r.root_certhash,
    sanDns: parseList(r.san_dns),
    sanIp: parseList(r.san_ip),
    keyUsage: parseList(r.key_usage),
    enhancedKeyUsage: parseList(r.enhanced_key_usage),
    subjectKeyId: r.subject_key_id,
    authKeyId: r.auth_key_id,
    issuerCategory: r.issuer_category as CertificateRecord['issuerCategory'],
    sources: parseList(r.sources) as CertificateSource[],
    imported: Number(r.imported) === 1,
    orderStatus: r.order_status,
    instanceCount: Number(r.instance_count),
    assetCount: Number(r.asset_count),
    firstFound: Number(r.first_found),
    lastFound: Number(r.last_found),
    created: Number(r.created),
    updated: Number(r.updated),
  };
}

/**
 * Chain linking. A certificate's issuer is a CA certificate of the same account whose subject is
 * its issuer name and, when the certificate carries an authority key identifier, whose subject key
 * identifier matches it (RFC 5280 §4.2.1.1: the AKI is how a chain is built when names repeat).
 * Certificates arrive in any order, so each new CA certificate also adopts waiting children, and a
 * root found late is pushed down to every descendant. New certificates are resolved in memory and
 * written grouped by issuer and by root, so a bulk import costs a few statements per batch.
 */
async function linkChains(
  trx: Executor,
  accountId: number,
  fresh: readonly { readonly id: number; readonly c: NewCertificate }[],
): Promise<number[]> {
  if (fresh.length === 0) return [];
  const touched = new Set<number>();
  const freshByHash = new Map(fresh.map((f) => [f.c.certhash, f]));

  // 1. Each new non-self-signed certificate: its issuer among known CA certificates (this batch included).
  const orphans = fresh.filter((f) => !f.c.selfSigned);
  const candidates = new Map<string, CertRow[]>();
  for (const dns of chunks([...new Set(orphans.map((f) => f.c.issuerDn))], IN_CHUNK)) {
    for (const r of await trx
      .selectFrom('certificates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('is_ca', '=', 1)
      .where('subject_dn', 'in', dns)
      .execute()) {
      candidates.set(r.subject_dn, [...(candidates.get(r.subject_dn) ?? []), r]);
    }
  }
  const issuerOf = new Map<string, CertRow>();
  for (const f of orphans) {
    const issuer = (candidates.get(f.c.issuerDn) ?? []).find(
      (i) => i.certhash !== f.c.certhash && (f.c.authKeyId === null || i.subject_key_id === f.c.authKeyId),
    );
    if (issuer !== undefined) issuerOf.set(f.c.certhash, issuer);
  }

  // Roots, memoised: a batch often holds a whole chain.
  const roots = new Map<string, RootInfo>();
  const rootOf = (certhash: string, depth = 0): RootInfo => {
    const memo = roots.get(certhash);
    if (memo !== undefined) return memo;
    const f = freshByHash.get(certhash)!;
    let root: RootInfo;
    const issuer = issuerOf.get(certhash);
    if (f.c.selfSigned) root = { parts: f.c.subject, certhash };
    else if (issuer === undefined || depth >= MAX_CHAIN_DEPTH) root = { parts: f.c.issuer, certhash: null };
    else if (freshByHash.has(issuer.certhash)) root = rootOf(issuer.certhash, depth + 1);
    else
      root = {
        parts: namePartsOf(issuer as unknown as Record<string, unknown>, 'root'),
        certhash: issuer.root_certhash,
      };
    roots.set(certhash, root);
    return root;
  };

  const byIssuer = new Map<string, number[]>();
  const byRoot = new Map<string, { root: RootInfo; ids: number[] }>();
  for (const f of orphans) {
    const issuer = issuerOf.get(f.c.certhash);
    if (issuer === undefined) continue;
    byIssuer.set(issuer.certhash, [...(byIssuer.get(issuer.certhash) ?? []), f.id]);
    const root = rootOf(f.c.certhash);
    const key = JSON.stringify(root);
    const group = byRoot.get(key) ?? { root, ids: [] };
    group.ids.push(f.id);
    byRoot.set(key, group);
  }
  for (const [issuerHash, ids] of byIssuer) {
    for (const part of chunks(ids, IN_CHUNK)) {
      await trx
        .updateTable('certificates')
        .set({ issuer_certhash: issuerHash })
        .where('id', 'in', part)
        .execute();
    }
  }
  for (const { root, ids } of byRoot.values()) await setRoot(trx, ids, root);

  // 2. Each new CA certificate adopts known certificates that were waiting for it, and
  // 3. its root is pushed down to every descendant.
  let level: string[] = [];
  for (const f of fresh) {
    if (!f.c.isCa) continue;
    const adopted = await trx
      .updateTable('certificates')
      .set({ issuer_certhash: f.c.certhash })
      .where('account_id', '=', accountId)
      .where('issuer_certhash', 'is', null)
      .where('self_signed', '=', 0)
      .where('issuer_dn', '=', f.c.subjectDn)
      .where((eb) =>
        f.c.subjectKeyId === null
          ? eb('auth_key_id', 'is', null)
          : eb.or([eb('auth_key_id', '=', f.c.subjectKeyId), eb('auth_key_id', 'is', null)]),
      )
      .returning('id')
      .execute();
    for (const r of adopted) touched.add(Number(r.id));
    level.push(f.c.certhash);
  }
  for (let depth = 0; depth < MAX_CHAIN_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const parentHash of level) {
      const parent = await trx
        .selectFrom('certificates')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('certhash', '=', parentHash)
        .executeTakeFirst();
      if (parent === undefined) continue;
      const children = await trx
        .selectFrom('certificates')
        .select(['id', 'certhash', 'is_ca'])
        .where('account_id', '=', accountId)
        .where('issuer_certhash', '=', parentHash)
        .where('self_signed', '=', 0)
        .execute();
      if (children.length === 0) continue;
      await setRoot(
        trx,
        children.map((ch) => Number(ch.id)),
        {
          parts: namePartsOf(parent as unknown as Record<string, unknown>, 'root'),
          certhash: parent.root_certhash,
        },
      );
      for (const ch of children) {
        touched.add(Number(ch.id));
        if (Number(ch.is_ca) === 1) next.push(ch.certhash);
      }
    }
    level = next;
  }
  return [...touched];
}

async function setRoot(trx: Executor, ids: readonly number[], root: RootInfo): Promise<void> {
  for (const part of chunks(ids, IN_CHUNK)) {
    await trx
      .updateTable('certificates')
      .set({ ...nameColumns('root', root.parts), root_certhash: root.certhash })
      .where('id', 'in', part)
      .execute();
  }
}

/**
 * issuerCategory: self-signed; approved when the issuer or the root is on the account's approved
 * list or is one of certgrid's own CAs; unapproved otherwise.
 */
async function recomputeCategories(trx: Executor, accountId: number, ids?: readonly number[]): Promise<void> {
  const approved = sql<string>`(select certhash from approved_cas where account_id = ${accountId} union select certhash from cas)`;
  const category = sql<string>`case when self_signed = 1 then 'self-signed' when issuer_certhash in ${approved} or root_certhash in ${approved} then 'approved' else 'unapproved' end`;
  if (ids === undefined) {
    await trx
      .updateTable('certificates')
      .set({ issuer_category: category })
      .where('account_id', '=', accountId)
      .execute();
    return;
  }
  for (const part of chunks(ids, IN_CHUNK)) {
    await trx
      .updateTable('certificates')
      .set({ issuer_category: category })
      .where('id', 'in', part)
      .execute();
  }
}

/** Creates or refreshes the asset (by name), its interface, tags and host instance; returns their ids. */
async function recordSighting(
  trx: Executor,
  accountId: number,
  s: Sighting,
  at: number,
  assetIds: Map<string, number>,
): Promise<{ assetId: number; instanceId: number | null }> {
  let assetId = assetIds.get(s.assetName);
  if (assetId === undefined) {
    const existing = await trx
      .selectFrom('assets')
      .select('id')
      .where('account_id', '=', accountId)
      .where('name', '=', s.assetName)
      .executeTakeFirst();
    if (existing !== undefined) {
      assetId = Number(existing.id);
      await trx
        .updateTable('assets')
        .set({
          updated: at,
          ...(s.operatingSystem ? { operating_system: s.operatingSystem } : {}),
          ...(s.netbiosName ? { netbios_name: s.netbiosName } : {}),
          ...(s.address ? { primary_ip: s.address } : {}),
          // Once managed, an asset stays managed; an import never demotes it.
          ...(s.managed ? { managed: 1 } : {}),
        })
        .where('id', '=', assetId)
        .execute();
    } else {
      const row = await trx
        .insertInto('assets')
        .values({
          account_id: accountId,
          uuid: randomUUID(),
          name: s.assetName,
          netbios_name: s.netbiosName ?? '',
          operating_system: s.operatingSystem ?? '',
          primary_ip: s.address ?? '',
          managed: s.managed === false ? 0 : 1,
          created: at,
          updated: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assetId = Number(row.id);
    }
    assetIds.set(s.assetName, assetId);
  }
  if (s.address !== undefined || s.hostname !== undefined) {
    await trx
      .insertInto('asset_interfaces')
      .values({ asset_id: assetId, hostname: s.hostname ?? '', address: s.address ?? '' })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const tag of s.tags ?? []) {
    await trx
      .insertInto('tags')
      .values({ account_id: accountId, uuid: randomUUID(), name: tag })
      .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
      .execute();
    const t = await trx
      .selectFrom('tags')
      .select('id')
      .where('account_id', '=', accountId)
      .where('name', '=', tag)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('asset_tags')
      .values({ asset_id: assetId, tag_id: Number(t.id) })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (s.instance === undefined) return { assetId, instanceId: null };
  const i = s.instance;
  const key = { asset_id: assetId, port: i.port, protocol: i.protocol ?? 'tcp', fqdn: i.fqdn ?? '' };
  const found = await trx
    .selectFrom('host_instances')
    .select('id')
    .where('asset_id', '=', key.asset_id)
    .where('port', '=', key.port)
    .where('protocol', '=', key.protocol)
    .where('fqdn', '=', key.fqdn)
    .executeTakeFirst();
  let instanceId: number;
  const details = {
    ...(i.service !== undefined ? { service: i.service } : {}),
    ...(i.grade !== undefined ? { grade: i.grade } : {}),
    ...(i.sslProtocols !== undefined ? { ssl_protocols: json(i.sslProtocols) } : {}),
  };
  if (found !== undefined) {
    instanceId = Number(found.id);
    await trx
      .updateTable('host_instances')
      .set({ ...details, updated: at })
      .where('id', '=', instanceId)
      .execute();
  } else {
    const row = await trx
      .insertInto('host_instances')
      .values({ ...key, ...details, created: at, updated: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    instanceId = Number(row.id);
  }
  if (i.vulnerabilities !== undefined) {
    await trx.deleteFrom('instance_vulnerabilities').where('host_instance_id', '=', instanceId).execute();
    if (i.vulnerabilities.length > 0) {
      await trx
        .insertInto('instance_vulnerabilities')
        .values(
          i.vulnerabilities.map((v) => ({
            host_instance_id: instanceId,
            qid: v.qid,
            title: v.title,
            severity: v.severity,
          })),
        )
        .execute();
    }
  }
  return { assetId, instanceId };
}

async function upsert(db: Kysely<RepoDatabase>, batch: UpsertBatch): Promise<UpsertResult[]> {
  const { accountId, source, seenAt } = batch;
  // One row per certhash even when a batch repeats a certificate (a bundle and its chain, say).
  const unique = new Map<string, NewCertificate>();
  for (const it of batch.items) unique.set(it.certificate.certhash, it.certificate);
  return inTransaction(db, async (trx) => {
    const known = new Map<string, { id: number; sources: string }>();
    for (const hashes of chunks([...unique.keys()], IN_CHUNK)) {
      const rows = await trx
        .selectFrom('certificates')
        .select(['id', 'certhash', 'sources'])
        .where('account_id', '=', accountId)
        .where('certhash', 'in', hashes)
        .execute();
      for (const r of rows) known.set(r.certhash, { id: Number(r.id), sources: r.sources });
    }

    const results = new Map<string, UpsertResult>();
    const candidates = [...unique.values()].filter((c) => !known.has(c.certhash));
    for (const part of chunks(candidates, INSERT_CHUNK)) {
      // Another process (a second API node, a worker) may insert the same certificate between our
      // read and this write: DO NOTHING leaves it to the known-certificate path below.
      const rows = await trx
        .insertInto('certificates')
        .values(part.map((c) => certificateValues(accountId, c, source, seenAt)))
        .onConflict((oc) => oc.columns(['account_id', 'certhash']).doNothing())
        .returning(['id', 'certhash'])
        .execute();
      for (const r of rows)
        results.set(r.certhash, { certhash: r.certhash, id: Number(r.id), inserted: true });
    }
    const raced = candidates.filter((c) => !results.has(c.certhash)).map((c) => c.certhash);
    for (const hashes of chunks(raced, IN_CHUNK)) {
      for (const r of await trx
        .selectFrom('certificates')
        .select(['id', 'certhash', 'sources'])
        .where('account_id', '=', accountId)
        .where('certhash', 'in', hashes)
        .execute()) {
        known.set(r.certhash, { id: Number(r.id), sources: r.sources });
      }
    }
    const fresh = candidates.filter((c) => results.has(c.certhash));
    const names = fresh.flatMap((c) => {
      const id = results.get(c.certhash)!.id;
      const entries = [
        ...c.sanDns.map((v) => ['dns', v] as const),
        ...c.sanIp.map((v) => ['ip', v] as const),
        ...c.sanEmail.map((v) => ['email', v] as const),
        ...c.sanUri.map((v) => ['uri', v] as const),
      ];
      const seen = new Set<string>();
      return entries.flatMap(([kind, v]) => {
        const value = v.toLowerCase();
        const key = `${kind} ${value}`;
        if (seen.has(key)) return [];
        seen.add(key);
        return [{ certificate_id: id, account_id: accountId, kind, value }];
      });
    });
    for (const part of chunks(names, INSERT_CHUNK * 2)) {
      await trx.insertInto('certificate_names').values(part).execute();
    }

    for (const [certhash, k] of known) {
      const sources = parseList(k.sources);
      await trx
        .updateTable('certificates')
        .set((eb) => ({
          // lastFound only moves forward: an old import replayed must not hide a newer sighting.
          last_found: sql<number>`case when ${eb.ref('last_found')} < ${seenAt} then ${seenAt} else ${eb.ref('last_found')} end`,
          updated: seenAt,
          ...(sources.includes(source) ? {} : { sources: json([...sources, source]) }),
          ...(source === 'IMPORT' ? { imported: 1 } : {}),
        }))
        .where('id', '=', k.id)
        .execute();
      results.set(certhash, { certhash, id: k.id, inserted: false });
    }

    const newIds = fresh.map((c) => results.get(c.certhash)!.id);
    const touched = new Set(
      await linkChains(
        trx,
        accountId,
        fresh.map((c) => ({ id: results.get(c.certhash)!.id, c })),
      ),
    );

    // Sightings: assets, host instances, and the links from certificates to them.
    const assetIds = new Map<string, number>();
    const linked = new Set<number>();
    const assetsTouched = new Set<number>();
    for (const it of batch.items) {
      if (it.seenOn === undefined) continue;
      const certId = results.get(it.certificate.certhash)!.id;
      const { assetId, instanceId } = await recordSighting(trx, accountId, it.seenOn, seenAt, assetIds);
      await trx
        .insertInto('certificate_assets')
        .values({ certificate_id: certId, asset_id: assetId, created: seenAt, updated: seenAt })
        .onConflict((oc) => oc.columns(['certificate_id', 'asset_id']).doUpdateSet({ updated: seenAt }))
        .execute();
      if (instanceId !== null) {
        await trx
          .insertInto('certificate_instances')
          .values({ certificate_id: certId, host_instance_id: instanceId, last_found: seenAt })
          .onConflict((oc) =>
            oc.columns(['certificate_id', 'host_instance_id']).doUpdateSet({ last_found: seenAt }),
          )
          .execute();
      }
      linked.add(certId);
      assetsTouched.add(assetId);
    }
    for (const part of chunks([...linked], IN_CHUNK)) {
      await trx
        .updateTable('certificates')
        .set({
          asset_count: sql<number>`(select count(*) from certificate_assets ca where ca.certificate_id = certificates.id)`,
          instance_count: sql<number>`(select count(*) from certificate_instances ci where ci.certificate_id = certificates.id)`,
        })
        .where('id', 'in', part)
        .execute();
    }
    for (const part of chunks([...assetsTouched], IN_CHUNK)) {
      await trx
        .updateTable('assets')
        .set({
          certificate_count: sql<number>`(select count(*) from certificate_assets ca where ca.asset_id = assets.id)`,
        })
        .where('id', 'in', part)
        .execute();
    }

    for (const id of newIds) touched.add(id);
    await recomputeCategories(trx, accountId, [...touched]);
    return batch.items.map((it) => results.get(it.certificate.certhash)!);
  });
}

async function loadAssets(
  db: Executor,
  accountId: number,
  pairs: readonly { certificateId: number; assetId: number }[],
): Promise<Map<number, AssetRecord[]>> {
  const out = new Map<number, AssetRecord[]>();
  if (pairs.length === 0) return out;
  const assetIds = [...new Set(pairs.map((p) => p.assetId))];
  const certIds = [...new Set(pairs.map((p) => p.certificateId))];
  const assets = new Map<number, Selectable<Database['assets']>>();
  const interfaces = new Map<number, { hostname: string; address: string }[]>();
  const tags = new Map<number, { name: string; uuid: string }[]>();
  for (const ids of chunks(assetIds, IN_CHUNK)) {
    for (const a of await db
      .selectFrom('assets')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .execute()) {
      assets.set(Number(a.id), a);
    }
    for (const i of await db
      .selectFrom('asset_interfaces')
      .selectAll()
      .where('asset_id', 'in', ids)
      .orderBy('hostname')
      .orderBy('address')
      .execute()) {
      const list = interfaces.get(Number(i.asset_id)) ?? [];
      list.push({ hostname: i.hostname, address: i.address });
      interfaces.set(Number(i.asset_id), list);
    }
    for (const t of await db
      .selectFrom('asset_tags')
      .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
      .select(['asset_tags.asset_id', 'tags.name', 'tags.uuid'])
      .where('asset_tags.asset_id', 'in', ids)
      .orderBy('tags.name')
      .execute()) {
      const list = tags.get(Number(t.asset_id)) ?? [];
      list.push({ name: t.name, uuid: t.uuid });
      tags.set(Number(t.asset_id), list);
    }
  }
  // Host instances where each certificate was seen, with their vulnerabilities.
  const instances = new Map<string, HostInstanceRecord[]>();
  for (const ids of chunks(certIds, IN_CHUNK)) {
    const rows = await db
      .selectFrom('certificate_instances as ci')
      .innerJoin('host_instances as hi', 'hi.id', 'ci.host_instance_id')
      .select([
        'ci.certificate_id',
        'hi.id',
        'hi.asset_id',
        'hi.port',
        'hi.protocol',
        'hi.fqdn',
        'hi.service',
        'hi.grade',
        'hi.ssl_protocols',
      ])
      .where('ci.certificate_id', 'in', ids)
      .orderBy('hi.port')
      .execute();
    const vulns = new Map<number, { qid: number; title: string; severity: number }[]>();
    const instanceIds = [...new Set(rows.map((r) => Number(r.id)))];
    for (const iids of chunks(instanceIds, IN_CHUNK)) {
      for (const v of await db
        .selectFrom('instance_vulnerabilities')
        .selectAll()
        .where('host_instance_id', 'in', iids)
        .orderBy('qid')
        .execute()) {
        const list = vulns.get(Number(v.host_instance_id)) ?? [];
        list.push({ qid: Number(v.qid), title: v.title, severity: Number(v.severity) });
        vulns.set(Number(v.host_instance_id), list);
      }
    }
    for (const r of rows) {
      const key = `${r.certificate_id}/${r.asset_id}`;
      const list = instances.get(key) ?? [];
      list.push({
        id: Number(r.id),
        port: Number(r.port),
        protocol: r.protocol,
        fqdn: r.fqdn,
        service: r.service,
        grade: r.grade,
        sslProtocols: parseList(r.ssl_protocols),
        vulnerabilities: vulns.get(Number(r.id)) ?? [],
      });
      instances.set(key, list);
    }
  }
  for (const p of pairs) {
    const a = assets.get(p.assetId);
    if (a === undefined) continue;
    const list = out.get(p.certificateId) ?? [];
    list.push({
      id: Number(a.id),
      uuid: a.uuid,
      name: a.name,
      netbiosName: a.netbios_name,
      operatingSystem: a.operating_system,
      primaryIp: a.primary_ip,
      managed: Number(a.managed) === 1,
      certificateCount: Number(a.certificate_count),
      created: Number(a.created),
      updated: Number(a.updated),
      interfaces: interfaces.get(p.assetId) ?? [],
      tags: tags.get(p.assetId) ?? [],
      hostInstances: instances.get(`${p.certificateId}/${p.assetId}`) ?? [],
    });
    out.set(p.certificateId, list);
  }
  return out;
}

export function createInventoryRepository(store: Kysely<Database>): InventoryRepository {
  const db = asRepoDb(store);
  return {
    upsertCertificates: (batch) => upsert(db, batch),

    async listCertificates(page: CertificatePage) {
      let q = db.selectFrom('certificates as c').selectAll('c').where('c.account_id', '=', page.accountId);
      if (page.where !== undefined) q = q.where(page.where);
      for (const o of page.orderBy) q = q.orderBy(sql.ref(`c.${o.column}`), o.direction);
      // A unique tie-breaker keeps pages stable when the sort key repeats.
      q = q.orderBy('c.id', page.orderBy[0]?.direction ?? 'desc');
      const rows = await q.limit(page.limit).offset(page.offset).execute();
      return rows.map((r) => toCertificateRecord(r as CertRow));
    },

    async findCertificate(accountId, certhash) {
      const r = await db
        .selectFrom('certificates')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('certhash', '=', certhash)
        .executeTakeFirst();
      return r === undefined ? null : toCertificateRecord(r);
    },

    async assetsOfCertificates(accountId, certificateIds) {
      const pairs: { certificateId: number; assetId: number }[] = [];
      for (const ids of chunks(certificateIds, IN_CHUNK)) {
        const rows = await db
          .selectFrom('certificate_assets')
          .select(['certificate_id', 'asset_id'])
          .where('certificate_id', 'in', ids)
          .orderBy('updated', 'desc')
          .orderBy('asset_id', 'desc')
          .execute();
        for (const r of rows)
          pairs.push({ certificateId: Number(r.certificate_id), assetId: Number(r.asset_id) });
      }
      return loadAssets(db, accountId, pairs);
    },

    async listAssetsOfCertificate(page: AssetPage) {
      let q = db
        .selectFrom('assets as a')
        .innerJoin('certificate_assets as ca', 'ca.asset_id', 'a.id')
        .select(['a.id'])
        .where('a.account_id', '=', page.accountId)
        .where('ca.certificate_id', '=', page.certificateId);
      if (page.where !== undefined) q = q.where(page.where);
      for (const o of page.orderBy) q = q.orderBy(sql.ref(`a.${o.column}`), o.direction);
      q = q.orderBy('a.id', page.orderBy[0]?.direction ?? 'desc');
      const ids = (await q.limit(page.limit).offset(page.offset).execute()).map((r) => Number(r.id));
      const byCert = await loadAssets(
        db,
        page.accountId,
        ids.map((assetId) => ({ certificateId: page.certificateId, assetId })),
      );
      return byCert.get(page.certificateId) ?? [];
    },

    async approveCa(accountId, certhash, at) {
      await inTransaction(db, async (trx) => {
        await trx
          .insertInto('approved_cas')
          .values({ account_id: accountId, certhash, created_at: at })
          .onConflict((oc) => oc.doNothing())
          .execute();
        await recomputeCategories(trx, accountId);
      });
    },
  };
}
