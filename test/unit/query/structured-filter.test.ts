import { describe, expect, it } from 'vitest';
import { CertgridError } from '../../../src/core/errors.js';
import {
  STRUCTURED_OPERATORS,
  nodeLocation,
  parseQql,
  printQql,
  structuredFilterToAst,
  type AndNode,
  type GroupNode,
  type NotNode,
  type QqlNode,
  type TermNode,
} from '../../../src/core/query/index.js';
import { SCOPES, strip } from './helpers.js';

const convert = (input: unknown) => structuredFilterToAst(input, SCOPES);
const one = (filter: Record<string, unknown>) => convert({ filters: [filter] }) as QqlNode;

describe('structuredFilterToAst: operators', () => {
  // [operator, value, the QQL it means]
  const cases: [string, unknown, string][] = [
    ['EQUALS', 'example.com', 'subject.name:`example.com`'],
    ['NOT_EQUALS', 'example.com', 'NOT subject.name:`example.com`'],
    ['CONTAINS', 'example', 'subject.name:"example"'],
    ['IN', ['a.com', 'b.com'], 'subject.name:[`a.com`, `b.com`]'],
    ['IN', 'a.com, b.com,c.com', 'subject.name:[`a.com`, `b.com`, `c.com`]'],
    ['IN', 'a.com', 'subject.name:[`a.com`]'],
    ['IN', [443, true], 'subject.name:[`443`, `true`]'],
    ['GREATER', '2024-01-01', 'subject.name>2024-01-01'],
    ['LESSER', 5, 'subject.name<5'],
    ['GREATER_THAN_EQUAL', 2048, 'subject.name>=2048'],
    ['LESS_THAN_EQUAL', 1.5, 'subject.name<=1.5'],
    ['EQUALS', true, 'subject.name:`true`'],
    ['EQUALS', 'it\'s a "b"', 'subject.name:`it\'s a "b"`'],
    ['equals', 'x', 'subject.name:`x`'],
    ['Contains', 'x', 'subject.name:"x"'],
  ];

  it.each(cases)('%s %j', (operator, value, qql) => {
    const ast = one({ field: 'subject.name', value, operator });
    expect(strip(ast)).toEqual(strip(parseQql(qql, SCOPES)));
  });

  it('maps IS_EMPTY and IS_NOT_EMPTY to empty nodes, ignoring any value', () => {
    expect(strip(one({ field: 'subject.name', operator: 'IS_EMPTY' }))).toEqual({
      kind: 'empty',
      token: 'subject.name',
      negated: false,
    });
    expect(strip(one({ field: 'subject.name', operator: 'is_not_empty', value: 'ignored' }))).toEqual({
      kind: 'empty',
      token: 'subject.name',
      negated: true,
    });
  });

  it('covers every operator it names', () => {
    for (const operator of STRUCTURED_OPERATORS) {
      expect(one({ field: 'keySize', value: '1', operator })).toBeDefined();
    }
    expect(STRUCTURED_OPERATORS).toHaveLength(10);
  });

  it('accepts the per-filter key "operation" as well as "operator"', () => {
    expect(strip(one({ field: 'a', value: 'x', operation: 'CONTAINS' }))).toEqual(
      strip(one({ field: 'a', value: 'x', operator: 'CONTAINS' })),
    );
    expect(strip(one({ field: 'a', value: 'x', operation: 'contains', operator: 'CONTAINS' }))).toEqual(
      strip(one({ field: 'a', value: 'x', operator: 'CONTAINS' })),
    );
  });
});

