/**
 * The QQL parser: text → frozen AST (see ast.ts), by recursive descent.
 *
 *   filter  := or
 *   or      := and ('OR' and)*
 *   and     := unary (['AND'] unary)*          juxtaposition is an implicit AND
 *   unary   := 'NOT' unary | primary
 *   primary := '(' or ')' | token ':' '(' or ')' | token op value
 *   value   := bare words | quoted | '[' item '..' item ']' | '(' item '..' item ')' | '[' item (',' item)* ']'
 *
 * Keywords are case-insensitive; precedence NOT > AND > OR; binary operators associate to the left.
 */
import {
  AndNode,
  GroupNode,
  ListValue,
  NotNode,
  OrNode,
  RangeValue,
  TermNode,
  TextValue,
  type QqlNode,
  type QqlValue,
} from './ast.js';
import { QqlSyntaxError } from './errors.js';
import { groupScopeSet, splitGroupScopes, wrapInGroups, type GroupScopeOptions } from './group-scopes.js';
import {
  QqlLexer,
  characterLength,
  isQuote,
  isValidToken,
  keywordAt,
  operatorAt,
  termStartAt,
  type ExprToken,
  type RawText,
  type TermStart,
} from './lexer.js';
import { QQL_LIMITS } from './limits.js';

export type ParseQqlOptions = GroupScopeOptions;

/**
 * Parses a QQL filter. Old-format tokens (`asset.name:x`) become the same groups as the new
 * format (`asset:(name:x)`) for the scopes in `opts.groupScopes`.
 *
 * @returns the AST, or `undefined` for an empty or whitespace-only filter (no filtering).
 * @throws {QqlSyntaxError} (code INVALID_ARGUMENT, field `filter`) naming the position and the
 *   offending text, when the filter is not valid QQL or exceeds {@link QQL_LIMITS}.
 *
 * @example
 *   parseQql('asset:(name:server1) AND validTo<2025-01-01', { groupScopes: ['asset'] });
 */
export function parseQql(text: string, opts: ParseQqlOptions = {}): QqlNode | undefined {
  if (typeof text !== 'string') throw new TypeError('parseQql: text must be a string');
  if (characterLength(text) > QQL_LIMITS.maxLength) {
    const position = QQL_LIMITS.maxLength + 1;
    const over = [...text][QQL_LIMITS.maxLength] as string;
    throw new QqlSyntaxError(
      `filter is too long at position ${position}: at most ${QQL_LIMITS.maxLength} characters are allowed`,
      position,
      over,
    );
  }
  return new Parser(text, groupScopeSet(opts)).parseFilter();
}

class Parser {
  readonly #lexer: QqlLexer;
  readonly #scopes: ReadonlySet<string>;
  #depth = 0;
  #terms = 0;

  constructor(text: string, scopes: ReadonlySet<string>) {
    this.#lexer = new QqlLexer(text);
    this.#scopes = scopes;
  }

  parseFilter(): QqlNode | undefined {
    const first = this.#lexer.peekExpr();
    if (first.type === 'end') return undefined;
    const node = this.#parseOr();
    const next = this.#lexer.peekExpr();
    if (next.type === 'close') {
      const p = this.#pos(next.index);
      throw new QqlSyntaxError(`unbalanced ')' at position ${p}`, p, ')');
    }
    // #parseOr stops only before ')' or the end.
    return node;
  }

