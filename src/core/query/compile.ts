/**
 * QQL AST → Kysely SQL expressions, the same text on SQLite and PostgreSQL.
 *
 * Values are always bound parameters; identifiers come only from the registry and from aliases
 * generated here. Text matching is case-insensitive on both databases: `lower(column)` against a
 * lowered value, with LIKE patterns escaped (`\` as the explicit ESCAPE character, which both
 * accept), so `%` and `_` in a value are literal.
 *
 * The certificate listing compiles over alias `c` (table certificates); the asset listing over
 * alias `a` (assets) joined as `ca` (certificate_assets) to the certificate in question.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { CertgridError } from '../errors.js';
import { nodeLocation, type QqlNode, type QqlValue, type TermNode, type TextValue } from './ast.js';
import { shown } from './errors.js';
import { GROUPS, lookupToken, tokensOf, type Scope, type TokenSpec } from './registry.js';

const DAY_MS = 86_400_000;

export interface CompileOptions {
  /** "Now" for expiry groups, epoch ms (the injected clock's). */
  readonly now: number;
}

export interface CertificateCompileOptions extends CompileOptions {
  /** The account whose certificates are filtered: lets name lookups use the (account, kind, value) index. */
  readonly accountId?: number | undefined;
  /** MANAGED: seen on at least one managed asset; UNMANAGED: on none; ALL: no restriction. */
  readonly assetType?: 'MANAGED' | 'UNMANAGED' | 'ALL' | undefined;
}

interface Ctx {
  readonly scope: Scope;
  /** Alias of the scope's row. */
  readonly alias: string;
  /** SQL for the id of the certificate being filtered. */
  readonly certId: RawBuilder<unknown>;
  /** Alias of the enclosing asset row, when inside one. */
  readonly assetAlias?: string | undefined;
  readonly now: number;
  readonly accountId?: number | undefined;
  readonly aliases: { n: number };
}

type Bool = RawBuilder<SqlBool>;

function invalid(node: QqlNode | QqlValue, message: string): CertgridError {
  return new CertgridError('INVALID_ARGUMENT', `${message} at ${nodeLocation(node)}`, {
    field: 'filter',
    data: { position: node.position, ...(node.path === undefined ? {} : { path: node.path }) },
  });
}

/** A filter over certificates (alias `c`), or undefined when there is nothing to filter. */
export function compileCertificateFilter(
  node: QqlNode | undefined,
  opts: CertificateCompileOptions,
): Expression<SqlBool> | undefined {
  const ctx: Ctx = {
    scope: 'certificate',
    alias: 'c',
    certId: sql.ref('c.id'),
    now: opts.now,
    accountId: opts.accountId,
    aliases: { n: 0 },
  };
  const parts: Bool[] = [];
  if (node !== undefined) parts.push(compile(node, ctx));
  const managed = sql<SqlBool>`exists (select 1 from certificate_assets mca join assets ma on ma.id = mca.asset_id where mca.certificate_id = c.id and ma.managed = 1)`;
  if (opts.assetType === 'MANAGED') parts.push(managed);
  if (opts.assetType === 'UNMANAGED') parts.push(sql<SqlBool>`not ${managed}`);
  if (parts.length === 0) return undefined;
  return parts.reduce((l, r) => sql<SqlBool>`(${l} and ${r})`);
}

/** A filter over one certificate's assets (alias `a`, joined to it as `ca`). */
export function compileAssetFilter(
  node: QqlNode | undefined,
  opts: CompileOptions,
): Expression<SqlBool> | undefined {
  if (node === undefined) return undefined;
  return compile(node, {
    scope: 'asset',
    alias: 'a',
    assetAlias: 'a',
    certId: sql.ref('ca.certificate_id'),
    now: opts.now,
    aliases: { n: 0 },
  });
}

