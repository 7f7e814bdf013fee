/**
 * Structured filters: the JSON body newer CertView clients send instead of QQL text,
 *
 *   {"filters":[{"field":"subject.name","value":"example.com","operator":"CONTAINS"}],"operation":"AND"}
 *
 * turned into the same AST as QQL, so the compiler has one input. Nodes get position 0 and a
 * `path` (`filter.filters[2]`) that later errors can name.
 */
import {
  AndNode,
  EmptyNode,
  ListValue,
  NotNode,
  OrNode,
  TermNode,
  TextValue,
  type QqlNode,
  type TermOperator,
} from './ast.js';
import { structuredFilterError } from './errors.js';
import { groupScopeSet, splitGroupScopes, wrapInGroups, type GroupScopeOptions } from './group-scopes.js';
import { isValidToken } from './lexer.js';
import { QQL_LIMITS } from './limits.js';

export type StructuredFilterOptions = GroupScopeOptions;

export const STRUCTURED_OPERATORS = Object.freeze([
  'EQUALS',
  'NOT_EQUALS',
  'CONTAINS',
  'IN',
  'GREATER',
  'LESSER',
  'GREATER_THAN_EQUAL',
  'LESS_THAN_EQUAL',
  'IS_EMPTY',
  'IS_NOT_EMPTY',
] as const);

export type StructuredOperator = (typeof STRUCTURED_OPERATORS)[number];

const COMPARISONS: Partial<Record<StructuredOperator, TermOperator>> = {
  GREATER: '>',
  LESSER: '<',
  GREATER_THAN_EQUAL: '>=',
  LESS_THAN_EQUAL: '<=',
};

/**
 * Converts a structured filter to the QQL AST.
 *
 * @returns the AST, or `undefined` when `filters` is empty (no filtering).
 * @throws {CertgridError} INVALID_ARGUMENT (field `filter`, `data.path`) naming the malformed item,
 *   e.g. `filter.filters[2].operator: unknown operator 'LIKE'; expected one of EQUALS, …`.
 */
export function structuredFilterToAst(
  input: unknown,
  opts: StructuredFilterOptions = {},
): QqlNode | undefined {
  return new Converter(groupScopeSet(opts)).group(input, 'filter', 0);
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Converter {
  readonly #scopes: ReadonlySet<string>;
  #leaves = 0;

  constructor(scopes: ReadonlySet<string>) {
    this.#scopes = scopes;
  }

  /** `{filters, operation}` at `path`, nested `depth` objects deep. */
  group(input: unknown, path: string, depth: number): QqlNode | undefined {
    if (!isObject(input)) throw structuredFilterError(path, 'expected an object with a "filters" array');
    const filters = input['filters'];
    if (!Array.isArray(filters))
      throw structuredFilterError(`${path}.filters`, 'expected an array of filters');
    const combine = this.#combinator(input, path);
    let result: QqlNode | undefined;
    filters.forEach((item: unknown, i) => {
      const node = this.#item(item, `${path}.filters[${i}]`, depth);
      if (node === undefined) return; // a nested group with no filters restricts nothing
      result = result === undefined ? node : combine(result, node);
    });
    return result;
  }

  /** The top-level `operation` (or `operator`): AND by default. */
  #combinator(input: JsonObject, path: string): (l: QqlNode, r: QqlNode) => QqlNode {
    const picked = pickKey(input, path, 'operation', 'operator');
    if (picked === undefined) return (l, r) => AndNode.create(l, r, 0, path);
    const { key, value } = picked;
    const op = typeof value === 'string' ? value.toUpperCase() : undefined;
    if (op === 'AND') return (l, r) => AndNode.create(l, r, 0, path);
    if (op === 'OR') return (l, r) => OrNode.create(l, r, 0, path);
    throw structuredFilterError(`${path}.${key}`, `unknown operation ${describe(value)}; expected AND or OR`);
  }

  #item(item: unknown, path: string, depth: number): QqlNode | undefined {
    if (!isObject(item)) throw structuredFilterError(path, 'expected an object with "field" and "operator"');
    if ('filters' in item) {
      if (depth + 1 > QQL_LIMITS.maxDepth) {
        throw structuredFilterError(
          path,
          `nested too deeply; at most ${QQL_LIMITS.maxDepth} levels are allowed`,
        );
      }
      return this.group(item, path, depth + 1);
    }
    this.#leaves++;
    if (this.#leaves > QQL_LIMITS.maxTerms) {
      throw structuredFilterError(path, `too many filters; at most ${QQL_LIMITS.maxTerms} are allowed`);
    }
    const field = item['field'];
    if (field === undefined)
      throw structuredFilterError(`${path}.field`, 'missing; expected a token such as subject.name');
    if (typeof field !== 'string' || !isValidToken(field)) {
      throw structuredFilterError(
        `${path}.field`,
        `invalid token ${describe(field)}; expected a token such as subject.name`,
      );
    }
    const operator = this.#operator(item, path);
    const split = splitGroupScopes(field, this.#scopes);
    if (depth + split.scopes.length > QQL_LIMITS.maxDepth) {
      throw structuredFilterError(
        `${path}.field`,
        `nested too deeply; at most ${QQL_LIMITS.maxDepth} levels are allowed`,
      );
    }
    const token = split.token;
    const valuePath = `${path}.value`;
    const text = (match: 'default' | 'phrase' | 'exact'): TextValue =>
      TextValue.create(textOf(item['value'], valuePath), match, 0, valuePath);

    let inner: QqlNode;
    switch (operator) {
      case 'EQUALS':
      case 'NOT_EQUALS':
        inner = TermNode.create(token, ':', text('exact'), 0, path);
        break;
      case 'CONTAINS':
        inner = TermNode.create(token, ':', text('phrase'), 0, path);
        break;
      case 'IN':
        inner = TermNode.create(token, ':', listOf(item['value'], valuePath), 0, path);
        break;
      case 'IS_EMPTY':
      case 'IS_NOT_EMPTY':
        inner = EmptyNode.create(token, operator === 'IS_NOT_EMPTY', 0, path);
        break;
      default:
        inner = TermNode.create(token, COMPARISONS[operator] as TermOperator, text('default'), 0, path);
    }
    const node = wrapInGroups(split, 0, inner, path);
    // NOT outside the groups: "no asset is named x", as `NOT asset.name:x` reads in QQL.
    return operator === 'NOT_EQUALS' ? NotNode.create(node, 0, path) : node;
  }

  #operator(item: JsonObject, path: string): StructuredOperator {
    const expected = `expected one of ${STRUCTURED_OPERATORS.join(', ')}`;
    const picked = pickKey(item, path, 'operator', 'operation');
    if (picked === undefined) throw structuredFilterError(`${path}.operator`, `missing; ${expected}`);
    const op = typeof picked.value === 'string' ? picked.value.toUpperCase() : undefined;
    const known = STRUCTURED_OPERATORS.find((o) => o === op);
    if (known === undefined) {
      throw structuredFilterError(
        `${path}.${picked.key}`,
        `unknown operator ${describe(picked.value)}; ${expected}`,
      );
    }
    return known;
  }
}