describe('structuredFilterToAst: combination', () => {
  const a = { field: 'a', value: '1', operator: 'EQUALS' };
  const b = { field: 'b', value: '2', operator: 'EQUALS' };
  const c = { field: 'c', value: '3', operator: 'EQUALS' };

  it('joins filters with AND by default, left to right', () => {
    expect(printQql(convert({ filters: [a, b, c] })!)).toBe('a:`1` AND b:`2` AND c:`3`');
    expect(strip(convert({ filters: [a, b, c] }))).toEqual(strip(parseQql('a:`1` AND b:`2` AND c:`3`')));
  });

  it('takes the top-level "operation" or "operator", in any case', () => {
    expect(printQql(convert({ filters: [a, b], operation: 'OR' })!)).toBe('a:`1` OR b:`2`');
    expect(printQql(convert({ filters: [a, b], operator: 'or' })!)).toBe('a:`1` OR b:`2`');
    expect(printQql(convert({ filters: [a, b], operation: 'and' })!)).toBe('a:`1` AND b:`2`');
  });

  it('nests filter objects', () => {
    const ast = convert({
      operation: 'AND',
      filters: [a, { operation: 'OR', filters: [b, { filters: [c, a], operator: 'AND' }] }],
    });
    expect(printQql(ast!)).toBe('a:`1` AND (b:`2` OR c:`3` AND a:`1`)');
  });

  it('returns undefined for no filters and skips empty nested objects', () => {
    expect(convert({ filters: [] })).toBeUndefined();
    expect(convert({ filters: [], operation: 'OR' })).toBeUndefined();
    expect(convert({ filters: [{ filters: [] }] })).toBeUndefined();
    expect(printQql(convert({ filters: [{ filters: [] }, a] })!)).toBe('a:`1`');
  });

  it('turns old-format fields into groups, as QQL does', () => {
    const ast = one({ field: 'asset.name', value: 'server1', operator: 'CONTAINS' });
    expect(strip(ast)).toEqual(strip(parseQql('asset:(name:"server1")')));
    expect(printQql(one({ field: 'asset.instance.port', value: 443, operator: 'EQUALS' }))).toBe(
      'asset:(instance:(port:`443`))',
    );
    expect(printQql(one({ field: 'asset.interfaces.hostname', value: 'h', operator: 'IS_EMPTY' }))).toBe(
      'asset:(interfaces.hostname IS EMPTY)',
    );
    expect(printQql(one({ field: 'subject.name', value: 'x', operator: 'EQUALS' }))).toBe('subject.name:`x`');
    // NOT_EQUALS negates outside the group, like `NOT asset.name:x`.
    expect(strip(one({ field: 'asset.name', value: 'x', operator: 'NOT_EQUALS' }))).toEqual(
      strip(parseQql('NOT asset.name:`x`')),
    );
    expect(
      printQql(
        structuredFilterToAst({ filters: [{ field: 'asset.name', value: 'x', operator: 'EQUALS' }] }, {})!,
      ),
    ).toBe('asset:(name:`x`)');
    expect(
      printQql(
        structuredFilterToAst(
          { filters: [{ field: 'asset.name', value: 'x', operator: 'EQUALS' }] },
          { groupScopes: [] },
        )!,
      ),
    ).toBe('asset.name:`x`');
  });

  it('gives nodes position 0 and the path of the item they came from', () => {
    const ast = convert({
      filters: [
        a,
        { filters: [{ field: 'asset.name', value: ['x', 'y'], operator: 'IN' }], operation: 'OR' },
      ],
    }) as AndNode;
    expect(ast.position).toBe(0);
    expect(ast.path).toBe('filter');
    expect(nodeLocation(ast.left)).toBe('filter.filters[0]');
    const g = ast.right as GroupNode;
    expect(g.path).toBe('filter.filters[1].filters[0]');
    const t = g.body as TermNode;
    expect(t.path).toBe('filter.filters[1].filters[0]');
    expect(t.value.path).toBe('filter.filters[1].filters[0].value');
    expect(t.value.kind === 'list' && t.value.items.map((i) => nodeLocation(i))).toEqual([
      'filter.filters[1].filters[0].value[0]',
      'filter.filters[1].filters[0].value[1]',
    ]);
    const n = one({ field: 'a', value: 'x', operator: 'NOT_EQUALS' }) as NotNode;
    expect(n.path).toBe('filter.filters[0]');
    expect(Object.isFrozen(n) && Object.isFrozen(n.operand)).toBe(true);
    expect(nodeLocation(parseQql('a:b')!)).toBe('position 1');
  });
});

