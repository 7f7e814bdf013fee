/**
 * The QQL lexer. QQL is context-sensitive (a bare value may run across spaces, an apostrophe may
 * sit inside a single-quoted value), so instead of one token stream the lexer offers a cursor with
 * one reader per context and the parser picks the reader. Every reader moves strictly forward and
 * looks ahead by at most one word (one value, to tell a range from a group), and no regular
 * expression runs over user input, so lexing stays linear in the input length.
 *
 * Offsets here are 0-based string indices; {@link QqlLexer.position} turns them into the 1-based
 * character positions that nodes and errors carry.
 */
import type { MatchMode, TermOperator } from './ast.js';
import { QqlSyntaxError } from './errors.js';

export type Keyword = 'AND' | 'OR' | 'NOT';

/** A token in expression position (where a term, a keyword or a parenthesis is expected). */
export type ExprToken =
  | { readonly type: 'open' | 'close' | 'end'; readonly index: number; readonly end: number }
  | {
      readonly type: 'keyword';
      readonly keyword: Keyword;
      readonly text: string;
      readonly index: number;
      readonly end: number;
    }
  | TermStart
  | { readonly type: 'other'; readonly text: string; readonly index: number; readonly end: number };

/** `token` followed directly by an operator; `end` is the index just after the operator. */
export interface TermStart {
  readonly type: 'term';
  readonly token: string;
  readonly operator: TermOperator;
  readonly index: number;
  readonly end: number;
}

/** A value as the lexer read it: quotes, escapes and the prefix `*` already resolved. */
export interface RawText {
  readonly text: string;
  readonly match: MatchMode;
  readonly index: number;
}

/**
 * Where a value sits decides what may follow a closing quote: after a term value only a space,
 * `)` or the end; inside `[...]` or a range also `,`, `]` and `..`.
 */
export type ValueContext = 'value' | 'item';

export function isSpace(ch: string | undefined): boolean {
  return (
    ch === ' ' ||
    ch === '\t' ||
    ch === '\n' ||
    ch === '\r' ||
    ch === '\f' ||
    ch === '\v' ||
    ch === '\u00a0' ||
    ch === '\u2028' ||
    ch === '\u2029' ||
    ch === '\ufeff' ||
    (ch !== undefined && ch >= '\u2000' && ch <= '\u200a') ||
    ch === '\u202f' ||
    ch === '\u205f' ||
    ch === '\u3000' ||
    ch === '\u1680'
  );
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isTokenChar(ch: string | undefined): boolean {
  return isLetter(ch) || isDigit(ch) || ch === '_' || ch === '.';
}

export function isQuote(ch: string | undefined): ch is '"' | "'" | '`' {
  return ch === '"' || ch === "'" || ch === '`';
}

/**
 * A token is a dotted name: segments of letters, digits and `_`, the first starting with a letter
 * or `_` (so `10:00` inside a value never looks like a term), no empty segment.
 */
export function isValidToken(token: string): boolean {
  if (token === '' || !(isLetter(token[0]) || token[0] === '_')) return false;
  let previous = '';
  for (const ch of token) {
    if (!isTokenChar(ch) || (ch === '.' && previous === '.')) return false;
    previous = ch;
  }
  return previous !== '.';
}

/** The keyword at `i` when it is a whole word (followed by the end, a space or a parenthesis). */
export function keywordAt(text: string, i: number): { keyword: Keyword; text: string } | undefined {
  let j = i;
  while (j < text.length && j - i <= 3 && isLetter(text[j])) j++;
  const word = text.slice(i, j);
  const upper = word.toUpperCase();
  if (upper !== 'AND' && upper !== 'OR' && upper !== 'NOT') return undefined;
  const next = text[j];
  if (next !== undefined && !isSpace(next) && next !== '(' && next !== ')') return undefined;
  return { keyword: upper, text: word };
}

/** The term that starts at `i` (`token:`, `token>=` ...), if any. The token may still be invalid. */
export function termStartAt(text: string, i: number): TermStart | undefined {
  if (!(isLetter(text[i]) || text[i] === '_')) return undefined;
  let j = i + 1;
  while (isTokenChar(text[j])) j++;
  const operator = operatorAt(text, j);
  if (operator === undefined) return undefined;
  return { type: 'term', token: text.slice(i, j), operator, index: i, end: j + operator.length };
}

export function operatorAt(text: string, j: number): TermOperator | undefined {
  const ch = text[j];
  if (ch === ':' || ch === '=') return ch;
  if (ch === '>' || ch === '<') return text[j + 1] === '=' ? `${ch}=` : ch;
  return undefined;
}

/** Characters that end a bare value inside `[...]` or a range (besides `..`). */
function endsItem(ch: string | undefined): boolean {
  return ch === undefined || ch === ',' || ch === '[' || ch === ']' || ch === '(' || ch === ')';
}

/** May a quoted value end just before index `k`? */
function closesAt(text: string, k: number, context: ValueContext): boolean {
  const ch = text[k];
  if (ch === undefined || isSpace(ch) || ch === ')') return true;
  return context === 'item' && (ch === ',' || ch === ']' || (ch === '.' && text[k + 1] === '.'));
}

type Scanned =
  | { readonly ok: true; readonly text: string; readonly prefix: boolean; readonly end: number }
  | { readonly ok: false };

/** Characters a backslash escapes inside quotes; any other backslash is kept (Windows paths). */
const ESCAPABLE = new Set(['"', "'", '`', '\\', '*']);

/**
 * Reads the quoted value whose opening quote is at `start`; never throws, so the range look-ahead
 * can use it too. A single quote closes only before a space, `)` or the end (or `,` `]` `..` in
 * an item), so an apostrophe inside stays part of the value: `'Let's Encrypt'`.
 */
export function scanQuoted(text: string, start: number, context: ValueContext): Scanned {
  const quote = text[start];
  let out = '';
  let trailingStar = false; // an unescaped `*` is the last character so far
  let i = start + 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) return { ok: false };
    if (ch === '\\' && ESCAPABLE.has(text[i + 1] ?? '')) {
      out += text[i + 1];
      trailingStar = false;
      i += 2;
      continue;
    }
    if (ch === quote) {
      const closes =
        quote !== "'" ||
        closesAt(text, i + 1, context) ||
        (text[i + 1] === '*' && closesAt(text, i + 2, context));
      if (closes) {
        let end = i + 1;
        let prefix = trailingStar;
        if (trailingStar) out = out.slice(0, -1);
        if (text[end] === '*' && closesAt(text, end + 1, context)) {
          prefix = true;
          end++;
        }
        return { ok: true, text: out, prefix, end };
      }
    }
    out += ch;
    trailingStar = ch === '*';
    i++;
  }
}