  #pos(index: number): number {
    return this.#lexer.position(index);
  }

  #parseOr(): QqlNode {
    let left = this.#parseAnd();
    for (;;) {
      const token = this.#lexer.peekExpr();
      if (token.type !== 'keyword' || token.keyword !== 'OR') return left;
      this.#lexer.advance(token);
      left = OrNode.create(left, this.#parseAnd('OR'));
    }
  }

  #parseAnd(after?: string): QqlNode {
    let left = this.#parseUnary(after);
    for (;;) {
      const token = this.#lexer.peekExpr();
      if (token.type === 'end' || token.type === 'close') return left;
      if (token.type === 'keyword' && token.keyword === 'OR') return left;
      if (token.type === 'keyword' && token.keyword === 'AND') {
        this.#lexer.advance(token);
        left = AndNode.create(left, this.#parseUnary('AND'));
      } else {
        // Juxtaposition (a term, a parenthesis or NOT) is an implicit AND.
        left = AndNode.create(left, this.#parseUnary());
      }
    }
  }

  #parseUnary(after?: string): QqlNode {
    const token = this.#lexer.peekExpr();
    if (token.type === 'keyword' && token.keyword === 'NOT') {
      this.#lexer.advance(token);
      return NotNode.create(this.#parseUnary('NOT'), this.#pos(token.index));
    }
    return this.#parsePrimary(token, after);
  }

  #parsePrimary(token: ExprToken, after: string | undefined): QqlNode {
    switch (token.type) {
      case 'open': {
        this.#lexer.advance(token);
        return this.#parseParenthesized(token.index);
      }
      case 'term':
        return this.#parseTerm(token);
      case 'other': {
        const operator = operatorAt(token.text, 0);
        if (operator !== undefined) {
          throw QqlSyntaxError.unexpected(
            operator,
            this.#pos(token.index),
            `expected a token name before '${operator}'`,
          );
        }
        throw QqlSyntaxError.unexpected(
          token.text,
          this.#pos(token.index),
          'expected a term such as token:value',
        );
      }
      default: {
        const text = token.type === 'keyword' ? token.text : token.type === 'close' ? ')' : '';
        const expected = after === undefined ? 'expected a term' : `expected a term after '${after}'`;
        throw QqlSyntaxError.unexpected(text, this.#pos(token.index), expected);
      }
    }
  }

  /** The inside of `(`…`)`, the cursor just past the `(` at `opener`. */
  #parseParenthesized(opener: number): QqlNode {
    this.#enter(opener, 1, '(');
    const first = this.#lexer.peekExpr();
    if (first.type === 'close') {
      const p = this.#pos(opener);
      throw new QqlSyntaxError(`empty filter group at position ${p}`, p, '()');
    }
    const body = this.#parseOr();
    const close = this.#lexer.peekExpr();
    if (close.type !== 'close') {
      const p = this.#pos(opener);
      throw new QqlSyntaxError(`unbalanced '(' at position ${p}: missing ')'`, p, '(');
    }
    this.#lexer.advance(close);
    this.#depth--;
    return body;
  }

  /** Old-format groups (`asset.name:x`) nest like written ones, so they count towards the depth too. */
  #enter(index: number, levels: number, token: string): void {
    this.#depth += levels;
    if (this.#depth > QQL_LIMITS.maxDepth) {
      const p = this.#pos(index);
      throw new QqlSyntaxError(
        `filter nested too deeply at position ${p}: at most ${QQL_LIMITS.maxDepth} levels of parentheses and groups are allowed`,
        p,
        token,
      );
    }
  }

  #parseTerm(term: TermStart): QqlNode {
    const position = this.#pos(term.index);
    if (!isValidToken(term.token)) {
      throw new QqlSyntaxError(
        `invalid token '${term.token}' at position ${position}: tokens are dotted names such as subject.name`,
        position,
        term.token,
      );
    }
    const lexer = this.#lexer;
    lexer.advance(term);
    const split = splitGroupScopes(term.token, this.#scopes);
    const innerPosition = position + split.offset;
    const spaced = lexer.skipSpace() > 0;
    const i = lexer.index;
    const ch = lexer.peekChar();

    if (ch === '(' && !lexer.looksLikeRange()) {
      if (term.operator !== ':') {
        throw QqlSyntaxError.unexpected(
          '(',
          this.#pos(i),
          `expected a value after '${term.token}${term.operator}' (groups are written token:(…))`,
        );
      }
      this.#enter(term.index, split.scopes.length, term.token);
      lexer.index = i + 1;
      const body = this.#parseParenthesized(i);
      this.#depth -= split.scopes.length;
      return wrapInGroups(split, position, GroupNode.create(split.token, body, innerPosition));
    }

    this.#terms++;
    if (this.#terms > QQL_LIMITS.maxTerms) {
      throw new QqlSyntaxError(
        `too many terms at position ${position}: at most ${QQL_LIMITS.maxTerms} terms are allowed`,
        position,
        term.token,
      );
    }
    this.#enter(term.index, split.scopes.length, term.token);
    this.#depth -= split.scopes.length; // a value holds no groups
    const value = this.#parseValue(term, spaced);
    return wrapInGroups(split, position, TermNode.create(split.token, term.operator, value, innerPosition));
  }

  #parseValue(term: TermStart, spaced: boolean): QqlValue {
    const lexer = this.#lexer;
    const i = lexer.index;
    const ch = lexer.peekChar();
    const written = `${term.token}${term.operator}`;
    const single = term.operator !== ':' && term.operator !== '=';
    if (ch === undefined || ch === ')') {
      throw QqlSyntaxError.unexpected(ch ?? '', this.#pos(i), `expected a value after '${written}'`);
    }
    if (ch === '(' || ch === '[') {
      if (single) {
        throw QqlSyntaxError.unexpected(ch, this.#pos(i), `'${term.operator}' takes a single value`);
      }
      return ch === '(' ? this.#parseRange(i) : this.#parseBracket(i);
    }
    if (isQuote(ch)) return this.#text(lexer.readQuoted('value'));
    const keyword = keywordAt(lexer.text, i);
    if (keyword !== undefined) {
      throw QqlSyntaxError.unexpected(keyword.text, this.#pos(i), `expected a value after '${written}'`);
    }
    // `a: b:c` is far more likely a missing value than the value `b:c`; `a:b:c` keeps its colon.
    const next = spaced ? termStartAt(lexer.text, i) : undefined;
    if (next !== undefined) {
      throw QqlSyntaxError.unexpected(next.token, this.#pos(i), `expected a value after '${written}'`);
    }
    return this.#text(lexer.readBareValue());
  }

  #text(raw: RawText): TextValue {
    return TextValue.create(raw.text, raw.match, this.#pos(raw.index));
  }

  /** `(a .. b)`, the cursor on the `(` at `opener`; both ends excluded. */
  #parseRange(opener: number): RangeValue {
    const lexer = this.#lexer;
    lexer.index = opener + 1;
    const low = this.#rangeEnd(lexer.readItem(opener));
    lexer.skipSpace();
    lexer.index += 2; // the look-ahead saw `..`
    return this.#finishRange(opener, low, ')', false);
  }

  /** `[a .. b]` (both ends included) or `[a, b, …]`, the cursor on the `[` at `opener`. */
  #parseBracket(opener: number): RangeValue | ListValue {
    const lexer = this.#lexer;
    lexer.index = opener + 1;
    const first = lexer.readItem(opener);
    lexer.skipSpace();
    if (lexer.startsWith('..')) {
      lexer.index += 2;
      return this.#finishRange(opener, this.#rangeEnd(first), ']', true);
    }
    const items = [this.#text(first)];
    for (;;) {
      lexer.skipSpace();
      const ch = lexer.peekChar();
      if (ch === ']') {
        lexer.index++;
        return ListValue.create(items, this.#pos(opener));
      }
      if (ch === ',') {
        lexer.index++;
        if (items.length === QQL_LIMITS.maxListItems) {
          const p = this.#pos(lexer.index - 1);
          throw new QqlSyntaxError(
            `too many values in the list at position ${p}: at most ${QQL_LIMITS.maxListItems} are allowed`,
            p,
            ',',
          );
        }
        items.push(this.#text(lexer.readItem(opener)));
        continue;
      }
      if (ch === undefined) throw lexer.unterminated(opener);
      const what = lexer.startsWith('..') ? '..' : ch;
      const why = what === '..' ? 'a range has exactly two ends' : "expected ',' or ']'";
      throw QqlSyntaxError.unexpected(what, this.#pos(lexer.index), why);
    }
  }

  #finishRange(opener: number, low: TextValue, closer: ']' | ')', inclusive: boolean): RangeValue {
    const lexer = this.#lexer;
    const high = this.#rangeEnd(lexer.readItem(opener));
    lexer.skipSpace();
    const ch = lexer.peekChar();
    if (ch === closer) {
      lexer.index++;
      return RangeValue.create(low, high, inclusive, this.#pos(opener));
    }
    if (ch === undefined) throw lexer.unterminated(opener);
    const what = lexer.startsWith('..') ? '..' : ch;
    throw QqlSyntaxError.unexpected(
      what,
      this.#pos(lexer.index),
      `expected '${closer}' to close the range (ranges are [a .. b] or (a .. b))`,
    );
  }

  #rangeEnd(raw: RawText): TextValue {
    if (raw.match === 'prefix') {
      const p = this.#pos(raw.index);
      throw new QqlSyntaxError(
        `a range end cannot be a prefix at position ${p}: remove the trailing '*'`,
        p,
        `${raw.text}*`,
      );
    }
    return this.#text(raw);
  }
}
