import { describe, expect, it } from 'vitest';
import { CertgridError } from '../../../src/core/errors.js';
import {
  AndNode,
  GroupNode,
  ListValue,
  NotNode,
  OrNode,
  QqlSyntaxError,
  RangeValue,
  TermNode,
  TextValue,
  parseQql,
  printQql,
  type MatchMode,
  type QqlNode,
  type QqlValue,
  type TermOperator,
} from '../../../src/core/query/index.js';
import { SCOPES, strip } from './helpers.js';

// Builders for expected trees; positions are compared separately.
const text = (s: string, match: MatchMode = 'default') => TextValue.create(s, match, 0);
const term = (token: string, value: QqlValue | string, operator: TermOperator = ':') =>
  TermNode.create(token, operator, typeof value === 'string' ? text(value) : value, 0);
const and = (l: QqlNode, r: QqlNode) => AndNode.create(l, r, 0);
const or = (l: QqlNode, r: QqlNode) => OrNode.create(l, r, 0);
const not = (n: QqlNode) => NotNode.create(n, 0);
const group = (scope: string, body: QqlNode) => GroupNode.create(scope, body, 0);
const range = (low: TextValue, high: TextValue, inclusive: boolean) =>
  RangeValue.create(low, high, inclusive, 0);
const list = (...items: TextValue[]) => ListValue.create(items, 0);

const parse = (s: string) => parseQql(s, SCOPES);