function sortColumn(scope: Scope, token: string): string {
  const spec = lookupToken(scope, token);
  if (spec === undefined || spec.sortable !== true || spec.column === undefined) {
    const sortable = tokensOf(scope)
      .filter((t) => t.sortable === true)
      .map((t) => t.token);
    throw new CertgridError(
      'INVALID_ARGUMENT',
      `cannot sort by '${shown(token)}'; sortable: ${sortable.join(', ')}`,
      {
        field: 'sort',
        data: { value: token },
      },
    );
  }
  return spec.column;
}

/** The certificates column a sort token orders by. @throws INVALID_ARGUMENT (field `sort`). */
export const certificateSortColumn = (token: string): string => sortColumn('certificate', token);
/** The assets column a sort token orders by. @throws INVALID_ARGUMENT (field `sort`). */
export const assetSortColumn = (token: string): string => sortColumn('asset', token);

function compile(node: QqlNode, ctx: Ctx): Bool {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${compile(node.left, ctx)} and ${compile(node.right, ctx)})`;
    case 'or':
      return sql<SqlBool>`(${compile(node.left, ctx)} or ${compile(node.right, ctx)})`;
    case 'not':
      return sql<SqlBool>`not (${compile(node.operand, ctx)})`;
    case 'group':
      return compileGroup(node.scope, node.body, node, ctx);
    case 'term':
      return compileTerm(node, spec(node, node.token, ctx), ctx);
    case 'empty': {
      const e = compileEmpty(node, spec(node, node.token, ctx), ctx);
      return node.negated ? sql<SqlBool>`not (${e})` : e;
    }
  }
}

function spec(node: QqlNode, token: string, ctx: Ctx): TokenSpec {
  const s = lookupToken(ctx.scope, token);
  if (s !== undefined) return s;
  const groups = Object.entries(GROUPS)
    .filter(([, g]) => g.inside.includes(ctx.scope))
    .map(([name]) => `${name}:(…)`);
  const known = [...tokensOf(ctx.scope).map((t) => t.token), ...groups];
  throw invalid(
    node,
    `unknown token '${shown(token)}' for ${ctx.scope} filters (known: ${known.join(', ')})`,
  );
}

/**
 * Ends a group nested in another group (an instance inside an asset, say), so it stays a probe of
 * the enclosing row's few instances. PostgreSQL turns a plain EXISTS into a semi-join and planned
 * `asset:(name:X AND instance:(port:443))` as a walk of every certificate by lastFound against all
 * port-443 instances: 375 ms on 200,000 certificates, 0.5 ms as a probe. A subquery with
 * LIMIT/OFFSET is not pulled up into a join (the planner's EXISTS simplification gives up on an
 * OFFSET); the same clause is valid and harmless on SQLite.
 */
const PROBE = sql` limit 1 offset 0`;

function compileGroup(scopeName: string, body: QqlNode, node: QqlNode, ctx: Ctx): Bool {
  const group = GROUPS[scopeName.toLowerCase()];
  if (group === undefined || !group.inside.includes(ctx.scope)) {
    throw invalid(node, `'${shown(scopeName)}:(…)' cannot be used in ${ctx.scope} filters`);
  }
  const n = ++ctx.aliases.n;
  if (n > 64) throw invalid(node, 'too many groups in one filter');
  const next = (scope: Scope, alias: string, assetAlias = ctx.assetAlias): Ctx => ({
    ...ctx,
    scope,
    alias,
    assetAlias,
  });
  const cert = ctx.certId;
  // Asset groups at the certificate level are an uncorrelated `id IN (subquery)`, which both
  // databases drive from the subquery's own indexes: asset names and addresses are selective, so
  // the few certificates are found without visiting the others. Instance and vulnerability groups
  // (port 443, severity >= 4) usually match a large share, where a correlated EXISTS probed while
  // walking the sort index stops after one page; building the whole set first would not.
  const top = ctx.scope === 'certificate';
  if (group.scope === 'asset') {
    const ca = `ca${n}`;
    const a = `a${n}`;
    const inner = compile(body, { ...next('asset', a, a), certId: sql.ref(`${ca}.certificate_id`) });
    const from = sql`from certificate_assets ${sql.raw(ca)} join assets ${sql.raw(a)} on ${sql.ref(`${a}.id`)} = ${sql.ref(`${ca}.asset_id`)}`;
    return sql<SqlBool>`${cert} in (select ${sql.ref(`${ca}.certificate_id`)} ${from} where ${inner})`;
  }
  if (group.scope === 'instance') {
    const ci = `ci${n}`;
    const hi = `hi${n}`;
    const inner = compile(body, { ...next('instance', hi), certId: sql.ref(`${ci}.certificate_id`) });
    const from = sql`from certificate_instances ${sql.raw(ci)} join host_instances ${sql.raw(hi)} on ${sql.ref(`${hi}.id`)} = ${sql.ref(`${ci}.host_instance_id`)}`;
    if (top)
      return sql<SqlBool>`exists (select 1 ${from} where ${sql.ref(`${ci}.certificate_id`)} = ${cert} and ${inner})`;
    return sql<SqlBool>`exists (select 1 ${from} where ${sql.ref(`${ci}.certificate_id`)} = ${cert} and ${sql.ref(`${hi}.asset_id`)} = ${sql.ref(`${ctx.assetAlias!}.id`)} and ${inner}${PROBE})`;
  }
  // vulnerability
  const v = `v${n}`;
  const inner = compile(body, next('vulnerability', v));
  if (ctx.scope === 'instance') {
    return sql<SqlBool>`exists (select 1 from instance_vulnerabilities ${sql.raw(v)} where ${sql.ref(`${v}.host_instance_id`)} = ${sql.ref(`${ctx.alias}.id`)} and ${inner}${PROBE})`;
  }
  const ci = `ci${n}`;
  const from = sql`from certificate_instances ${sql.raw(ci)} join instance_vulnerabilities ${sql.raw(v)} on ${sql.ref(`${v}.host_instance_id`)} = ${sql.ref(`${ci}.host_instance_id`)}`;
  if (top)
    return sql<SqlBool>`exists (select 1 ${from} where ${sql.ref(`${ci}.certificate_id`)} = ${cert} and ${inner})`;
  return sql<SqlBool>`exists (select 1 ${from} join host_instances ${sql.raw(`vh${n}`)} on ${sql.ref(`vh${n}.id`)} = ${sql.ref(`${ci}.host_instance_id`)} where ${sql.ref(`${ci}.certificate_id`)} = ${cert} and ${sql.ref(`vh${n}.asset_id`)} = ${sql.ref(`${ctx.assetAlias!}.id`)} and ${inner}${PROBE})`;
}

function col(spec: TokenSpec, ctx: Ctx): RawBuilder<unknown> {
  const ref = sql.ref(`${ctx.alias}.${spec.column!}`);
  return spec.nullable === true ? sql`coalesce(${ref}, '')` : ref;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const like = (expr: RawBuilder<unknown>, pattern: string): Bool =>
  sql<SqlBool>`lower(${expr}) like ${pattern} escape '\\'`;

/** Text match by mode: contains (default/phrase), exact, prefix; case-insensitive. */
function matchText(expr: RawBuilder<unknown>, v: TextValue, defaultMode: 'contains' | 'exact'): Bool {
  const text = v.text.toLowerCase();
  const mode = v.match === 'default' ? defaultMode : v.match === 'phrase' ? 'contains' : v.match;
  if (mode === 'exact') return sql<SqlBool>`lower(${expr}) = ${text}`;
  if (mode === 'prefix') return like(expr, `${escapeLike(text)}%`);
  return like(expr, `%${escapeLike(text)}%`);
}

function anyOf(items: readonly TextValue[], one: (v: TextValue) => Bool): Bool {
  const parts = items.map(one);
  return parts.reduce((l, r) => sql<SqlBool>`(${l} or ${r})`);
}

function onlyEquality(node: TermNode, spec: TokenSpec): void {
  if (node.operator !== ':' && node.operator !== '=') {
    throw invalid(node, `'${spec.token}' does not support '${node.operator}'`);
  }
}

function textOnly(node: TermNode, spec: TokenSpec): TextValue | readonly TextValue[] {
  if (node.value.kind === 'range') throw invalid(node.value, `'${spec.token}' does not take a range`);
  return node.value.kind === 'list' ? node.value.items : node.value;
}

function compileTerm(node: TermNode, spec: TokenSpec, ctx: Ctx): Bool {
  switch (spec.type) {
    case 'text':
    case 'keyword': {
      onlyEquality(node, spec);
      const v = textOnly(node, spec);
      const mode = spec.type === 'text' && node.operator === ':' ? 'contains' : 'exact';
      const one = (t: TextValue): Bool =>
        spec.lowercased === true && (t.match === 'exact' || t.match === 'default')
          ? sql<SqlBool>`${col(spec, ctx)} = ${t.text.toLowerCase()}`
          : matchText(col(spec, ctx), t, mode);
      return Array.isArray(v) ? anyOf(v, one) : one(v as TextValue);
    }
    case 'enum': {
      onlyEquality(node, spec);
      const v = textOnly(node, spec);
      const one = (t: TextValue): Bool => {
        const canonical = spec.values![t.text.toLowerCase().trim()];
        if (canonical === undefined) {
          throw invalid(
            t,
            `'${shown(t.text)}' is not a value of '${spec.token}' (one of ${[...new Set(Object.values(spec.values!))].join(', ')})`,
          );
        }
        return sql<SqlBool>`${col(spec, ctx)} = ${canonical}`;
      };
      return Array.isArray(v) ? anyOf(v, one) : one(v as TextValue);
    }
    case 'boolean': {
      onlyEquality(node, spec);
      const v = textOnly(node, spec);
      if (Array.isArray(v)) throw invalid(node.value, `'${spec.token}' takes true or false`);
      const t = (v as TextValue).text.toLowerCase();
      if (t !== 'true' && t !== 'false')
        throw invalid(node.value, `'${spec.token}' takes true or false, not '${shown(t)}'`);
      return sql<SqlBool>`${col(spec, ctx)} = ${t === 'true' ? 1 : 0}`;
    }
    case 'number':
    case 'date':
      return compileOrdered(node, spec, ctx);
    case 'list': {
      onlyEquality(node, spec);
      const v = textOnly(node, spec);
      const one = (t: TextValue): Bool => {
        const text = t.text.toLowerCase();
        // Exact: the JSON-encoded item with its quotes; otherwise anywhere in any item.
        if (t.match === 'exact') return like(col(spec, ctx), `%${escapeLike(JSON.stringify(text))}%`);
        if (t.match === 'prefix')
          return like(col(spec, ctx), `%${escapeLike(`"${JSON.stringify(text).slice(1, -1)}`)}%`);
        return like(col(spec, ctx), `%${escapeLike(JSON.stringify(text).slice(1, -1))}%`);
      };
      return Array.isArray(v) ? anyOf(v, one) : one(v as TextValue);
    }
    case 'names': {
      onlyEquality(node, spec);
      const v = textOnly(node, spec);
      const n = `n${++ctx.aliases.n}`;
      const value = sql.ref(`${n}.value`);
      const match = Array.isArray(v)
        ? anyOf(v, (t) => matchName(value, t))
        : matchName(value, v as TextValue);
      const kind = spec.nameKind === undefined ? sql`` : sql` and ${sql.ref(`${n}.kind`)} = ${spec.nameKind}`;
      // Uncorrelated, so the (account_id, kind, value) index finds the few certificates named.
      const account =
        ctx.accountId === undefined ? sql`` : sql`${sql.ref(`${n}.account_id`)} = ${ctx.accountId} and `;
      return sql<SqlBool>`${ctx.certId} in (select ${sql.ref(`${n}.certificate_id`)} from certificate_names ${sql.raw(n)} where ${account}${sql.ref(`${n}.kind`)} is not null${kind} and ${match})`;
    }
    case 'related':
      return compileRelated(node, spec, ctx);
    case 'expiry':
      return compileExpiry(node, spec, ctx);
  }
}

/** SAN values are stored lowercased, so exact and prefix matches use the index as is. */
function matchName(value: RawBuilder<unknown>, t: TextValue): Bool {
  const text = t.text.toLowerCase();
  if (t.match === 'exact' || t.match === 'default') return sql<SqlBool>`${value} = ${text}`;
  if (t.match === 'prefix') return sql<SqlBool>`${value} like ${`${escapeLike(text)}%`} escape '\\'`;
  return sql<SqlBool>`${value} like ${`%${escapeLike(text)}%`} escape '\\'`;
}

function compileRelated(node: TermNode, spec: TokenSpec, ctx: Ctx): Bool {
  onlyEquality(node, spec);
  const v = textOnly(node, spec);
  const n = ++ctx.aliases.n;
  const one = (expr: RawBuilder<unknown>) => (t: TextValue) => matchText(expr, t, 'contains');
  const owner = sql.ref(`${ctx.alias}.id`);
  if (spec.related === 'tag.name' || spec.related === 'tag.uuid') {
    const t = `t${n}`;
    const at = `at${n}`;
    const field = sql.ref(`${t}.${spec.related === 'tag.name' ? 'name' : 'uuid'}`);
    const m = Array.isArray(v) ? anyOf(v, one(field)) : one(field)(v as TextValue);
    return sql<SqlBool>`${owner} in (select ${sql.ref(`${at}.asset_id`)} from asset_tags ${sql.raw(at)} join tags ${sql.raw(t)} on ${sql.ref(`${t}.id`)} = ${sql.ref(`${at}.tag_id`)} where ${m})`;
  }
  const i = `i${n}`;
  const field = sql.ref(`${i}.${spec.related === 'interface.hostname' ? 'hostname' : 'address'}`);
  const m = Array.isArray(v) ? anyOf(v, one(field)) : one(field)(v as TextValue);
  // Uncorrelated: an address or host name is selective, and its lower() index finds the assets.
  return sql<SqlBool>`${owner} in (select ${sql.ref(`${i}.asset_id`)} from asset_interfaces ${sql.raw(i)} where ${m})`;
}

/** A number or a date in a filter: epoch ms, or ISO-8601 (a bare date is that UTC day). */
function parseOrdered(v: TextValue, spec: TokenSpec): { lo: number; hi: number } {
  const t = v.text.trim();
  if (spec.type === 'number') {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n))
      throw invalid(v, `'${spec.token}' takes a number, not '${shown(t)}'`);
    return { lo: n, hi: n };
  }
  if (/^\d{1,15}$/.test(t)) return { lo: Number(t), hi: Number(t) };
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const day = Date.parse(`${t}T00:00:00.000Z`);
    if (Number.isFinite(day)) return { lo: day, hi: day + DAY_MS - 1 };
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) {
    throw invalid(
      v,
      `'${spec.token}' takes a date (2024-01-31, 2024-01-31T10:00:00Z or epoch ms), not '${shown(t)}'`,
    );
  }
  return { lo: ms, hi: ms };
}

function compileOrdered(node: TermNode, spec: TokenSpec, ctx: Ctx): Bool {
  const c = col(spec, ctx);
  const value = node.value;
  if (value.kind === 'range') {
    if (node.operator !== ':') throw invalid(node, `a range goes with ':', not '${node.operator}'`);
    const lo = parseOrdered(value.low, spec);
    const hi = parseOrdered(value.high, spec);
    return value.inclusive
      ? sql<SqlBool>`(${c} >= ${lo.lo} and ${c} <= ${hi.hi})`
      : sql<SqlBool>`(${c} > ${lo.hi} and ${c} < ${hi.lo})`;
  }
  if (value.kind === 'list') {
    onlyEquality(node, spec);
    return anyOf(value.items, (t) => equalOrdered(c, parseOrdered(t, spec)));
  }
  const v = parseOrdered(value, spec);
  switch (node.operator) {
    case ':':
    case '=':
      return equalOrdered(c, v);
    case '>':
      return sql<SqlBool>`${c} > ${v.hi}`;
    case '>=':
      return sql<SqlBool>`${c} >= ${v.lo}`;
    case '<':
      return sql<SqlBool>`${c} < ${v.lo}`;
    case '<=':
      return sql<SqlBool>`${c} <= ${v.hi}`;
  }
}

function equalOrdered(c: RawBuilder<unknown>, v: { lo: number; hi: number }): Bool {
  return v.lo === v.hi ? sql<SqlBool>`${c} = ${v.lo}` : sql<SqlBool>`(${c} >= ${v.lo} and ${c} <= ${v.hi})`;
}

/** expiryGroup: `Expired`, `In N Days` (expires within N days, not yet expired), `More than N Days`. */
function compileExpiry(node: TermNode, spec: TokenSpec, ctx: Ctx): Bool {
  onlyEquality(node, spec);
  const v = textOnly(node, spec);
  const validTo = sql.ref(`${ctx.alias}.valid_to`);
  const one = (t: TextValue): Bool => {
    const text = t.text.trim().replace(/\s+/g, ' ').toLowerCase();
    if (text === 'expired') return sql<SqlBool>`${validTo} < ${ctx.now}`;
    const within = /^in (\d{1,5}) days?$/.exec(text);
    if (within) {
      return sql<SqlBool>`(${validTo} >= ${ctx.now} and ${validTo} < ${ctx.now + Number(within[1]) * DAY_MS})`;
    }
    const beyond = /^more than (\d{1,5}) days?$/.exec(text);
    if (beyond) return sql<SqlBool>`${validTo} >= ${ctx.now + Number(beyond[1]) * DAY_MS}`;
    throw invalid(t, `'${shown(t.text)}' is not an expiry group (Expired, In N Days, More than N Days)`);
  };
  return Array.isArray(v) ? anyOf(v, one) : one(v as TextValue);
}

function compileEmpty(node: QqlNode, spec: TokenSpec, ctx: Ctx): Bool {
  switch (spec.type) {
    case 'text':
    case 'keyword':
    case 'enum':
      return sql<SqlBool>`${col(spec, ctx)} = ''`;
    case 'list':
      return sql<SqlBool>`${col(spec, ctx)} = '[]'`;
    case 'names': {
      const n = `n${++ctx.aliases.n}`;
      const kind = spec.nameKind === undefined ? sql`` : sql` and ${sql.ref(`${n}.kind`)} = ${spec.nameKind}`;
      return sql<SqlBool>`not exists (select 1 from certificate_names ${sql.raw(n)} where ${sql.ref(`${n}.certificate_id`)} = ${ctx.certId}${kind})`;
    }
    case 'related': {
      const n = ++ctx.aliases.n;
      const owner = sql.ref(`${ctx.alias}.id`);
      if (spec.related === 'tag.name' || spec.related === 'tag.uuid') {
        return sql<SqlBool>`not exists (select 1 from asset_tags ${sql.raw(`at${n}`)} where ${sql.ref(`at${n}.asset_id`)} = ${owner})`;
      }
      return sql<SqlBool>`not exists (select 1 from asset_interfaces ${sql.raw(`i${n}`)} where ${sql.ref(`i${n}.asset_id`)} = ${owner})`;
    }
    default:
      throw invalid(node, `'${spec.token}' cannot be tested for emptiness`);
  }
}
