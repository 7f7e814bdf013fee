/**
 * Bounds on one filter. They keep the compiled SQL small and the parser's recursion shallow,
 * whatever a client sends; exceeding one is an INVALID_ARGUMENT error, never a truncation.
 */
export const QQL_LIMITS = Object.freeze({
  /** Characters of QQL text. */
  maxLength: 4096,
  /** Nesting of parentheses and groups (old-format groups count too) or of structured filter objects. */
  maxDepth: 16,
  /** Terms in one QQL filter, or leaf filters in one structured filter. */
  maxTerms: 200,
  /** Items in one value list (`[a, b]` or IN), each of which becomes a bound parameter. */
  maxListItems: 1000,
});