describe('parseQql: accepted filters', () => {
  // [input, expected tree]
  const cases: [string, QqlNode][] = [
    ['subject.name:www.qualys.com', term('subject.name', 'www.qualys.com')],
    ['keySize>2048', term('keySize', '2048', '>')],
    ['keySize<2048', term('keySize', '2048', '<')],
    ['keySize>=2048', term('keySize', '2048', '>=')],
    ['keySize<=2048', term('keySize', '2048', '<=')],
    ['keySize=2048', term('keySize', '2048', '=')],
    ['asset.tagName:prod', group('asset', term('tagName', 'prod'))],
    [
      'subjectAlternativeNames.dnsName:www.example.com',
      term('subjectAlternativeNames.dnsName', 'www.example.com'),
    ],
    ['tag_name2:x', term('tag_name2', 'x')],
    // bare values
    ['instance:(port:443)', group('instance', term('port', '443'))],
    ['validFrom>2024-01-01', term('validFrom', '2024-01-01', '>')],
    ['validTo>2024-01-01T10:00:00Z', term('validTo', '2024-01-01T10:00:00Z', '>')],
    ['lastFound>1700000000000', term('lastFound', '1700000000000', '>')],
    ['selfSigned:true', term('selfSigned', 'true')],
    ['grade:A+', term('grade', 'A+')],
    ['subject.name:*.example.com', term('subject.name', '*.example.com')],
    ['note:a:b', term('note', 'a:b')],
    ["subject.organization:O'Brien", term('subject.organization', "O'Brien")],
    ['expiryGroup: Expired', term('expiryGroup', 'Expired')],
    // multi-word values
    ['expiryGroup:In 100 Days', term('expiryGroup', 'In 100 Days')],
    ['expiryGroup:In 100 Days   ', term('expiryGroup', 'In 100 Days')],
    ['expiryGroup:In  100\tDays', term('expiryGroup', 'In  100\tDays')],
    [
      'expiryGroup:In 100 Days AND keySize>=2048',
      and(term('expiryGroup', 'In 100 Days'), term('keySize', '2048', '>=')),
    ],
    [
      'expiryGroup:In 100 Days keySize>=2048',
      and(term('expiryGroup', 'In 100 Days'), term('keySize', '2048', '>=')),
    ],
    ['title:a b or c:d', or(term('title', 'a b'), term('c', 'd'))],
    ['title:a b android', term('title', 'a b android')],
    ['title:at 10:00 sharp', term('title', 'at 10:00 sharp')],
    ['title:a b (c:d)', and(term('title', 'a b'), term('c', 'd'))],
    ['asset:(name:a b)', group('asset', term('name', 'a b'))],
    // quoted values
    ['subject.name:"double quoted phrase"', term('subject.name', text('double quoted phrase', 'phrase'))],
    ['subject.name:`backtick exact`', term('subject.name', text('backtick exact', 'exact'))],
    ["subject.name:'single quoted'", term('subject.name', text('single quoted', 'phrase'))],
    ["issuer.organization:'Let's Encrypt'", term('issuer.organization', text("Let's Encrypt", 'phrase'))],
    [
      "issuer.organization:'Let's Encrypt' AND keySize>=2048",
      and(term('issuer.organization', text("Let's Encrypt", 'phrase')), term('keySize', '2048', '>=')),
    ],
    ["(issuer.organization:'Let's Encrypt')", term('issuer.organization', text("Let's Encrypt", 'phrase'))],
    ["o:'it''s'", term('o', text("it''s", 'phrase'))],
    ['o:"a \\"q\\" b"', term('o', text('a "q" b', 'phrase'))],
    ['o:`a \\` b`', term('o', text('a ` b', 'exact'))],
    ['o:"a \\\\ b"', term('o', text('a \\ b', 'phrase'))],
    ["o:'a \\' b'", term('o', text("a ' b", 'phrase'))],
    ['o:"C:\\Users"', term('o', text('C:\\Users', 'phrase'))],
    ['o:"a AND b"', term('o', text('a AND b', 'phrase'))],
    ['o:"x)"', term('o', text('x)', 'phrase'))],
    // prefix
    ['subject.name:web*', term('subject.name', text('web', 'prefix'))],
    ['subject.name:web serv*', term('subject.name', text('web serv', 'prefix'))],
    ['subject.name:"web serv*"', term('subject.name', text('web serv', 'prefix'))],
    ['subject.name:"web serv"*', term('subject.name', text('web serv', 'prefix'))],
    ["subject.name:'web*'", term('subject.name', text('web', 'prefix'))],
    ["subject.name:'web'*", term('subject.name', text('web', 'prefix'))],
    ['subject.name:`web*`', term('subject.name', text('web', 'prefix'))],
    ['subject.name:w*b', term('subject.name', 'w*b')],
    ['subject.name:"w\\*"', term('subject.name', text('w*', 'phrase'))],
    ['subject.name:web**', term('subject.name', text('web*', 'prefix'))],
    // ranges
    [
      'validTo:[2024-01-01 .. 2025-01-01]',
      term('validTo', range(text('2024-01-01'), text('2025-01-01'), true)),
    ],
    [
      'validTo:[2024-01-01..2025-01-01]',
      term('validTo', range(text('2024-01-01'), text('2025-01-01'), true)),
    ],
    [
      'validTo:(2024-01-01 .. 2025-01-01)',
      term('validTo', range(text('2024-01-01'), text('2025-01-01'), false)),
    ],
    [
      'validTo:(2024-01-01..2025-01-01)',
      term('validTo', range(text('2024-01-01'), text('2025-01-01'), false)),
    ],
    [
      'validTo:[2024-01-01T00:00:00Z .. 2024-12-31T23:59:59Z]',
      term('validTo', range(text('2024-01-01T00:00:00Z'), text('2024-12-31T23:59:59Z'), true)),
    ],
    ['keySize=[1024 .. 4096]', term('keySize', range(text('1024'), text('4096'), true), '=')],
    ['n:["a" .. `b`]', term('n', range(text('a', 'phrase'), text('b', 'exact'), true))],
    ['n:("a b"..\'c\')', term('n', range(text('a b', 'phrase'), text('c', 'phrase'), false))],
    ['n:(a .. m) AND x:y', and(term('n', range(text('a'), text('m'), false)), term('x', 'y'))],
    ['n:[In 100 .. Days]', term('n', range(text('In 100'), text('Days'), true))],
    ['ip:[10.0.0.1 .. 10.0.0.255]', term('ip', range(text('10.0.0.1'), text('10.0.0.255'), true))],
    // lists
    ['grade:[A, B, C]', term('grade', list(text('A'), text('B'), text('C')))],
    ['grade:[A,B]', term('grade', list(text('A'), text('B')))],
    ['grade:[A]', term('grade', list(text('A')))],
    ['grade=[A, B]', term('grade', list(text('A'), text('B')), '=')],
    [
      'n:["x, y", `z`, \'w\', v*, u]',
      term(
        'n',
        list(text('x, y', 'phrase'), text('z', 'exact'), text('w', 'phrase'), text('v', 'prefix'), text('u')),
      ),
    ],
    ['expiryGroup:[In 100 Days, Expired]', term('expiryGroup', list(text('In 100 Days'), text('Expired')))],
    [
      "o:['Let's Encrypt', 'DigiCert']",
      term('o', list(text("Let's Encrypt", 'phrase'), text('DigiCert', 'phrase'))),
    ],
    // boolean structure
    ['NOT selfSigned:true', not(term('selfSigned', 'true'))],
    ['not selfSigned:true', not(term('selfSigned', 'true'))],
    ['NOT NOT a:1', not(not(term('a', '1')))],
    ['NOT(a:1)', not(term('a', '1'))],
    ['a:1 AND b:2 AND c:3', and(and(term('a', '1'), term('b', '2')), term('c', '3'))],
    ['a:1 OR b:2 OR c:3', or(or(term('a', '1'), term('b', '2')), term('c', '3'))],
    ['a:1 OR b:2 AND c:3', or(term('a', '1'), and(term('b', '2'), term('c', '3')))],
    ['a:1 AND b:2 OR c:3', or(and(term('a', '1'), term('b', '2')), term('c', '3'))],
    ['(a:1 OR b:2) AND c:3', and(or(term('a', '1'), term('b', '2')), term('c', '3'))],
    ['NOT a:1 AND b:2', and(not(term('a', '1')), term('b', '2'))],
    ['NOT (a:1 AND b:2)', not(and(term('a', '1'), term('b', '2')))],
    ['a:1 and b:2 Or NOT c:3', or(and(term('a', '1'), term('b', '2')), not(term('c', '3')))],
    ['a:1 aNd b:2 oR nOt c:3', or(and(term('a', '1'), term('b', '2')), not(term('c', '3')))],
    ['a:1 b:2', and(term('a', '1'), term('b', '2'))],
    ['a:"x" b:2', and(term('a', text('x', 'phrase')), term('b', '2'))],
    ['a:1 NOT b:2', and(term('a', '1'), not(term('b', '2')))],
    ['a:1 (b:2 OR c:3)', and(term('a', '1'), or(term('b', '2'), term('c', '3')))],
    ['a:1 b:2 OR c:3', or(and(term('a', '1'), term('b', '2')), term('c', '3'))],
    ['((a:1))', term('a', '1')],
    ['\n a:1\tAND\r\nb:2 ', and(term('a', '1'), term('b', '2'))],
    ['and:1', term('and', '1')],
    // groups
    [
      'asset:(name:server1 AND operatingSystem:NetScaler)',
      group('asset', and(term('name', 'server1'), term('operatingSystem', 'NetScaler'))),
    ],
    [
      'asset:(instance:(port:443 AND grade:A))',
      group('asset', group('instance', and(term('port', '443'), term('grade', 'A')))),
    ],
    [
      'asset:(instance:(vulnerability:(severity>=4 AND NOT title:"weak cipher")))',
      group(
        'asset',
        group(
          'instance',
          group(
            'vulnerability',
            and(term('severity', '4', '>='), not(term('title', text('weak cipher', 'phrase')))),
          ),
        ),
      ),
    ],
    ['asset:(NOT name:server1)', group('asset', not(term('name', 'server1')))],
    ['asset: (name:a)', group('asset', term('name', 'a'))],
    ['subject:(name:a)', group('subject', term('name', 'a'))],
    // old format
    ['asset.name:server1', group('asset', term('name', 'server1'))],
    ['Asset.Name:server1', group('Asset', term('Name', 'server1'))],
    ['asset.interfaces.hostname:web1', group('asset', term('interfaces.hostname', 'web1'))],
    ['asset.instance.port:443', group('asset', group('instance', term('port', '443')))],
    ['asset.instance:(port:443)', group('asset', group('instance', term('port', '443')))],
    ['asset:(instance.port:443)', group('asset', group('instance', term('port', '443')))],
    [
      'asset.name:a AND asset.operatingSystem:b',
      and(group('asset', term('name', 'a')), group('asset', term('operatingSystem', 'b'))),
    ],
    ['NOT asset.name:a', not(group('asset', term('name', 'a')))],
    ['asset:server1', term('asset', 'server1')],
    ['asset.name:[a, b]', group('asset', term('name', list(text('a'), text('b'))))],
  ];

  it.each(cases)('%s', (input, expected) => {
    expect(strip(parse(input))).toEqual(strip(expected));
  });

  it('returns undefined for an empty or blank filter', () => {
    expect(parseQql('')).toBeUndefined();
    expect(parseQql('   ')).toBeUndefined();
    expect(parseQql('\n\t ')).toBeUndefined();
  });

  it('parses the old and the new format to the same tree', () => {
    const pairs = [
      ['asset.name:server1', 'asset:(name:server1)'],
      ['asset.operatingSystem:"Net Scaler"', 'asset:(operatingSystem:"Net Scaler")'],
      ['instance.port:443 AND vulnerability.qid:38170', 'instance:(port:443) AND vulnerability:(qid:38170)'],
      ['asset.interfaces.hostname:web*', 'asset:(interfaces.hostname:web*)'],
      ['asset.instance.grade:[A, B]', 'asset:(instance:(grade:[A, B]))'],
    ];
    for (const [old, current] of pairs) {
      expect(strip(parse(old!))).toEqual(strip(parse(current!)));
      expect(printQql(parse(old!)!)).toBe(current);
    }
  });

  it('rewrites only the group scopes it is given', () => {
    expect(strip(parseQql('subject.name:x', { groupScopes: ['subject'] }))).toEqual(
      strip(group('subject', term('name', 'x'))),
    );
    expect(strip(parseQql('asset.name:x', { groupScopes: [] }))).toEqual(strip(term('asset.name', 'x')));
    expect(strip(parseQql('asset.name:x', { groupScopes: ['ASSET'] }))).toEqual(
      strip(group('asset', term('name', 'x'))),
    );
    // The default is the CertView scopes.
    expect(strip(parseQql('instance.port:1'))).toEqual(strip(group('instance', term('port', '1'))));
  });

  it('returns frozen nodes', () => {
    const ast = parse('asset:(name:[a, b]) OR NOT c:(1 .. 2)') as OrNode;
    expect(Object.isFrozen(ast)).toBe(true);
    const g = ast.left as GroupNode;
    expect(Object.isFrozen(g)).toBe(true);
    const t = g.body as TermNode;
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.value)).toBe(true);
    expect(Object.isFrozen((t.value as ListValue).items)).toBe(true);
    expect(Object.isFrozen((t.value as ListValue).items[0])).toBe(true);
    expect('path' in t).toBe(false);
  });
});