function quotedMatch(quote: string, prefix: boolean): MatchMode {
  if (prefix) return 'prefix';
  return quote === '`' ? 'exact' : 'phrase';
}

/** A trailing `*` on a bare value asks for a prefix match; a `*` anywhere else is literal. */
function bareText(text: string, index: number): RawText {
  return text.endsWith('*')
    ? { text: text.slice(0, -1), match: 'prefix', index }
    : { text, match: 'default', index };
}

export class QqlLexer {
  readonly text: string;
  /** The cursor: a 0-based index into `text`. */
  index = 0;
  // Code point counts before each index, only built when the text holds surrogate pairs, so
  // positions count characters as a user sees them rather than UTF-16 units.
  readonly #codePoints: Int32Array | undefined;

  constructor(text: string) {
    this.text = text;
    this.#codePoints = hasSurrogates(text) ? countCodePoints(text) : undefined;
  }

  /** 1-based character position of a 0-based index. */
  position(index: number): number {
    return (this.#codePoints === undefined ? index : (this.#codePoints[index] as number)) + 1;
  }

  /** Skips spaces; returns how many were skipped. */
  skipSpace(): number {
    const from = this.index;
    while (isSpace(this.text[this.index])) this.index++;
    return this.index - from;
  }

  peekChar(): string | undefined {
    return this.text[this.index];
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.index);
  }

  /** The next token in expression position, after spaces; the cursor stays on it. */
  peekExpr(): ExprToken {
    this.skipSpace();
    const { text } = this;
    const i = this.index;
    const ch = text[i];
    if (ch === undefined) return { type: 'end', index: i, end: i };
    if (ch === '(') return { type: 'open', index: i, end: i + 1 };
    if (ch === ')') return { type: 'close', index: i, end: i + 1 };
    const term = termStartAt(text, i);
    if (term !== undefined) return term;
    const keyword = keywordAt(text, i);
    if (keyword !== undefined) return { type: 'keyword', ...keyword, index: i, end: i + keyword.text.length };
    let j = i;
    while (j < text.length && !isSpace(text[j]) && text[j] !== '(' && text[j] !== ')') j++;
    return { type: 'other', text: text.slice(i, j), index: i, end: j };
  }

  advance(token: { readonly end: number }): void {
    this.index = token.end;
  }

