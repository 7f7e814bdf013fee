import type { QqlNode, QqlValue } from '../../../src/core/query/index.js';

/** The tree without `position` and `path`, for comparing trees that were written differently. */
export function strip(node: QqlNode | QqlValue | undefined): unknown {
  if (node === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'position' || key === 'path') continue;
    if (Array.isArray(value)) out[key] = value.map((v: QqlValue) => strip(v));
    else if (typeof value === 'object' && value !== null) out[key] = strip(value as QqlNode);
    else out[key] = value;
  }
  return out;
}

export const SCOPES = { groupScopes: ['asset', 'instance', 'vulnerability'] } as const;
