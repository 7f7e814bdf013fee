import { CertgridError } from '../errors.js';

/** User roles, by their display names (stored as such). */
export const ROLES = ['Super User', 'Manager', 'PKI Admin', 'Approver', 'Reader'] as const;
export type Role = (typeof ROLES)[number];

const BY_KEY = new Map<string, Role>(ROLES.map((r) => [roleKey(r), r]));

function roleKey(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

/**
 * The canonical role for what an operator typed: case-insensitive, with `_`, `-` and runs of
 * spaces treated alike (`super_user`, `pki-admin`, `PKI Admin` all work).
 * @throws CertgridError INVALID_ARGUMENT field `role`.
 */
export function normalizeRole(input: string): Role {
  const role = BY_KEY.get(roleKey(input));
  if (role === undefined) {
    throw new CertgridError('INVALID_ARGUMENT', `role: must be one of ${ROLES.join(', ')}`, {
      field: 'role',
      data: { allowed: [...ROLES] },
    });
  }
  return role;
}