  /**
   * A bare term value: words separated by spaces, up to the next keyword, `(`, `)`, the end, or a
   * word that starts a new term. The first word is taken whole, so `2024-01-01T10:00:00Z` keeps
   * its colons. Spaces after the last word are not part of the value.
   */
  readBareValue(): RawText {
    const { text } = this;
    const start = this.index;
    let end = this.#wordEnd(start);
    for (;;) {
      let j = end;
      while (isSpace(text[j])) j++;
      const ch = text[j];
      if (ch === undefined || ch === '(' || ch === ')') break;
      if (keywordAt(text, j) !== undefined || termStartAt(text, j) !== undefined) break;
      end = this.#wordEnd(j);
    }
    this.index = end;
    return bareText(text.slice(start, end), start);
  }

  #wordEnd(i: number): number {
    let j = i;
    while (j < this.text.length && !isSpace(this.text[j]) && this.text[j] !== ')') j++;
    return j;
  }

  /** The quoted value at the cursor, which must be on a quote. */
  readQuoted(context: ValueContext): RawText {
    const start = this.index;
    const quote = this.text[start] as string;
    const scanned = scanQuoted(this.text, start, context);
    if (!scanned.ok) {
      throw new QqlSyntaxError(
        `unterminated quote starting at position ${this.position(start)}`,
        this.position(start),
        quote,
      );
    }
    if (scanned.text === '' && !scanned.prefix) {
      throw new QqlSyntaxError(
        `empty quoted value at position ${this.position(start)}`,
        this.position(start),
        this.text.slice(start, scanned.end),
      );
    }
    this.index = scanned.end;
    if (!closesAt(this.text, this.index, context)) {
      throw QqlSyntaxError.unexpected(
        this.text[this.index] as string,
        this.position(this.index),
        context === 'value'
          ? "expected a space, ')' or the end after a quoted value"
          : "expected ',', '..' or ']' after a quoted value",
      );
    }
    return { text: scanned.text, match: quotedMatch(quote, scanned.prefix), index: start };
  }

  /**
   * One item of a list or one end of a range. Bare items may hold spaces (`[In 100 Days, Expired]`)
   * and end at `,`, `..`, a bracket or a parenthesis. `opener` is the index of the `[` or `(`.
   */
  readItem(opener: number): RawText {
    this.skipSpace();
    const { text } = this;
    const i = this.index;
    const ch = text[i];
    if (ch === undefined) throw this.unterminated(opener);
    if (isQuote(ch)) return this.readQuoted('item');
    if (endsItem(ch) || this.startsWith('..')) {
      throw QqlSyntaxError.unexpected(
        this.startsWith('..') ? '..' : ch,
        this.position(i),
        'expected a value',
      );
    }
    let j = i;
    while (!endsItem(text[j]) && !(text[j] === '.' && text[j + 1] === '.')) j++;
    let end = j;
    while (isSpace(text[end - 1])) end--;
    this.index = j;
    return bareText(text.slice(i, end), i);
  }

  unterminated(opener: number): QqlSyntaxError {
    const ch = this.text[opener] as string;
    return new QqlSyntaxError(
      `unterminated '${ch}' at position ${this.position(opener)}: missing '${ch === '[' ? ']' : ')'}'`,
      this.position(opener),
      ch,
    );
  }

  /**
   * With the cursor on the `(` after `token:`, tells a range `(a .. b)` from a group `(a:b ...)`:
   * it is a range when the first thing inside is a value (not a term, keyword or parenthesis)
   * followed by `..`. Looks no further than that first value.
   */
  looksLikeRange(): boolean {
    const { text } = this;
    let i = this.index + 1;
    while (isSpace(text[i])) i++;
    const ch = text[i];
    if (isQuote(ch)) {
      const scanned = scanQuoted(text, i, 'item');
      if (!scanned.ok) return false;
      i = scanned.end;
      while (isSpace(text[i])) i++;
      return text.startsWith('..', i);
    }
    if (endsItem(ch) || termStartAt(text, i) !== undefined || keywordAt(text, i) !== undefined) return false;
    while (!endsItem(text[i]) && !(text[i] === '.' && text[i + 1] === '.')) i++;
    return text.startsWith('..', i);
  }
}

function hasSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

function countCodePoints(text: string): Int32Array {
  const counts = new Int32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The low half of a pair belongs to the character its high half started.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1))) {
      counts[i] = n - 1;
    } else {
      counts[i] = n++;
    }
  }
  counts[text.length] = n;
  return counts;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Length in characters (code points), as the length limit counts it. */
export function characterLength(text: string): number {
  return hasSurrogates(text) ? (countCodePoints(text)[text.length] as number) : text.length;
}
