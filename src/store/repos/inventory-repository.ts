import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  AssetPage,
  AssetRecord,
  CertificatePage,
  CertificateRecord,
  CertificateSource,
  HostInstanceRecord,
  InstanceSighting,
  InventoryRepository,
  NameParts,
  NewCertificate,
  Sighting,
  UpsertBatch,
  UpsertResult,
} from '../../core/inventory/repository.js';
import type { Database } from '../schema.js';
import { insertTemplate, prepare } from './prepared.js';
import { asRepoDb, inTransaction, type Executor, type RepoDatabase } from './transaction.js';

type CertRow = Selectable<Database['certificates']>;

// Rows per multi-row INSERT: ~60 bound values per certificate keeps a statement under SQLite's
// 32,766 and PostgreSQL's 65,535 parameter limits with room to spare.
const INSERT_CHUNK = 200;
// Values per IN (...) list.
const IN_CHUNK = 500;
// Chains deeper than this are not followed (real ones have 2-4 levels; a loop must not spin).
const MAX_CHAIN_DEPTH = 8;
// The inventory_feeds row that follows the CA's orders (see migration 005).
const ORDERS_FEED = 'orders';

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
  link: ChainLink,
  category: string,
  counts: { readonly assets: number; readonly instances: number },
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
    issuer_category: category,
    valid_from: c.validFrom,
    valid_to: c.validTo,
    ...nameColumns('subject', c.subject),
    ...nameColumns('issuer', c.issuer),
    // The top of the known chain; while the chain leaves the inventory, the last issuer named.
    ...nameColumns('root', link.root.parts),
    subject_dn: c.subjectDn,
    issuer_dn: c.issuerDn,
    issuer_certhash: link.issuerCerthash,
    root_certhash: link.root.certhash,
    san_dns: json(c.sanDns),
    san_ip: json(c.sanIp),
    key_usage: json(c.keyUsage),
    enhanced_key_usage: json(c.enhancedKeyUsage),
    subject_key_id: c.subjectKeyId,
    auth_key_id: c.authKeyId,
    is_ca: c.isCa ? 1 : 0,
    sources: json([source]),
    imported: source === 'IMPORT' ? 1 : 0,
    asset_count: counts.assets,
    instance_count: counts.instances,
    first_found: seenAt,
    last_found: seenAt,
    created: seenAt,
    updated: seenAt,
  } as Insertable<Database['certificates']>;
}

