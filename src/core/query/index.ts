/**
 * QQL: the Qualys Query Language filters of the CertView API, and the structured JSON filters
 * newer clients send instead. Both become one frozen AST (ast.ts); the compiler turns that AST
 * into SQL through the token registry.
 *
 * @example
 *   const ast = parseQql('asset.name:server1 AND validTo<2025-01-01', { groupScopes: ['asset'] });
 *   printQql(ast!); // 'asset:(name:server1) AND validTo<2025-01-01'
 *
 *   structuredFilterToAst({ filters: [{ field: 'subject.name', operator: 'CONTAINS', value: 'example' }] });
 */
export {
  AndNode,
  EmptyNode,
  GroupNode,
  ListValue,
  NotNode,
  OrNode,
  RangeValue,
  TERM_OPERATORS,
  TermNode,
  TextValue,
  nodeLocation,
  type MatchMode,
  type QqlNode,
  type QqlValue,
  type TermOperator,
} from './ast.js';
export { QqlSyntaxError } from './errors.js';
export { DEFAULT_GROUP_SCOPES, type GroupScopeOptions } from './group-scopes.js';
export { QQL_LIMITS } from './limits.js';
export { parseQql, type ParseQqlOptions } from './parser.js';
export { printQql } from './print-qql.js';
export {
  STRUCTURED_OPERATORS,
  structuredFilterToAst,
  type StructuredFilterOptions,
  type StructuredOperator,
} from './structured-filter.js';
export {
  assetSortColumn,
  certificateSortColumn,
  compileAssetFilter,
  compileCertificateFilter,
  type CertificateCompileOptions,
  type CompileOptions,
} from './compile.js';
export { GROUPS, lookupToken, tokensOf, type Scope, type TokenSpec, type TokenType } from './registry.js';
