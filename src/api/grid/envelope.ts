import { XMLBuilder } from 'fast-xml-parser';
import type { GridError } from './errors.js';
import type { ResponseType } from './params.js';

/**
 * The Grid API response envelope, in JSON or XML (spec section 1 and the examples of each action).
 *
 * Actions describe their `return` as a small value tree; lists are GridList values that know the
 * element name of their items, because XML needs it and JSON does not:
 *
 * - XML renders a list as repeated child elements (`<sans><san>a</san><san>b</san></sans>`,
 *   `<requests><request>…</request></requests>`); an empty list or value is self-closing (`<sans/>`).
 * - JSON renders a list as a plain array (`"sans":["a","b"]`, `"requests":[{"request_details":{…},
 *   "submitted_details":{…}}]`, `"logs":[{…}]`). The spec's own JSON failure example shows
 *   `"error_codes":[]`, an array, so every list follows it: what PHP's json_decode gives a client
 *   is a plain indexed array of items, with no extra `request`/`san`/`log` wrapper level.
 *
 * Failures carry `error_codes` and, for backward compatibility, the deprecated `errors` list of
 * descriptions (section 5 example), in both formats.
 */

export type GridScalar = string | number | null;
export type GridValue = GridScalar | GridList | GridRecord;
export interface GridRecord {
  readonly [key: string]: GridValue;
}

export class GridList {
  constructor(
    /** XML element name of each item (`request`, `san`, `log`). */
    readonly item: string,
    readonly items: readonly GridValue[],
  ) {}
}

export const gridList = (item: string, items: readonly GridValue[]): GridList => new GridList(item, items);

export interface Rendered {
  readonly contentType: string;
  readonly body: string;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const XML_TYPE = 'text/xml; charset=utf-8';

export function renderSuccess(type: ResponseType, ret: GridRecord): Rendered {
  return render(type, { result: 'success', return: ret });
}

export function renderFailure(type: ResponseType, errors: readonly GridError[]): Rendered {
  return render(type, {
    result: 'failure',
    error_codes: gridList(
      'error_code',
      errors.map((e) => ({ code: e.code, description: e.description })),
    ),
    errors: gridList(
      'error',
      errors.map((e) => e.description),
    ),
  });
}

function render(type: ResponseType, response: GridRecord): Rendered {
  if (type === 'json')
    return { contentType: JSON_TYPE, body: JSON.stringify({ response: toJson(response) }) };
  return {
    contentType: XML_TYPE,
    body: `<?xml version="1.0"?>\n${builder.build({ response: toXml(response) })}`,
  };
}

function toJson(v: GridValue): unknown {
  if (v instanceof GridList) return v.items.map(toJson);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
}

// Characters XML 1.0 cannot carry at all (§2.2), even escaped; user text (comments) may hold them.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Value tree → fast-xml-parser's object form: `''` renders self-closing, arrays repeat the element. */
function toXml(v: GridValue): unknown {
  if (v === null) return '';
  if (typeof v === 'string') return v.replace(NOT_XML_CHAR, '');
  if (typeof v === 'number') return String(v);
  if (v instanceof GridList) return v.items.length === 0 ? '' : { [v.item]: v.items.map(toXml) };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toXml(x)]));
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Text is escaped (&, <, >, quotes); no key is ever read as an attribute or special node.
  processEntities: true,
  ignoreAttributes: true,
});