/**
 * Clients spell the key either way. Both present and different is ambiguous, so it is refused
 * rather than guessed.
 */
function pickKey(
  obj: JsonObject,
  path: string,
  first: string,
  second: string,
): { key: string; value: unknown } | undefined {
  const a = obj[first];
  const b = obj[second];
  if (a !== undefined && b !== undefined) {
    const same = typeof a === 'string' && typeof b === 'string' && a.toUpperCase() === b.toUpperCase();
    if (!same) {
      throw structuredFilterError(path, `"${first}" and "${second}" disagree; send only one of them`);
    }
  }
  if (a !== undefined) return { key: first, value: a };
  if (b !== undefined) return { key: second, value: b };
  return undefined;
}

/** Strings, numbers and booleans become text as JSON writes them; nothing else is a value. */
function textOf(value: unknown, path: string): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'boolean') text = String(value);
  else if (value === undefined)
    throw structuredFilterError(path, 'missing; expected a string, number or boolean');
  else throw structuredFilterError(path, `expected a string, number or boolean, got ${describe(value)}`);
  if (text.trim() === '')
    throw structuredFilterError(path, 'must not be empty (use IS_EMPTY to find empty fields)');
  if (text.length > QQL_LIMITS.maxLength) {
    throw structuredFilterError(path, `too long; at most ${QQL_LIMITS.maxLength} characters are allowed`);
  }
  return text;
}

/** IN takes an array, or a comma-separated string as older clients send it. */
function listOf(value: unknown, path: string): ListValue {
  const raw: readonly unknown[] =
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : Array.isArray(value) ? value : [];
  if (!Array.isArray(value) && typeof value !== 'string') {
    throw structuredFilterError(path, 'IN expects an array of values or a comma-separated string');
  }
  if (raw.length === 0 || (raw.length === 1 && raw[0] === '')) {
    throw structuredFilterError(path, 'IN needs at least one value');
  }
  if (raw.length > QQL_LIMITS.maxListItems) {
    throw structuredFilterError(path, `too many values; at most ${QQL_LIMITS.maxListItems} are allowed`);
  }
  const items = raw.map((v, i) => TextValue.create(textOf(v, `${path}[${i}]`), 'exact', 0, `${path}[${i}]`));
  return ListValue.create(items, 0, path);
}

/** A short rendering of what the client sent, for messages. */
function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
