/**
 * Reading CertView request bodies: the parameters of chapter 2, their defaults and limits, and
 * the errors a wrong one earns (1903 missing, 1904 exclusive, 1905 invalid, 140001 malformed).
 */
import { CertgridError } from '../../core/errors.js';
import { PAGE_SIZE_DEFAULT, type AssetType } from '../../core/inventory/index.js';
import { malformedJson } from './errors.js';
import {
  DEFAULT_GROUP_SCOPES,
  parseQql,
  structuredFilterToAst,
  type QqlNode,
} from '../../core/query/index.js';

export type Body = Readonly<Record<string, unknown>>;

/** The JSON body as an object; an absent or empty body is `{}`. */
export function bodyObject(body: unknown): Body {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw malformedJson();
  return body as Body;
}

const invalid = (field: string, value: unknown, why: string): CertgridError =>
  new CertgridError('INVALID_ARGUMENT', why, { field, data: { value: shownValue(value) } });

function shownValue(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** A whole number given as a JSON number or a numeric string. */
function integer(body: Body, field: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(field, v, 'must be a whole number');
  return n;
}

export interface Paging {
  readonly pageNumber: number;
  readonly pageSize: number;
}

/** pageNumber (0-based, default 0) and pageSize (default 10); their limits are checked by the core. */
export function paging(body: Body): Paging {
  return {
    pageNumber: integer(body, 'pageNumber', 0),
    pageSize: integer(body, 'pageSize', PAGE_SIZE_DEFAULT),
  };
}

export type SortKey = { readonly token: string; readonly direction: 'asc' | 'desc' };

/**
 * `sort`: `[{"lastFound":"desc"}]`, as a JSON array or as a string holding one (the spec types it
 * String); a bare object `{"lastFound":"desc"}` is accepted too. Undefined when absent.
 */
export function sortKeys(body: Body): SortKey[] | undefined {
  let v = body.sort;
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw invalid('sort', body.sort, 'must be a JSON list such as [{"lastFound":"desc"}]');
    }
  }
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0 || items.length > 5) throw invalid('sort', body.sort, 'must list 1-5 sort keys');
  return items.map((item) => {
    const entries = typeof item === 'object' && item !== null ? Object.entries(item as object) : [];
    const [token, dir] = entries[0] ?? [];
    const direction = typeof dir === 'string' ? dir.toLowerCase() : '';
    if (entries.length !== 1 || typeof token !== 'string' || (direction !== 'asc' && direction !== 'desc')) {
      throw invalid('sort', body.sort, 'each key must be {"<token>":"asc"|"desc"}');
    }
    return { token, direction };
  });
}

/**
 * The filter: a QQL string (old or new format), a structured object `{filters, operation}`, or
 * the structured form at the top level of the body (`filters` + `operation`), which today's
 * clients send. Giving both `filter` and `filters` is error 1904.
 */
export function filterOf(
  body: Body,
  opts: { readonly groupScopes?: readonly string[] } = {},
): QqlNode | undefined {
  const groupScopes = opts.groupScopes ?? DEFAULT_GROUP_SCOPES;
  const hasFilter = body.filter !== undefined && body.filter !== null && body.filter !== '';
  const hasFilters = body.filters !== undefined && body.filters !== null;
  if (hasFilter && hasFilters) {
    throw new CertgridError('CONFLICTING_ARGUMENTS', 'filter, filters', { field: 'filter,filters' });
  }
  if (hasFilters) {
    return structuredFilterToAst(
      { filters: body.filters, operation: body.operation ?? body.operator },
      { groupScopes },
    );
  }
  if (!hasFilter) return undefined;
  if (typeof body.filter === 'string') return parseQql(body.filter, { groupScopes });
  if (typeof body.filter === 'object') return structuredFilterToAst(body.filter, { groupScopes });
  throw invalid('filter', body.filter, 'must be a QQL string or a structured filter object');
}

/** One of `allowed` (case-insensitive), or `fallback` when absent. */
export function oneOf<T extends string>(body: Body, field: string, allowed: readonly T[], fallback: T): T {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  const found =
    typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase()) : undefined;
  if (found === undefined) throw invalid(field, v, `must be one of ${allowed.join(', ')}`);
  return found;
}

/** A list of allowed words, given as a JSON array or a comma-separated string. */
export function wordList<T extends string>(body: Body, field: string, allowed: readonly T[]): T[] {
  const v = body[field];
  if (v === undefined || v === null || v === '') return [];
  const words = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (words === undefined) throw invalid(field, v, `must be a list of ${allowed.join(', ')}`);
  return words.map((w) => {
    const found =
      typeof w === 'string' ? allowed.find((a) => a.toLowerCase() === w.trim().toLowerCase()) : undefined;
    if (found === undefined) throw invalid(field, w, `must be among ${allowed.join(', ')}`);
    return found;
  });
}

export const ASSET_TYPES: readonly AssetType[] = ['MANAGED', 'UNMANAGED', 'ALL'];