describe('structuredFilterToAst: limits', () => {
  const leaf = { field: 'a', value: '1', operator: 'EQUALS' };

  it('accepts 200 filters, refuses 201, counting nested ones', () => {
    expect(convert({ filters: Array.from({ length: 200 }, () => leaf) })).toBeDefined();
    expect(() => convert({ filters: Array.from({ length: 201 }, () => leaf) })).toThrow(
      'filter.filters[200]: too many filters; at most 200 are allowed',
    );
    expect(() =>
      convert({
        filters: [
          { filters: Array.from({ length: 150 }, () => leaf) },
          { filters: Array.from({ length: 51 }, () => leaf) },
        ],
      }),
    ).toThrow('filter.filters[1].filters[50]: too many filters; at most 200 are allowed');
  });

  it('accepts 16 levels of nesting, refuses 17', () => {
    const nest = (levels: number): unknown =>
      levels === 0 ? { filters: [leaf] } : { filters: [nest(levels - 1)] };
    expect(convert(nest(16))).toBeDefined();
    const path = `filter${'.filters[0]'.repeat(17)}`;
    expect(() => convert(nest(17))).toThrow(`${path}: nested too deeply; at most 16 levels are allowed`);
    // Old-format groups count too.
    const deep = (item: unknown) => ({ filters: [nestWith(16, item)] });
    expect(convert(deep(leaf))).toBeDefined();
    expect(() => convert(deep({ field: 'asset.name', value: 'x', operator: 'EQUALS' }))).toThrow(
      `${path}.field: nested too deeply; at most 16 levels are allowed`,
    );
  });

  it('caps IN lists at 1000 values and values at 4096 characters', () => {
    expect(
      one({ field: 'a', operator: 'IN', value: Array.from({ length: 1000 }, (_, i) => i) }),
    ).toBeDefined();
    expect(() =>
      one({ field: 'a', operator: 'IN', value: Array.from({ length: 1001 }, (_, i) => i) }),
    ).toThrow('filter.filters[0].value: too many values; at most 1000 are allowed');
    expect(() => one({ field: 'a', operator: 'IN', value: Array(1001).fill('x').join(',') })).toThrow(
      'too many values',
    );
    expect(one({ field: 'a', operator: 'EQUALS', value: 'x'.repeat(4096) })).toBeDefined();
    expect(() => one({ field: 'a', operator: 'EQUALS', value: 'x'.repeat(4097) })).toThrow(
      'filter.filters[0].value: too long; at most 4096 characters are allowed',
    );
  });
});

function nestWith(levels: number, item: unknown): unknown {
  return levels === 0 ? item : { filters: [nestWith(levels - 1, item)] };
}

