import { describe, expect, it } from 'vitest';
import {
  AndNode,
  EmptyNode,
  GroupNode,
  ListValue,
  NotNode,
  OrNode,
  RangeValue,
  TermNode,
  TextValue,
  parseQql,
  printQql,
  type MatchMode,
  type QqlNode,
  type QqlValue,
} from '../../../src/core/query/index.js';
import { SCOPES, strip } from './helpers.js';

const parse = (s: string) => parseQql(s, SCOPES) as QqlNode;

describe('printQql', () => {
  // [input, canonical new-format text]
  const cases: [string, string][] = [
    ['subject.name:www.qualys.com', 'subject.name:www.qualys.com'],
    ['keySize>=2048', 'keySize>=2048'],
    ['a:1 and b:2 or not c:3', 'a:1 AND b:2 OR NOT c:3'],
    ['a:1 b:2', 'a:1 AND b:2'],
    ['(a:1 OR b:2) c:3', '(a:1 OR b:2) AND c:3'],
    ['a:1 AND (b:2 AND c:3)', 'a:1 AND (b:2 AND c:3)'],
    ['a:1 OR (b:2 OR c:3)', 'a:1 OR (b:2 OR c:3)'],
    ['a:1 OR (b:2 AND c:3)', 'a:1 OR b:2 AND c:3'],
    ['NOT (a:1 OR b:2)', 'NOT (a:1 OR b:2)'],
    ['NOT (NOT a:1)', 'NOT NOT a:1'],
    ['((a:1))', 'a:1'],
    ['expiryGroup: In 100 Days', 'expiryGroup:In 100 Days'],
    ["issuer.organization:'Let's Encrypt'", 'issuer.organization:"Let\'s Encrypt"'],
    ['n:`exact value`', 'n:`exact value`'],
    ['n:"a \\"b\\" \\\\"', 'n:"a \\"b\\" \\\\"'],
    ['n:`a \\` b`', 'n:`a \\` b`'],
    ['n:"w\\*"', 'n:"w\\*"'],
    ['n:"web serv"*', 'n:web serv*'],
    ['n:"a AND b*"', 'n:"a AND b*"'],
    ['n:web*', 'n:web*'],
    ['n:*', 'n:*'],
    ['n:*.example.com', 'n:*.example.com'],
    ['validTo>2024-01-01T10:00:00Z', 'validTo>2024-01-01T10:00:00Z'],
    ['v:[1..2]', 'v:[1 .. 2]'],
    ['v:(1..2)', 'v:(1 .. 2)'],
    ['v:("a b" .. `c`)', 'v:("a b" .. `c`)'],
    ["n:['x, y',z,  `w` , v*]", 'n:["x, y", z, `w`, v*]'],
    ['asset.name:server1', 'asset:(name:server1)'],
    ['asset.instance.port:443', 'asset:(instance:(port:443))'],
    ['asset.interfaces.hostname:web1', 'asset:(interfaces.hostname:web1)'],
    ['asset.name:a asset.operatingSystem:b', 'asset:(name:a) AND asset:(operatingSystem:b)'],
    ['asset:( instance:(port:443 and grade:A) )', 'asset:(instance:(port:443 AND grade:A))'],
    ['note:a:b', 'note:a:b'],
  ];

  it.each(cases)('%s', (input, canonical) => {
    const ast = parse(input);
    expect(printQql(ast)).toBe(canonical);
    expect(strip(parse(canonical))).toEqual(strip(ast));
  });

  const text = (s: string, match: MatchMode = 'default') => TextValue.create(s, match, 0);
  const term = (value: QqlValue) => TermNode.create('n', ':', value, 0);

  // Values no parse can produce as written: the printer must still give text that reads back.
  const awkward: [QqlValue, string][] = [
    [text('a*', 'phrase'), 'n:"a\\*"'],
    [text('a"b\\', 'phrase'), 'n:"a\\"b\\\\"'],
    [text('a`b', 'exact'), 'n:`a\\`b`'],
    [text('a b', 'prefix'), 'n:a b*'],
    [text('AND', 'prefix'), 'n:AND*'],
    [text('x) y', 'prefix'), 'n:"x) y*"'],
    [text('a*', 'prefix'), 'n:a**'],
    [text('"q"', 'prefix'), 'n:"\\"q\\"*"'],
    [
      ListValue.create([text('a, b', 'phrase'), text('c..d', 'phrase'), text('OR')], 0),
      'n:["a, b", "c..d", OR]',
    ],
    [ListValue.create([text('p', 'prefix'), text('x]', 'prefix')], 0), 'n:[p*, "x]*"]'],
    [RangeValue.create(text('k:v', 'phrase'), text('NOT'), false, 0), 'n:("k:v" .. NOT)'],
    [RangeValue.create(text('NOT'), text('k:v'), true, 0), 'n:[NOT .. k:v]'],
  ];

  it.each(awkward)('quotes what cannot be written bare: %j', (value, printed) => {
    expect(printQql(term(value))).toBe(printed);
    const back = (parse(printed) as TermNode).value;
    expect(strip(back)).toEqual(strip(value));
  });

  it('quotes a default value that would not read back bare, as a phrase', () => {
    for (const s of ['a AND b', 'x)', '(x', '[x', '"x', 'a b:c', 'x*', ' x', 'NOT', 'a (b']) {
      const printed = printQql(term(text(s)));
      expect(printed.startsWith('n:"')).toBe(true);
      expect(((parse(printed) as TermNode).value as TextValue).text).toBe(s);
    }
    expect(printQql(term(ListValue.create([text('x*')], 0)))).toBe('n:["x\\*"]');
  });

  it('parenthesises right-nested operators and NOT operands', () => {
    const a = TermNode.create('a', ':', text('1'), 0);
    const b = TermNode.create('b', ':', text('2'), 0);
    const c = TermNode.create('c', ':', text('3'), 0);
    expect(printQql(AndNode.create(a, OrNode.create(b, c)))).toBe('a:1 AND (b:2 OR c:3)');
    expect(printQql(AndNode.create(OrNode.create(a, b), c))).toBe('(a:1 OR b:2) AND c:3');
    expect(printQql(OrNode.create(a, AndNode.create(b, c)))).toBe('a:1 OR b:2 AND c:3');
    expect(printQql(NotNode.create(AndNode.create(a, b), 0))).toBe('NOT (a:1 AND b:2)');
    expect(printQql(NotNode.create(GroupNode.create('asset', a, 0), 0))).toBe('NOT asset:(a:1)');
  });

  it('writes empty checks for reading', () => {
    expect(printQql(EmptyNode.create('subject.name', false, 0))).toBe('subject.name IS EMPTY');
    expect(printQql(NotNode.create(EmptyNode.create('x', true, 0), 0))).toBe('NOT x IS NOT EMPTY');
  });
});
