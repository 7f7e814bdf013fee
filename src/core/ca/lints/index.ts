/**
 * The lint registry: every rule runs before any signature is made (issue.ts).
 */
import { cnInSan } from './cn-in-san.js';
import { dnAttributeBounds } from './dn-attribute-bounds.js';
import { dnAttributeChars } from './dn-attribute-chars.js';
import { dnsNameSyntax } from './dns-name-syntax.js';
import { ekuMatchesProfile } from './eku-matches-profile.js';
import { evSubjectFields } from './ev-subject-fields.js';
import { keyUsageForKeyType } from './key-usage-for-key-type.js';
import { leafNotCa } from './leaf-not-ca.js';
import { rfc822NameSyntax } from './rfc822-name-syntax.js';
import { sanPresent } from './san-present.js';
import { serialEntropySize } from './serial-entropy-size.js';
import { serialMaxLength } from './serial-max-length.js';
import { serialPositive } from './serial-positive.js';
import { subjectKeyNotCaKey } from './subject-key-not-ca-key.js';
import type { LintFailure, LintRule, LintSubject } from './types.js';
import { validityMaxPeriod } from './validity-max-period.js';
import { validityOrder } from './validity-order.js';
import { validityWithinIssuer } from './validity-within-issuer.js';

export type { LintFailure, LintRule, LintSubject } from './types.js';

export const LINT_RULES: readonly LintRule[] = Object.freeze([
  serialPositive,
  serialEntropySize,
  serialMaxLength,
  validityOrder,
  validityMaxPeriod,
  validityWithinIssuer,
  sanPresent,
  dnsNameSyntax,
  rfc822NameSyntax,
  cnInSan,
  leafNotCa,
  ekuMatchesProfile,
  keyUsageForKeyType,
  subjectKeyNotCaKey,
  dnAttributeBounds,
  dnAttributeChars,
  evSubjectFields,
]);

/** Runs every rule; returns the failures (empty when the certificate may be signed). */
export function runLints(subject: LintSubject): LintFailure[] {
  const failures: LintFailure[] = [];
  for (const rule of LINT_RULES) {
    const message = rule.check(subject);
    if (message !== null) failures.push({ name: rule.name, citation: rule.citation, message });
  }
  return failures;
}
