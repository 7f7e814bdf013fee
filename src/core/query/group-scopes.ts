/**
 * Old-format tokens: `asset.name:server1` means the same as the new format `asset:(name:server1)`
 * (CertView API v2.8.3, "Query Example"). Which first segments open a group is a parser option,
 * because only the token registry knows which tokens are related entities; every other dotted
 * token (`subject.name`) stays a plain token.
 */
import { GroupNode, type QqlNode } from './ast.js';

export const DEFAULT_GROUP_SCOPES: readonly string[] = Object.freeze(['asset', 'instance', 'vulnerability']);

export interface GroupScopeOptions {
  /** First token segments that open a group, compared in lowercase. Default {@link DEFAULT_GROUP_SCOPES}. */
  readonly groupScopes?: readonly string[] | undefined;
}

export function groupScopeSet(opts: GroupScopeOptions): ReadonlySet<string> {
  return new Set((opts.groupScopes ?? DEFAULT_GROUP_SCOPES).map((s) => s.toLowerCase()));
}

export interface ScopedToken {
  /** Group scopes peeled off the front, as written, with their offsets inside the token. */
  readonly scopes: readonly { readonly name: string; readonly offset: number }[];
  /** What is left: the token of the innermost term or group. */
  readonly token: string;
  readonly offset: number;
}

/**
 * Peels group scopes off the front of a token while its first segment is one, and never a last
 * segment: `asset.interfaces.hostname` gives [asset] + `interfaces.hostname`; `asset.instance.port`
 * gives [asset, instance] + `port`, exactly what `asset:(instance:(port:…))` parses to, so the
 * two formats agree at every depth and a printed tree parses back to itself.
 */
export function splitGroupScopes(token: string, scopes: ReadonlySet<string>): ScopedToken {
  const peeled: { name: string; offset: number }[] = [];
  let offset = 0;
  for (;;) {
    const dot = token.indexOf('.', offset);
    if (dot < 0 || !scopes.has(token.slice(offset, dot).toLowerCase())) break;
    peeled.push({ name: token.slice(offset, dot), offset });
    offset = dot + 1;
  }
  return { scopes: peeled, token: token.slice(offset), offset };
}

/** Wraps `inner` in the groups `split` peeled off, outermost first. `position` 0 stays 0 (JSON). */
export function wrapInGroups(split: ScopedToken, position: number, inner: QqlNode, path?: string): QqlNode {
  let node = inner;
  for (let i = split.scopes.length - 1; i >= 0; i--) {
    const scope = split.scopes[i] as { name: string; offset: number };
    node = GroupNode.create(scope.name, node, position === 0 ? 0 : position + scope.offset, path);
  }
  return node;
}
