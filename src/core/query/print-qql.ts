/**
 * Prints an AST as canonical new-format QQL: upper-case keywords, groups written `scope:(…)`,
 * parentheses only where precedence needs them, values bare when they read back the same and
 * quoted otherwise. For every tree `parseQql` returns, parsing the printed text gives the same
 * tree again (positions aside), so the output serves as a log line and as a cache key.
 */
import type { QqlNode, QqlValue, TextValue } from './ast.js';
import { isQuote, isSpace, keywordAt, termStartAt } from './lexer.js';

const PRECEDENCE: Readonly<Record<QqlNode['kind'], number>> = {
  or: 1,
  and: 2,
  not: 3,
  group: 4,
  term: 4,
  empty: 4,
};

export function printQql(node: QqlNode): string {
  switch (node.kind) {
    case 'or':
      return `${wrap(node.left, 1)} OR ${wrap(node.right, 2)}`;
    case 'and':
      return `${wrap(node.left, 2)} AND ${wrap(node.right, 3)}`;
    case 'not':
      return `NOT ${wrap(node.operand, 3)}`;
    case 'group':
      return `${node.scope}:(${printQql(node.body)})`;
    case 'term':
      return `${node.token}${node.operator}${printValue(node.value)}`;
    case 'empty':
      // Structured filters only: QQL has no syntax for it, so this line is for reading, not parsing.
      return `${node.token} IS ${node.negated ? 'NOT ' : ''}EMPTY`;
  }
}

/** Parenthesises `node` when it binds more loosely than its parent needs (`min`). */
function wrap(node: QqlNode, min: number): string {
  return PRECEDENCE[node.kind] < min ? `(${printQql(node)})` : printQql(node);
}

function printValue(value: QqlValue): string {
  switch (value.kind) {
    case 'text':
      return printText(value, bareValue);
    case 'list':
      return `[${value.items.map((item) => printText(item, bareItem)).join(', ')}]`;
    case 'range':
      return value.inclusive
        ? `[${printText(value.low, bareItem)} .. ${printText(value.high, bareItem)}]`
        : `(${printText(value.low, bareRangeStart)} .. ${printText(value.high, bareItem)})`;
  }
}

function printText(value: TextValue, bare: (s: string) => boolean): string {
  switch (value.match) {
    case 'default':
      // A default value that cannot be written bare (never one the parser made) is quoted.
      return bare(value.text) && !value.text.endsWith('*') ? value.text : quote('"', value.text, false);
    case 'prefix':
      return bare(`${value.text}*`) ? `${value.text}*` : quote('"', value.text, true);
    case 'phrase':
      return quote('"', value.text, false);
    case 'exact':
      return quote('`', value.text, false);
  }
}

function quote(q: '"' | '`', text: string, prefix: boolean): string {
  let body = '';
  for (const ch of text) body += ch === '\\' || ch === q ? `\\${ch}` : ch;
  // A literal `*` at the end must not read back as a prefix match.
  if (!prefix && body.endsWith('*')) body = `${body.slice(0, -1)}\\*`;
  return `${q}${body}${prefix ? '*' : ''}${q}`;
}

/** Would `s` read back whole as a bare term value? (mirrors QqlLexer.readBareValue) */
function bareValue(s: string): boolean {
  const first = s[0];
  if (s === '' || isSpace(first) || isSpace(s[s.length - 1])) return false;
  if (isQuote(first) || first === '(' || first === '[' || s.includes(')')) return false;
  if (keywordAt(s, 0) !== undefined) return false;
  for (let i = 1; i < s.length; i++) {
    if (isSpace(s[i - 1]) && !isSpace(s[i])) {
      if (s[i] === '(' || keywordAt(s, i) !== undefined || termStartAt(s, i) !== undefined) return false;
    }
  }
  return true;
}

/** Would `s` read back whole as a bare list item or range end? (mirrors QqlLexer.readItem) */
function bareItem(s: string): boolean {
  if (s === '' || isSpace(s[0]) || isSpace(s[s.length - 1]) || isQuote(s[0]) || s.includes('..'))
    return false;
  for (const ch of s) if ('[](),'.includes(ch)) return false;
  return true;
}

/** The low end of `(a .. b)` must also not look like the start of a group body. */
function bareRangeStart(s: string): boolean {
  return bareItem(s) && keywordAt(s, 0) === undefined && termStartAt(s, 0) === undefined;
}