describe('parseQql: positions', () => {
  it('gives every node the 1-based position of its first character', () => {
    //           1234567890123456789012345678901234567890
    const ast = parse('a:1 AND NOT asset.name:"x y" OR k:[1 .. 2]') as OrNode;
    expect(ast.position).toBe(1);
    const left = ast.left as AndNode;
    expect(left.position).toBe(1);
    expect((left.left as TermNode).position).toBe(1);
    expect(((left.left as TermNode).value as TextValue).position).toBe(3);
    const n = left.right as NotNode;
    expect(n.position).toBe(9);
    const g = n.operand as GroupNode;
    expect(g.position).toBe(13);
    const t = g.body as TermNode;
    expect(t.position).toBe(19);
    expect(t.value.position).toBe(24);
    const k = ast.right as TermNode;
    expect(k.position).toBe(33);
    const r = k.value as RangeValue;
    expect(r.position).toBe(35);
    expect(r.low.position).toBe(36);
    expect(r.high.position).toBe(41);
  });

  it('positions inside written groups and lists', () => {
    const g = parse('asset:(name:a OR x:[p, "q"])') as GroupNode;
    expect(g.position).toBe(1);
    const body = g.body as OrNode;
    expect(body.position).toBe(8);
    const x = body.right as TermNode;
    expect(x.position).toBe(18);
    const items = (x.value as ListValue).items;
    expect(x.value.position).toBe(20);
    expect(items.map((i) => i.position)).toEqual([21, 24]);
  });

  it('counts characters, not UTF-16 units', () => {
    const ast = parse('name:😀 AND b:c') as AndNode;
    expect(ast.right.position).toBe(12);
    expect(() => parse('name:"😀😀 x')).toThrow(expect.objectContaining({ position: 6 }));
    expect(() => parse('name:😀 b:c)')).toThrow(expect.objectContaining({ position: 11 }));
  });
});

