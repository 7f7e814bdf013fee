/**
 * The QQL abstract syntax tree: what QQL text and structured JSON filters both become, and what
 * the compiler turns into SQL.
 *
 * Nodes are frozen plain objects with a `kind` discriminant and a tiny factory each (the shape of
 * kysely's operation nodes), so a tree can be shared, cached and compared with deep equality.
 * Nothing here knows about SQL dialects or the token registry: tokens are kept exactly as written.
 *
 * Every node carries `position`, the 1-based character offset of its first character in the QQL
 * text (0 for nodes built from a structured filter, which has no text). Nodes built from a
 * structured filter carry `path` instead (`filter.filters[2]`), so errors can still point at the
 * offending item. Use {@link nodeLocation} to phrase either in a message.
 */

/** How a text value matches: `default` lets the compiler decide per token type. */
export type MatchMode = 'default' | 'phrase' | 'exact' | 'prefix';

export type TermOperator = ':' | '=' | '>' | '<' | '>=' | '<=';

export const TERM_OPERATORS: readonly TermOperator[] = Object.freeze([':', '=', '>', '<', '>=', '<=']);

interface NodeBase {
  /** 1-based offset of the node's first character in the QQL text; 0 when built from JSON. */
  readonly position: number;
  /** Where a structured filter put this node (`filter.filters[2]`); absent for QQL text. */
  readonly path?: string;
}

export interface TextValue extends NodeBase {
  readonly kind: 'text';
  /** The value with quotes, escapes and a prefix `*` removed. */
  readonly text: string;
  readonly match: MatchMode;
}

export interface RangeValue extends NodeBase {
  readonly kind: 'range';
  readonly low: TextValue;
  readonly high: TextValue;
  /** `[a .. b]` includes both ends, `(a .. b)` excludes both. */
  readonly inclusive: boolean;
}

export interface ListValue extends NodeBase {
  readonly kind: 'list';
  /** Matches when any item matches; each item keeps its own match mode. */
  readonly items: readonly TextValue[];
}

export type QqlValue = TextValue | RangeValue | ListValue;

export interface AndNode extends NodeBase {
  readonly kind: 'and';
  readonly left: QqlNode;
  readonly right: QqlNode;
}

export interface OrNode extends NodeBase {
  readonly kind: 'or';
  readonly left: QqlNode;
  readonly right: QqlNode;
}

export interface NotNode extends NodeBase {
  readonly kind: 'not';
  readonly operand: QqlNode;
}

/** `scope:(body)`: the body is evaluated against one related entity (one asset, one instance ...). */
export interface GroupNode extends NodeBase {
  readonly kind: 'group';
  readonly scope: string;
  readonly body: QqlNode;
}

export interface TermNode extends NodeBase {
  readonly kind: 'term';
  /** Dotted token as written; the registry resolves it case-insensitively. */
  readonly token: string;
  readonly operator: TermOperator;
  readonly value: QqlValue;
}

/** Structured filters only: IS_EMPTY (`negated: false`) and IS_NOT_EMPTY (`negated: true`). */
export interface EmptyNode extends NodeBase {
  readonly kind: 'empty';
  readonly token: string;
  readonly negated: boolean;
}

export type QqlNode = AndNode | OrNode | NotNode | GroupNode | TermNode | EmptyNode;

// A key that is present with `undefined` would break deep equality between QQL and JSON trees.
function located<T extends object>(node: T, position: number, path: string | undefined): T & NodeBase {
  return Object.freeze(path === undefined ? { ...node, position } : { ...node, position, path });
}

export const TextValue = Object.freeze({
  is: (node: QqlNode | QqlValue): node is TextValue => node.kind === 'text',
  create: (text: string, match: MatchMode, position: number, path?: string): TextValue =>
    located({ kind: 'text' as const, text, match }, position, path),
});

export const RangeValue = Object.freeze({
  is: (node: QqlNode | QqlValue): node is RangeValue => node.kind === 'range',
  create: (
    low: TextValue,
    high: TextValue,
    inclusive: boolean,
    position: number,
    path?: string,
  ): RangeValue => located({ kind: 'range' as const, low, high, inclusive }, position, path),
});

export const ListValue = Object.freeze({
  is: (node: QqlNode | QqlValue): node is ListValue => node.kind === 'list',
  create: (items: readonly TextValue[], position: number, path?: string): ListValue =>
    located({ kind: 'list' as const, items: Object.freeze([...items]) }, position, path),
});

export const AndNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is AndNode => node.kind === 'and',
  /** Binary nodes take their left operand's position unless told otherwise. */
  create: (left: QqlNode, right: QqlNode, position = left.position, path?: string): AndNode =>
    located({ kind: 'and' as const, left, right }, position, path),
});

export const OrNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is OrNode => node.kind === 'or',
  create: (left: QqlNode, right: QqlNode, position = left.position, path?: string): OrNode =>
    located({ kind: 'or' as const, left, right }, position, path),
});

export const NotNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is NotNode => node.kind === 'not',
  create: (operand: QqlNode, position: number, path?: string): NotNode =>
    located({ kind: 'not' as const, operand }, position, path),
});

export const GroupNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is GroupNode => node.kind === 'group',
  create: (scope: string, body: QqlNode, position: number, path?: string): GroupNode =>
    located({ kind: 'group' as const, scope, body }, position, path),
});

export const TermNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is TermNode => node.kind === 'term',
  create: (
    token: string,
    operator: TermOperator,
    value: QqlValue,
    position: number,
    path?: string,
  ): TermNode => located({ kind: 'term' as const, token, operator, value }, position, path),
});

export const EmptyNode = Object.freeze({
  is: (node: QqlNode | QqlValue): node is EmptyNode => node.kind === 'empty',
  create: (token: string, negated: boolean, position: number, path?: string): EmptyNode =>
    located({ kind: 'empty' as const, token, negated }, position, path),
});

/** `position 14` for QQL text, the item path for structured filters; for error messages. */
export function nodeLocation(node: QqlNode | QqlValue): string {
  return node.path ?? `position ${node.position}`;
}