describe('structuredFilterToAst: malformed input', () => {
  // [input, message]
  const cases: [unknown, string][] = [
    [null, 'filter: expected an object with a "filters" array'],
    [undefined, 'filter: expected an object with a "filters" array'],
    ['subject.name:x', 'filter: expected an object with a "filters" array'],
    [[], 'filter: expected an object with a "filters" array'],
    [{}, 'filter.filters: expected an array of filters'],
    [{ filters: {} }, 'filter.filters: expected an array of filters'],
    [{ filters: [], operation: 'XOR' }, "filter.operation: unknown operation 'XOR'; expected AND or OR"],
    [{ filters: [], operator: 1 }, 'filter.operator: unknown operation 1; expected AND or OR'],
    [
      { filters: [], operation: 'AND', operator: 'OR' },
      'filter: "operation" and "operator" disagree; send only one of them',
    ],
    [{ filters: ['x'] }, 'filter.filters[0]: expected an object with "field" and "operator"'],
    [{ filters: [null] }, 'filter.filters[0]: expected an object with "field" and "operator"'],
    [
      { filters: [{ value: 'x', operator: 'EQUALS' }] },
      'filter.filters[0].field: missing; expected a token such as subject.name',
    ],
    [
      { filters: [{ field: 5, value: 'x', operator: 'EQUALS' }] },
      'filter.filters[0].field: invalid token 5; expected a token such as subject.name',
    ],
    [
      { filters: [{ field: '', value: 'x', operator: 'EQUALS' }] },
      "filter.filters[0].field: invalid token ''; expected a token such as subject.name",
    ],
    [
      { filters: [{ field: 'a b', value: 'x', operator: 'EQUALS' }] },
      "filter.filters[0].field: invalid token 'a b'; expected a token such as subject.name",
    ],
    [
      { filters: [{ field: 'a..b', value: 'x', operator: 'EQUALS' }] },
      "filter.filters[0].field: invalid token 'a..b'; expected a token such as subject.name",
    ],
    [
      { filters: [{ field: 'a', value: 'x' }] },
      'filter.filters[0].operator: missing; expected one of EQUALS, NOT_EQUALS, CONTAINS, IN, GREATER, LESSER, GREATER_THAN_EQUAL, LESS_THAN_EQUAL, IS_EMPTY, IS_NOT_EMPTY',
    ],
    [
      {
        filters: [
          { field: 'a', value: 'x', operator: 'EQUALS' },
          { field: 'b', value: 'x', operator: 'EQUALS' },
          { field: 'c', value: 'x', operator: 'LIKE' },
        ],
      },
      "filter.filters[2].operator: unknown operator 'LIKE'; expected one of EQUALS, NOT_EQUALS, CONTAINS, IN, GREATER, LESSER, GREATER_THAN_EQUAL, LESS_THAN_EQUAL, IS_EMPTY, IS_NOT_EMPTY",
    ],
    [
      { filters: [{ field: 'a', value: 'x', operation: ['EQUALS'] }] },
      'filter.filters[0].operation: unknown operator an array; expected one of EQUALS, NOT_EQUALS, CONTAINS, IN, GREATER, LESSER, GREATER_THAN_EQUAL, LESS_THAN_EQUAL, IS_EMPTY, IS_NOT_EMPTY',
    ],
    [
      { filters: [{ field: 'a', value: 'x', operation: 'EQUALS', operator: 'CONTAINS' }] },
      'filter.filters[0]: "operator" and "operation" disagree; send only one of them',
    ],
    [
      { filters: [{ field: 'a', operator: 'EQUALS' }] },
      'filter.filters[0].value: missing; expected a string, number or boolean',
    ],
    [
      { filters: [{ field: 'a', operator: 'CONTAINS', value: null }] },
      'filter.filters[0].value: expected a string, number or boolean, got null',
    ],
    [
      { filters: [{ field: 'a', operator: 'EQUALS', value: { x: 1 } }] },
      'filter.filters[0].value: expected a string, number or boolean, got an object',
    ],
    [
      { filters: [{ field: 'a', operator: 'EQUALS', value: ['x'] }] },
      'filter.filters[0].value: expected a string, number or boolean, got an array',
    ],
    [
      { filters: [{ field: 'a', operator: 'GREATER', value: Number.NaN }] },
      'filter.filters[0].value: expected a string, number or boolean, got NaN',
    ],
    [
      { filters: [{ field: 'a', operator: 'EQUALS', value: '' }] },
      'filter.filters[0].value: must not be empty (use IS_EMPTY to find empty fields)',
    ],
    [
      { filters: [{ field: 'a', operator: 'EQUALS', value: '  ' }] },
      'filter.filters[0].value: must not be empty (use IS_EMPTY to find empty fields)',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN', value: [] }] },
      'filter.filters[0].value: IN needs at least one value',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN', value: '' }] },
      'filter.filters[0].value: IN needs at least one value',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN', value: 'x,,y' }] },
      'filter.filters[0].value[1]: must not be empty (use IS_EMPTY to find empty fields)',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN', value: ['x', {}] }] },
      'filter.filters[0].value[1]: expected a string, number or boolean, got an object',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN', value: 5 }] },
      'filter.filters[0].value: IN expects an array of values or a comma-separated string',
    ],
    [
      { filters: [{ field: 'a', operator: 'IN' }] },
      'filter.filters[0].value: IN expects an array of values or a comma-separated string',
    ],
    [
      { filters: [{ filters: [{ field: 'a', operator: 'X', value: 1 }] }] },
      "filter.filters[0].filters[0].operator: unknown operator 'X'; expected one of EQUALS, NOT_EQUALS, CONTAINS, IN, GREATER, LESSER, GREATER_THAN_EQUAL, LESS_THAN_EQUAL, IS_EMPTY, IS_NOT_EMPTY",
    ],
    [{ filters: [{ filters: 'x' }] }, 'filter.filters[0].filters: expected an array of filters'],
    [
      { filters: [{ filters: [], operation: 'NAND' }] },
      "filter.filters[0].operation: unknown operation 'NAND'; expected AND or OR",
    ],
  ];

  it.each(cases)('%j', (input, message) => {
    let error: unknown;
    try {
      convert(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CertgridError);
    const e = error as CertgridError;
    expect(e.message).toBe(message);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe('filter');
    expect(e.data).toEqual({ path: message.slice(0, message.indexOf(':')) });
  });
});