describe('parseQql: rejected filters', () => {
  // [input, message, position, token]
  const cases: [string, string, number, string][] = [
    ['a:"abc', 'unterminated quote starting at position 3', 3, '"'],
    ["a:'abc", 'unterminated quote starting at position 3', 3, "'"],
    ['a:`abc', 'unterminated quote starting at position 3', 3, '`'],
    ["issuer.organization:'Let's", 'unterminated quote starting at position 21', 21, "'"],
    ['a:"abc\\"', 'unterminated quote starting at position 3', 3, '"'],
    ['a:b AND c:"x', 'unterminated quote starting at position 11', 11, '"'],
    ['AND a:b', "unexpected 'AND' at position 1: expected a term", 1, 'AND'],
    ['or a:b', "unexpected 'or' at position 1: expected a term", 1, 'or'],
    ['a:b AND', "unexpected end of filter at position 8: expected a term after 'AND'", 8, ''],
    ['a:b OR  ', "unexpected end of filter at position 9: expected a term after 'OR'", 9, ''],
    ['NOT', "unexpected end of filter at position 4: expected a term after 'NOT'", 4, ''],
    ['a:b AND OR c:d', "unexpected 'OR' at position 9: expected a term after 'AND'", 9, 'OR'],
    ['a:b AND )', "unexpected ')' at position 9: expected a term after 'AND'", 9, ')'],
    ['a:', "unexpected end of filter at position 3: expected a value after 'a:'", 3, ''],
    ['a:   ', "unexpected end of filter at position 6: expected a value after 'a:'", 6, ''],
    ['keySize>=', "unexpected end of filter at position 10: expected a value after 'keySize>='", 10, ''],
    ['a: AND b:c', "unexpected 'AND' at position 4: expected a value after 'a:'", 4, 'AND'],
    [
      'subject.name:AND b:c',
      "unexpected 'AND' at position 14: expected a value after 'subject.name:'",
      14,
      'AND',
    ],
    ['a: b:c', "unexpected 'b' at position 4: expected a value after 'a:'", 4, 'b'],
    ['(a:)', "unexpected ')' at position 4: expected a value after 'a:'", 4, ')'],
    ['(a:b', "unbalanced '(' at position 1: missing ')'", 1, '('],
    ['asset:(name:b', "unbalanced '(' at position 7: missing ')'", 7, '('],
    ['a:b)', "unbalanced ')' at position 4", 4, ')'],
    ['(a:b) c:d)', "unbalanced ')' at position 10", 10, ')'],
    ['asset:()', 'empty filter group at position 7', 7, '()'],
    ['asset:(  )', 'empty filter group at position 7', 7, '()'],
    ['a:b AND ()', 'empty filter group at position 9', 9, '()'],
    [':value', "unexpected ':' at position 1: expected a token name before ':'", 1, ':'],
    ['a:"b" >=5', "unexpected '>=' at position 7: expected a token name before '>='", 7, '>='],
    ['443:x', "unexpected '443:x' at position 1: expected a term such as token:value", 1, '443:x'],
    ['server1', "unexpected 'server1' at position 1: expected a term such as token:value", 1, 'server1'],
    ['a:"x" y', "unexpected 'y' at position 7: expected a term such as token:value", 7, 'y'],
    ['keySize >= 5', "unexpected 'keySize' at position 1: expected a term such as token:value", 1, 'keySize'],
    ['a..b:c', "invalid token 'a..b' at position 1: tokens are dotted names such as subject.name", 1, 'a..b'],
    ['a.:c', "invalid token 'a.' at position 1: tokens are dotted names such as subject.name", 1, 'a.'],
    ['a:"x"y', "unexpected 'y' at position 6: expected a space, ')' or the end after a quoted value", 6, 'y'],
    ['a:""', 'empty quoted value at position 3', 3, '""'],
    ['keySize:[1 .. ]', "unexpected ']' at position 15: expected a value", 15, ']'],
    ['keySize:[ .. 2]', "unexpected '..' at position 11: expected a value", 11, '..'],
    ['keySize:[]', "unexpected ']' at position 10: expected a value", 10, ']'],
    ['keySize:[1, , 2]', "unexpected ',' at position 13: expected a value", 13, ','],
    ['keySize:[1 ..', "unterminated '[' at position 9: missing ']'", 9, '['],
    ['keySize:[1, 2', "unterminated '[' at position 9: missing ']'", 9, '['],
    ['keySize:[', "unterminated '[' at position 9: missing ']'", 9, '['],
    ['keySize:(1 .. 2', "unterminated '(' at position 9: missing ')'", 9, '('],
    [
      'keySize:[1 .. 2)',
      "unexpected ')' at position 16: expected ']' to close the range (ranges are [a .. b] or (a .. b))",
      16,
      ')',
    ],
    [
      'keySize:(1 .. 2]',
      "unexpected ']' at position 16: expected ')' to close the range (ranges are [a .. b] or (a .. b))",
      16,
      ']',
    ],
    [
      'keySize:[1 .. 2 .. 3]',
      "unexpected '..' at position 17: expected ']' to close the range (ranges are [a .. b] or (a .. b))",
      17,
      '..',
    ],
    ['keySize:[1, 2 .. 3]', "unexpected '..' at position 15: a range has exactly two ends", 15, '..'],
    ['keySize:[1 2)', "unexpected ')' at position 13: expected ',' or ']'", 13, ')'],
    ['n:[a* .. b]', "a range end cannot be a prefix at position 4: remove the trailing '*'", 4, 'a*'],
    ['n:["x"y]', "unexpected 'y' at position 7: expected ',', '..' or ']' after a quoted value", 7, 'y'],
    ['keySize>[1, 2]', "unexpected '[' at position 9: '>' takes a single value", 9, '['],
    ['keySize<=(1 .. 2)', "unexpected '(' at position 10: '<=' takes a single value", 10, '('],
    [
      'name=(a:b)',
      "unexpected '(' at position 6: expected a value after 'name=' (groups are written token:(…))",
      6,
      '(',
    ],
  ];

  it.each(cases)('%s', (input, message, position, token) => {
    let error: unknown;
    try {
      parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QqlSyntaxError);
    expect(error).toBeInstanceOf(CertgridError);
    const e = error as QqlSyntaxError;
    expect(e.message).toBe(message);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe('filter');
    expect(e.data).toEqual({ position, token });
    expect(e.position).toBe(position);
    expect(e.token).toBe(token);
  });

  it('cuts long offending text in the message', () => {
    const word = 'x'.repeat(100);
    expect(() => parse(`a:"b" ${word}`)).toThrow(`unexpected '${'x'.repeat(40)}…' at position 7`);
  });

  it('throws a TypeError for a non-string argument', () => {
    expect(() => parseQql(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('parseQql: limits', () => {
  const nested = (levels: number) => `${'('.repeat(levels)}a:b${')'.repeat(levels)}`;

  it('accepts 16 levels of parentheses and groups, refuses 17', () => {
    expect(strip(parse(nested(16)))).toEqual(strip(term('a', 'b')));
    expect(() => parse(nested(17))).toThrow(
      new QqlSyntaxError(
        'filter nested too deeply at position 17: at most 16 levels of parentheses and groups are allowed',
        17,
        '(',
      ),
    );
    const groups = (levels: number) => `${'asset:('.repeat(levels)}a:b${')'.repeat(levels)}`;
    expect(parse(groups(16))).toBeDefined();
    expect(() => parse(groups(17))).toThrow(expect.objectContaining({ position: 16 * 7 + 7, token: '(' }));
  });

  it('counts old-format groups towards the depth', () => {
    expect(parse(`${'('.repeat(15)}asset.name:x${')'.repeat(15)}`)).toBeDefined();
    expect(() => parse(`${'('.repeat(16)}asset.name:x${')'.repeat(16)}`)).toThrow(
      expect.objectContaining({ position: 17, token: 'asset.name' }),
    );
    expect(() => parse(`${'('.repeat(15)}asset.name:(x:1)${')'.repeat(15)}`)).toThrow(
      expect.objectContaining({ position: 27, token: '(' }),
    );
  });

  it('accepts 4096 characters, refuses 4097', () => {
    const ok = `name:${'x'.repeat(4096 - 5)}`;
    expect(ok).toHaveLength(4096);
    expect(parse(ok)).toBeDefined();
    expect(() => parse(`${ok}y`)).toThrow(
      new QqlSyntaxError(
        'filter is too long at position 4097: at most 4096 characters are allowed',
        4097,
        'y',
      ),
    );
    // Characters, not UTF-16 units: 4096 emoji fit.
    expect(parse(`n:${'😀'.repeat(4094)}`)).toBeDefined();
    expect(() => parse(`n:${'😀'.repeat(4095)}`)).toThrow(expect.objectContaining({ position: 4097 }));
  });

  it('accepts 200 terms, refuses 201', () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `t${i}:1`).join(' ');
    expect(parse(terms(200))).toBeDefined();
    const text = terms(201);
    const at = text.indexOf('t200:') + 1;
    expect(() => parse(text)).toThrow(
      new QqlSyntaxError(`too many terms at position ${at}: at most 200 terms are allowed`, at, 't200'),
    );
  });

  it('accepts lists of 1000 values, refuses 1001', () => {
    const items = (n: number) => `n:[${Array.from({ length: n }, () => '1').join(',')}]`;
    expect(((parse(items(1000)) as TermNode).value as ListValue).items).toHaveLength(1000);
    expect(() => parse(items(1001))).toThrow(expect.objectContaining({ position: 2003, token: ',' }));
  });
});

describe('parseQql: pathological input', () => {
  it('stops at the depth limit on 2,000 opening parentheses', () => {
    expect(() => parse('('.repeat(2000))).toThrow(expect.objectContaining({ position: 17, token: '(' }));
    expect(() => parse('a:('.repeat(1300))).toThrow(expect.objectContaining({ position: 51 }));
  });

  it('reads long runs of quotes', () => {
    // Every apostrophe but the last is followed by another one, so it is part of the value.
    const value = (parse(`a:${"'".repeat(4000)}`) as TermNode).value as TextValue;
    expect(value).toMatchObject({ text: "'".repeat(3998), match: 'phrase' });
    expect(() => parse(`a:${"'".repeat(3999)}x`)).toThrow('unterminated quote starting at position 3');
    expect(() => parse(`a:${'"'.repeat(4000)}`)).toThrow('empty quoted value at position 3');
    expect(() => parse(`a:"${'\\"'.repeat(2000)}`)).toThrow('unterminated quote starting at position 3');
  });

  it('reads long multi-word values and long runs of separators', () => {
    const words = 'x '.repeat(2000).trim();
    expect(((parse(`a:${words}`) as TermNode).value as TextValue).text).toBe(words);
    expect(((parse(`a:${'.'.repeat(4000)}`) as TermNode).value as TextValue).text).toBe('.'.repeat(4000));
    expect(() => parse(`a:[${'.'.repeat(4000)}]`)).toThrow("unexpected '..' at position 4: expected a value");
    expect(() => parse(`a:(${'x '.repeat(2000)}`)).toThrow(QqlSyntaxError);
    expect(() => parse('NOT '.repeat(1000))).toThrow(
      "unexpected end of filter at position 4001: expected a term after 'NOT'",
    );
  });
});
