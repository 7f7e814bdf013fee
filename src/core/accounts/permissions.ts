import { CertgridError } from '../errors.js';

/**
 * Permissions granted to users one by one, on top of their role. Named as Qualys names them
 * (CertView spec, "Permissions": "User must be a Super User or must have the CERTVIEW.API.ACCESS
 * permission").
 */
export const PERMISSIONS = ['CERTVIEW.API.ACCESS'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Required for every `/certview/*` call. */
export const CERTVIEW_API_ACCESS: Permission = 'CERTVIEW.API.ACCESS';

/** Roles that hold every permission without a grant. */
const IMPLICIT_ALL: ReadonlySet<string> = new Set(['Super User']);

const BY_KEY = new Map<string, Permission>(PERMISSIONS.map((p) => [p.toLowerCase(), p]));

/**
 * The canonical permission for what an operator typed (case-insensitive, surrounding blanks ignored).
 * @throws CertgridError INVALID_ARGUMENT field `permission`.
 */
export function normalizePermission(input: string, field = 'permission'): Permission {
  const p = typeof input === 'string' ? BY_KEY.get(input.trim().toLowerCase()) : undefined;
  if (p === undefined) {
    throw new CertgridError('INVALID_ARGUMENT', `${field}: must be one of ${PERMISSIONS.join(', ')}`, {
      field,
      data: { value: String(input), allowed: [...PERMISSIONS] },
    });
  }
  return p;
}

/**
 * A list of permissions as given (each entry may itself be comma-separated), canonical, sorted,
 * without duplicates; blank entries are ignored.
 * @throws CertgridError INVALID_ARGUMENT field `permissions`.
 */
export function normalizePermissions(input: readonly string[]): Permission[] {
  const out = new Set<Permission>();
  for (const entry of input) {
    for (const part of entry.split(',')) {
      if (part.trim() !== '') out.add(normalizePermission(part, 'permissions'));
    }
  }
  return [...out].sort();
}

/**
 * Permissions as stored (a JSON list read back by the repository), keeping only known names: an
 * unknown or malformed entry grants nothing (fail closed).
 */
export function knownPermissions(stored: readonly string[]): Permission[] {
  return PERMISSIONS.filter((p) => stored.includes(p));
}

/** What a user may do: the role's implicit permissions plus those granted. */
export function effectivePermissions(role: string, granted: readonly string[]): Permission[] {
  return IMPLICIT_ALL.has(role) ? [...PERMISSIONS] : knownPermissions(granted);
}

export function hasPermission(role: string, granted: readonly string[], permission: Permission): boolean {
  return effectivePermissions(role, granted).includes(permission);
}
