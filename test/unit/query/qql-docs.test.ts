import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCertificateFilter, parseQql, tokensOf, type Scope } from '../../../src/core/query/index.js';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/qql.md'), 'utf8');

describe('docs/qql.md', () => {
  it.each(['certificate', 'asset', 'instance', 'vulnerability'] as Scope[])(
    'documents every %s token',
    (scope) => {
      const missing = tokensOf(scope)
        .map((t) => t.token)
        .filter((t) => !doc.includes(`| \`${t}\``));
      expect(missing).toEqual([]);
    },
  );

  it('has examples that parse and compile', () => {
    const examples = /## Examples\n\n```\n([\s\S]*?)```/.exec(doc)?.[1]?.trim().split('\n') ?? [];
    expect(examples.length).toBeGreaterThan(5);
    for (const q of examples) {
      expect(compileCertificateFilter(parseQql(q), { now: 0 }), q).toBeDefined();
    }
  });
});