function toCertificateRecord(r: CertRow): CertificateRecord {
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

/** Where a new certificate hangs: its issuer (when known) and the top of its chain. */
interface ChainLink {
  readonly issuerCerthash: string | null;
  readonly root: RootInfo;
}

/**
 * Chain linking, before anything is written, so each new certificate is inserted once with its
 * final issuer, root and category (on PostgreSQL every later UPDATE of a wide row is a new row
 * version in every index). A certificate's issuer is a CA certificate of the same account, stored
 * or in this batch, whose subject is the certificate's issuer name and, when the certificate
 * carries an authority key identifier, whose subject key identifier matches it (RFC 5280 §4.2.1.1:
 * the AKI is how a chain is built when names repeat).
 */
async function resolveChains(
  trx: Executor,
  accountId: number,
  certs: readonly NewCertificate[],
): Promise<Map<string, ChainLink>> {
  const batch = new Map(certs.map((c) => [c.certhash, c]));
  const orphans = certs.filter((c) => !c.selfSigned);
  type Candidate = { certhash: string; subjectKeyId: string | null; stored?: CertRow };
  const candidates = new Map<string, Candidate[]>();
  const add = (dn: string, cand: Candidate) => candidates.set(dn, [...(candidates.get(dn) ?? []), cand]);
  for (const dns of chunks([...new Set(orphans.map((c) => c.issuerDn))], IN_CHUNK)) {
    for (const r of await trx
      .selectFrom('certificates')
      .selectAll()
      .where('account_id', '=', accountId)
      // A literal, not a bound value: SQLite only uses a partial index when the query's own WHERE
      // proves the index's (`is_ca = 1`); with `is_ca = ?` it walked the account's rows instead.
      .where('is_ca', '=', sql.lit(1))
      .where('subject_dn', 'in', dns)
      .execute()) {
      if (!batch.has(r.certhash))
        add(r.subject_dn, { certhash: r.certhash, subjectKeyId: r.subject_key_id, stored: r });
    }
  }
  for (const c of certs) if (c.isCa) add(c.subjectDn, { certhash: c.certhash, subjectKeyId: c.subjectKeyId });

  const links = new Map<string, ChainLink>();
  const linkOf = (c: NewCertificate, depth = 0): ChainLink => {
    const memo = links.get(c.certhash);
    if (memo !== undefined) return memo;
    let link: ChainLink;
    const issuer = c.selfSigned
      ? undefined
      : (candidates.get(c.issuerDn) ?? []).find(
          (i) => i.certhash !== c.certhash && (c.authKeyId === null || i.subjectKeyId === c.authKeyId),
        );
    if (c.selfSigned) link = { issuerCerthash: c.certhash, root: { parts: c.subject, certhash: c.certhash } };
    else if (issuer === undefined) link = { issuerCerthash: null, root: { parts: c.issuer, certhash: null } };
    else if (issuer.stored !== undefined) {
      const row = issuer.stored as unknown as Record<string, unknown>;
      link = {
        issuerCerthash: issuer.certhash,
        root: { parts: namePartsOf(row, 'root'), certhash: issuer.stored.root_certhash },
      };
    } else if (depth >= MAX_CHAIN_DEPTH) {
      link = { issuerCerthash: issuer.certhash, root: { parts: c.issuer, certhash: null } };
    } else {
      link = { issuerCerthash: issuer.certhash, root: linkOf(batch.get(issuer.certhash)!, depth + 1).root };
    }
    links.set(c.certhash, link);
    return link;
  };
  for (const c of certs) linkOf(c);
  return links;
}

/**
 * After new CA certificates are stored: each adopts known certificates that were waiting for it,
 * and its root is pushed down to their descendants. Returns the ids changed.
 */
async function adoptChildren(
  trx: Executor,
  accountId: number,
  newCas: readonly NewCertificate[],
  freshIds: ReadonlySet<number>,
): Promise<number[]> {
  const touched = new Set<number>();
  let level: string[] = [];
  for (const ca of newCas) {
    const adopted = await trx
      .updateTable('certificates')
      .set({ issuer_certhash: ca.certhash })
      .where('account_id', '=', accountId)
      .where('issuer_certhash', 'is', null)
      .where('self_signed', '=', 0)
      .where('issuer_dn', '=', ca.subjectDn)
      .where((eb) =>
        ca.subjectKeyId === null
          ? eb('auth_key_id', 'is', null)
          : eb.or([eb('auth_key_id', '=', ca.subjectKeyId), eb('auth_key_id', 'is', null)]),
      )
      .returning('id')
      .execute();
    for (const r of adopted) touched.add(Number(r.id));
    level.push(ca.certhash);
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
      // Certificates of this batch already carry their final root.
      const children = (
        await trx
          .selectFrom('certificates')
          .select(['id', 'certhash', 'is_ca'])
          .where('account_id', '=', accountId)
          .where('issuer_certhash', '=', parentHash)
          .where('self_signed', '=', 0)
          .execute()
      ).filter((ch) => !freshIds.has(Number(ch.id)));
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

/**
 * Records where certificates were seen, set-wise: a batch of a thousand sightings costs a dozen
 * statements, not a dozen per sighting. Creates or refreshes assets (by name), their interfaces and
 * tags, host instances (asset + port + protocol + fqdn) and their vulnerability lists, and links each
 * certificate to its asset and instance. Returns the certificate and asset ids whose links changed.
 */
async function recordSightings(
  trx: Executor,
  accountId: number,
  sightings: readonly { readonly certId: number; readonly s: Sighting }[],
  at: number,
): Promise<{ certIds: number[]; assetIds: number[] }> {
  if (sightings.length === 0) return { certIds: [], assetIds: [] };
  // 1. Assets by name: the last sighting of a name in the batch gives its details.
  const byName = new Map<string, Sighting>();
  for (const { s } of sightings)
    byName.set(s.assetName, { ...byName.get(s.assetName), ...definedOnly(s) } as Sighting);
  const assetId = new Map<string, number>();
  type AssetNow = {
    id: number;
    name: string;
    operating_system: string;
    netbios_name: string;
    primary_ip: string;
    managed: number;
  };
  const existing: AssetNow[] = [];
  // Insert first, then read back only the assets that were already there (see upsert()).
  const all = [...byName.values()];
  for (const part of chunks(all, INSERT_CHUNK)) {
    const rows = await trx
      .insertInto('assets')
      .values(
        part.map((s) => ({
          account_id: accountId,
          uuid: randomUUID(),
          name: s.assetName,
          netbios_name: s.netbiosName ?? '',
          operating_system: s.operatingSystem ?? '',
          primary_ip: s.address ?? '',
          managed: s.managed === false ? 0 : 1,
          created: at,
          updated: at,
        })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
      .returning(['id', 'name'])
      .execute();
    for (const r of rows) assetId.set(r.name, Number(r.id));
  }
  const present = all.filter((s) => !assetId.has(s.assetName)).map((s) => s.assetName);
  for (const names of chunks(present, IN_CHUNK)) {
    for (const r of await trx
      .selectFrom('assets')
      .select(['id', 'name', 'operating_system', 'netbios_name', 'primary_ip', 'managed'])
      .where('account_id', '=', accountId)
      .where('name', 'in', names)
      .execute()) {
      assetId.set(r.name, Number(r.id));
      existing.push({ ...r, id: Number(r.id), managed: Number(r.managed) });
    }
  }
  // Refreshed in groups of identical changes: one statement for all assets that only get `updated`.
  const assetUpdates = new Map<string, { set: Record<string, unknown>; ids: number[] }>();
  for (const now of existing) {
    const s = byName.get(now.name)!;
    // Only what changed is written: a re-sighting usually changes nothing but `updated`.
    const set = {
      ...(s.operatingSystem && s.operatingSystem !== now.operating_system
        ? { operating_system: s.operatingSystem }
        : {}),
      ...(s.netbiosName && s.netbiosName !== now.netbios_name ? { netbios_name: s.netbiosName } : {}),
      ...(s.address && s.address !== now.primary_ip ? { primary_ip: s.address } : {}),
      // Once managed, an asset stays managed; an import never demotes it.
      ...(s.managed && now.managed !== 1 ? { managed: 1 } : {}),
    };
    const id = now.id;
    const key = JSON.stringify(set);
    const group = assetUpdates.get(key) ?? { set, ids: [] as number[] };
    group.ids.push(id);
    assetUpdates.set(key, group);
  }
  for (const { set, ids } of assetUpdates.values()) {
    for (const part of chunks(ids, IN_CHUNK)) {
      await trx
        .updateTable('assets')
        .set({ ...set, updated: at })
        .where('id', 'in', part)
        .execute();
    }
  }

  // 2. Interfaces and tags.
  const interfaces = new Map<string, { asset_id: number; hostname: string; address: string }>();
  const tagLinks = new Map<string, { assetId: number; tag: string }>();
  for (const { s } of sightings) {
    const aid = assetId.get(s.assetName)!;
    if (s.address !== undefined || s.hostname !== undefined) {
      const row = { asset_id: aid, hostname: s.hostname ?? '', address: s.address ?? '' };
      interfaces.set(`${aid}\u0000${row.hostname}\u0000${row.address}`, row);
    }
    for (const tag of s.tags ?? []) tagLinks.set(`${aid}\u0000${tag}`, { assetId: aid, tag });
  }
  for (const part of chunks([...interfaces.values()], INSERT_CHUNK)) {
    await trx
      .insertInto('asset_interfaces')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const tagNames = [...new Set([...tagLinks.values()].map((t) => t.tag))];
  const tagId = new Map<string, number>();
  for (const names of chunks(tagNames, IN_CHUNK)) {
    await trx
      .insertInto('tags')
      .values(names.map((name) => ({ account_id: accountId, uuid: randomUUID(), name })))
      .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
      .execute();
    for (const r of await trx
      .selectFrom('tags')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .where('name', 'in', names)
      .execute()) {
      tagId.set(r.name, Number(r.id));
    }
  }
  for (const part of chunks([...tagLinks.values()], INSERT_CHUNK)) {
    await trx
      .insertInto('asset_tags')
      .values(part.map((t) => ({ asset_id: t.assetId, tag_id: tagId.get(t.tag)! })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  // 3. Host instances.
  const instanceKey = (aid: number, i: InstanceSighting) =>
    `${aid}\u0000${i.port}\u0000${i.protocol ?? 'tcp'}\u0000${i.fqdn ?? ''}`;
  const wanted = new Map<string, { aid: number; i: InstanceSighting }>();
  for (const { s } of sightings) {
    if (s.instance === undefined) continue;
    const aid = assetId.get(s.assetName)!;
    const key = instanceKey(aid, s.instance);
    const prev = wanted.get(key);
    wanted.set(key, { aid, i: { ...prev?.i, ...definedOnly(s.instance) } as InstanceSighting });
  }
  const instanceId = new Map<string, number>();
  const instanceNow = new Map<string, { service: string; grade: string; ssl_protocols: string }>();
  const instanceAssets = [...new Set([...wanted.values()].map((w) => w.aid))];
  for (const ids of chunks(instanceAssets, IN_CHUNK)) {
    for (const r of await trx
      .selectFrom('host_instances')
      .select(['id', 'asset_id', 'port', 'protocol', 'fqdn', 'service', 'grade', 'ssl_protocols'])
      .where('asset_id', 'in', ids)
      .execute()) {
      const key = `${r.asset_id}\u0000${r.port}\u0000${r.protocol}\u0000${r.fqdn}`;
      if (!wanted.has(key)) continue;
      instanceId.set(key, Number(r.id));
      instanceNow.set(key, { service: r.service, grade: r.grade, ssl_protocols: r.ssl_protocols });
    }
  }
  const details = (i: InstanceSighting) => ({
    ...(i.service !== undefined ? { service: i.service } : {}),
    ...(i.grade !== undefined ? { grade: i.grade } : {}),
    ...(i.sslProtocols !== undefined ? { ssl_protocols: json(i.sslProtocols) } : {}),
  });
  const instanceUpdates = new Map<string, { set: Record<string, unknown>; ids: number[] }>();
  for (const [key, { i }] of wanted) {
    const id = instanceId.get(key);
    if (id === undefined) continue;
    const now = instanceNow.get(key)!;
    const set = Object.fromEntries(
      Object.entries(details(i)).filter(([column, value]) => now[column as keyof typeof now] !== value),
    );
    const k = JSON.stringify(set);
    const group = instanceUpdates.get(k) ?? { set, ids: [] as number[] };
    group.ids.push(id);
    instanceUpdates.set(k, group);
  }
  for (const { set, ids } of instanceUpdates.values()) {
    for (const part of chunks(ids, IN_CHUNK)) {
      await trx
        .updateTable('host_instances')
        .set({ ...set, updated: at })
        .where('id', 'in', part)
        .execute();
    }
  }
  const newInstances = [...wanted.entries()].filter(([key]) => !instanceId.has(key));
  for (const part of chunks(newInstances, INSERT_CHUNK)) {
    const rows = await trx
      .insertInto('host_instances')
      .values(
        part.map(([, { aid, i }]) => ({
          asset_id: aid,
          port: i.port,
          protocol: i.protocol ?? 'tcp',
          fqdn: i.fqdn ?? '',
          // Every column given: in a multi-row insert SQLite has no DEFAULT for a missing one.
          service: i.service ?? '',
          grade: i.grade ?? '',
          ssl_protocols: json(i.sslProtocols ?? []),
          created: at,
          updated: at,
        })),
      )
      .returning(['id', 'asset_id', 'port', 'protocol', 'fqdn'])
      .execute();
    for (const r of rows)
      instanceId.set(`${r.asset_id}\u0000${r.port}\u0000${r.protocol}\u0000${r.fqdn}`, Number(r.id));
  }
  const withVulns = [...wanted.entries()].filter(([, w]) => w.i.vulnerabilities !== undefined);
  for (const part of chunks(withVulns, IN_CHUNK)) {
    await trx
      .deleteFrom('instance_vulnerabilities')
      .where(
        'host_instance_id',
        'in',
        part.map(([key]) => instanceId.get(key)!),
      )
      .execute();
  }
  const vulnRows = withVulns.flatMap(([key, w]) => {
    const seen = new Set<number>();
    return w.i.vulnerabilities!.flatMap((v) => {
      if (seen.has(v.qid)) return [];
      seen.add(v.qid);
      return [{ host_instance_id: instanceId.get(key)!, qid: v.qid, title: v.title, severity: v.severity }];
    });
  });
  for (const part of chunks(vulnRows, INSERT_CHUNK * 2)) {
    await trx.insertInto('instance_vulnerabilities').values(part).execute();
  }

  // 4. Links from certificates to assets and instances.
  const certAssets = new Map<
    string,
    { certificate_id: number; asset_id: number; created: number; updated: number }
  >();
  const certInstances = new Map<
    string,
    { certificate_id: number; host_instance_id: number; last_found: number }
  >();
  for (const { certId, s } of sightings) {
    const aid = assetId.get(s.assetName)!;
    certAssets.set(`${certId}\u0000${aid}`, {
      certificate_id: certId,
      asset_id: aid,
      created: at,
      updated: at,
    });
    if (s.instance !== undefined) {
      const iid = instanceId.get(instanceKey(aid, s.instance))!;
      certInstances.set(`${certId}\u0000${iid}`, {
        certificate_id: certId,
        host_instance_id: iid,
        last_found: at,
      });
    }
  }
  for (const part of chunks([...certAssets.values()], INSERT_CHUNK)) {
    await trx
      .insertInto('certificate_assets')
      .values(part)
      .onConflict((oc) => oc.columns(['certificate_id', 'asset_id']).doUpdateSet({ updated: at }))
      .execute();
  }
  for (const part of chunks([...certInstances.values()], INSERT_CHUNK)) {
    await trx
      .insertInto('certificate_instances')
      .values(part)
      .onConflict((oc) => oc.columns(['certificate_id', 'host_instance_id']).doUpdateSet({ last_found: at }))
      .execute();
  }
  return {
    certIds: [...new Set(sightings.map((x) => x.certId))],
    assetIds: [...new Set(assetId.values())],
  };
}

/** The object without its undefined properties, so spreading it never erases a known value. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Certificate hashes of the account's approved CAs and of certgrid's own. */
async function approvedCas(trx: Executor, accountId: number): Promise<Set<string>> {
  const own = await trx.selectFrom('cas').select('certhash').execute();
  const listed = await trx
    .selectFrom('approved_cas')
    .select('certhash')
    .where('account_id', '=', accountId)
    .execute();
  return new Set([...own, ...listed].map((r) => r.certhash));
}

/** Distinct assets and host instances each certificate of a batch is seen on. */
function sightingCounts(
  items: UpsertBatch['items'],
): (certhash: string) => { assets: number; instances: number } {
  const assets = new Map<string, Set<string>>();
  const instances = new Map<string, Set<string>>();
  for (const { certificate, seenOn } of items) {
    if (seenOn === undefined) continue;
    const a = assets.get(certificate.certhash) ?? new Set<string>();
    a.add(seenOn.assetName);
    assets.set(certificate.certhash, a);
    if (seenOn.instance !== undefined) {
      const i = instances.get(certificate.certhash) ?? new Set<string>();
      const { port, protocol, fqdn } = seenOn.instance;
      i.add(JSON.stringify([seenOn.assetName, port, protocol ?? 'tcp', fqdn ?? '']));
      instances.set(certificate.certhash, i);
    }
  }
  return (certhash) => ({
    assets: assets.get(certhash)?.size ?? 0,
    instances: instances.get(certhash)?.size ?? 0,
  });
}

/** New certificate rows; a known certhash is skipped (read back and refreshed by the caller). */
const insertCertificates = insertTemplate((db, rows: readonly Insertable<Database['certificates']>[]) =>
  db
    .insertInto('certificates')
    .values(rows as Insertable<Database['certificates']>[])
    .onConflict((oc) => oc.columns(['account_id', 'certhash']).doNothing())
    .returning(['id', 'certhash']),
);

const upsert = (db: Kysely<RepoDatabase>, batch: UpsertBatch): Promise<UpsertResult[]> =>
  inTransaction(db, (trx) => upsertIn(trx, batch));

async function upsertIn(trx: Executor, batch: UpsertBatch): Promise<UpsertResult[]> {
  const { accountId, source, seenAt } = batch;
  // One row per certhash even when a batch repeats a certificate (a bundle and its chain, say).
  const unique = new Map<string, NewCertificate>();
  const firstSeen = new Map<string, number>();
  for (const it of batch.items) {
    unique.set(it.certificate.certhash, it.certificate);
    if (it.seenAt !== undefined) firstSeen.set(it.certificate.certhash, it.seenAt);
  }
  // Insert first, look up only what was already there: a bulk import of new certificates then
  // never runs the lookup (on a table growing faster than its statistics, PostgreSQL planned it
  // as a sequential scan), and a concurrent insert by another process lands in the same path.
  const known = new Map<string, { id: number; sources: string }>();
  const results = new Map<string, UpsertResult>();
  const candidates = [...unique.values()];
  // Everything a new row needs is worked out first, so it is written once.
  const links = await resolveChains(trx, accountId, candidates);
  const approved = await approvedCas(trx, accountId);
  const category = (c: NewCertificate, link: ChainLink): string =>
    c.selfSigned
      ? 'self-signed'
      : (link.issuerCerthash !== null && approved.has(link.issuerCerthash)) ||
          (link.root.certhash !== null && approved.has(link.root.certhash))
        ? 'approved'
        : 'unapproved';
  const counts = sightingCounts(batch.items);
  for (const part of chunks(candidates, INSERT_CHUNK)) {
    const rows = await insertCertificates(
      trx,
      part.map((c) => {
        const link = links.get(c.certhash)!;
        return certificateValues(
          accountId,
          c,
          source,
          firstSeen.get(c.certhash) ?? seenAt,
          link,
          category(c, link),
          counts(c.certhash),
        );
      }),
    );
    for (const r of rows) results.set(r.certhash, { certhash: r.certhash, id: Number(r.id), inserted: true });
  }
  const present = candidates.filter((c) => !results.has(c.certhash)).map((c) => c.certhash);
  for (const hashes of chunks(present, IN_CHUNK)) {
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

  // Known certificates, grouped by their new `sources` so a re-import is a few statements.
  const refresh = new Map<string, number[]>();
  for (const [certhash, k] of known) {
    const sources = parseList(k.sources);
    const next = sources.includes(source) ? '' : json([...sources, source]);
    refresh.set(next, [...(refresh.get(next) ?? []), k.id]);
    results.set(certhash, { certhash, id: k.id, inserted: false });
  }
  for (const [sources, ids] of refresh) {
    for (const part of chunks(ids, IN_CHUNK)) {
      await trx
        .updateTable('certificates')
        .set((eb) => ({
          // lastFound only moves forward: an old import replayed must not hide a newer sighting.
          last_found: sql<number>`case when ${eb.ref('last_found')} < ${seenAt} then ${seenAt} else ${eb.ref('last_found')} end`,
          updated: seenAt,
          ...(sources === '' ? {} : { sources }),
          ...(source === 'IMPORT' ? { imported: 1 } : {}),
        }))
        .where('id', 'in', part)
        .execute();
    }
  }

  const freshIds = new Set(fresh.map((c) => results.get(c.certhash)!.id));
  const newCas = fresh.filter((c) => c.isCa);
  const touched = new Set(newCas.length === 0 ? [] : await adoptChildren(trx, accountId, newCas, freshIds));

  // Sightings: assets, host instances, and the links from certificates to them.
  const sighted = await recordSightings(
    trx,
    accountId,
    batch.items.flatMap((it) =>
      it.seenOn === undefined ? [] : [{ certId: results.get(it.certificate.certhash)!.id, s: it.seenOn }],
    ),
    seenAt,
  );
  // New certificates were inserted with their counts; known ones may have gained links.
  const linked = sighted.certIds.filter((id) => !freshIds.has(id));
  const assetsTouched = sighted.assetIds;
  for (const part of chunks(linked, IN_CHUNK)) {
    await trx
      .updateTable('certificates')
      .set({
        asset_count: sql<number>`(select count(*) from certificate_assets ca where ca.certificate_id = certificates.id)`,
        instance_count: sql<number>`(select count(*) from certificate_instances ci where ci.certificate_id = certificates.id)`,
      })
      .where('id', 'in', part)
      .execute();
  }
  for (const part of chunks(assetsTouched, IN_CHUNK)) {
    await trx
      .updateTable('assets')
      .set({
        certificate_count: sql<number>`(select count(*) from certificate_assets ca where ca.asset_id = assets.id)`,
      })
      .where('id', 'in', part)
      .execute();
  }

  if (touched.size > 0) await recomputeCategories(trx, accountId, [...touched]);
  return batch.items.map((it) => results.get(it.certificate.certhash)!);
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
  const instances = new Map<string, HostInstanceRecord[]>();
  const vulns = new Map<number, { qid: number; title: string; severity: number }[]>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  };
  // Independent reads run concurrently: on PostgreSQL each is a round trip on its own pooled
  // connection; on SQLite they simply run one after the other.
  await Promise.all([
    ...chunks(assetIds, IN_CHUNK).flatMap((ids) => [
      db
        .selectFrom('assets')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute()
        .then((rows) => rows.forEach((a) => assets.set(Number(a.id), a))),
      db
        .selectFrom('asset_interfaces')
        .selectAll()
        .where('asset_id', 'in', ids)
        .orderBy('hostname')
        .orderBy('address')
        .execute()
        .then((rows) =>
          rows.forEach((i) =>
            push(interfaces, Number(i.asset_id), { hostname: i.hostname, address: i.address }),
          ),
        ),
      db
        .selectFrom('asset_tags')
        .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
        .select(['asset_tags.asset_id', 'tags.name', 'tags.uuid'])
        .where('asset_tags.asset_id', 'in', ids)
        .orderBy('tags.name')
        .execute()
        .then((rows) => rows.forEach((t) => push(tags, Number(t.asset_id), { name: t.name, uuid: t.uuid }))),
    ]),
    // Host instances where each certificate was seen, and their vulnerabilities.
    ...chunks(certIds, IN_CHUNK).flatMap((ids) => {
      const seenOn = db
        .selectFrom('certificate_instances as ci')
        .innerJoin('host_instances as hi', 'hi.id', 'ci.host_instance_id')
        .where('ci.certificate_id', 'in', ids);
      return [
        seenOn
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
          .orderBy('hi.port')
          .execute()
          .then((rows) =>
            rows.forEach((r) =>
              push(instances, `${r.certificate_id}/${r.asset_id}`, {
                id: Number(r.id),
                port: Number(r.port),
                protocol: r.protocol,
                fqdn: r.fqdn,
                service: r.service,
                grade: r.grade,
                sslProtocols: parseList(r.ssl_protocols),
                vulnerabilities: [] as { qid: number; title: string; severity: number }[],
              }),
            ),
          ),
        seenOn
          .innerJoin('instance_vulnerabilities as v', 'v.host_instance_id', 'hi.id')
          .select(['v.host_instance_id', 'v.qid', 'v.title', 'v.severity'])
          .distinct()
          .orderBy('v.qid')
          .execute()
          .then((rows) =>
            rows.forEach((v) =>
              push(vulns, Number(v.host_instance_id), {
                qid: Number(v.qid),
                title: v.title,
                severity: Number(v.severity),
              }),
            ),
          ),
      ];
    }),
  ]);
  for (const list of instances.values()) {
    for (const i of list)
      (i.vulnerabilities as { qid: number; title: string; severity: number }[]).push(
        ...(vulns.get(i.id) ?? []),
      );
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
  // Every inventory read asks this first (see core/inventory/issued-feed.ts): compiled once.
  const unrecordedIssued = prepare(
    db,
    (feed: string) =>
      db
        .selectFrom('orders')
        .select('id')
        .where('id', '>', (eb) => eb.selectFrom('inventory_feeds').select('last_id').where('name', '=', feed))
        .limit(sql.lit(1)),
    [ORDERS_FEED],
  );
  return {
    upsertCertificates: (batch) => upsert(db, batch),

    async hasUnrecordedIssued() {
      return (await unrecordedIssued(ORDERS_FEED)).length > 0;
    },

    recordIssued: (limit, toBatches) =>
      inTransaction(db, async (trx) => {
        // A no-op update takes the cursor's row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already
        // holds the write lock), so workers catching up at once take turns and never read the same orders.
        const cursor = await trx
          .updateTable('inventory_feeds')
          .set((eb) => ({ last_id: eb.ref('last_id') }))
          .where('name', '=', ORDERS_FEED)
          .returning('last_id')
          .executeTakeFirstOrThrow();
        const orders = await trx
          .selectFrom('orders')
          .select(['id', 'account_id', 'ca_id', 'cert_der', 'created_at'])
          .where('id', '>', cursor.last_id)
          .orderBy('id', 'asc')
          .limit(limit)
          .execute();
        if (orders.length === 0) return 0;
        const cas = new Map(
          (await trx.selectFrom('cas').select(['id', 'parent_id', 'cert_der']).execute()).map((c) => [
            c.id,
            c,
          ]),
        );
        const chainOf = (caId: string): Uint8Array[] => {
          const chain: Uint8Array[] = [];
          for (let ca = cas.get(caId); ca !== undefined && chain.length < MAX_CHAIN_DEPTH;) {
            chain.push(ca.cert_der);
            ca = ca.parent_id === null ? undefined : cas.get(ca.parent_id);
          }
          return chain;
        };
        const issued = orders.map((o) => ({
          orderId: Number(o.id),
          accountId: Number(o.account_id),
          der: o.cert_der,
          issuedAt: Number(o.created_at),
          caChain: chainOf(o.ca_id),
        }));
        for (const batch of toBatches(issued)) await upsertIn(trx, batch);
        await trx
          .updateTable('inventory_feeds')
          .set({ last_id: Number(orders[orders.length - 1]!.id) })
          .where('name', '=', ORDERS_FEED)
          .execute();
        return orders.length;
      }),

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

    async setOrderStatus(accountId, certhash, status, at) {
      const r = await db
        .updateTable('certificates')
        .set({ order_status: status, updated: at })
        .where('account_id', '=', accountId)
        .where('certhash', '=', certhash)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
