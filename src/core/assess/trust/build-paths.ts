/**
 * Every certification path we can build up from a leaf (RFC 4158 calls this forward path building):
 * at each step the issuer candidates are the certificates whose subject is the current certificate's
 * issuer, taken from what the server sent, then the known intermediates, then the roots of every store;
 * a candidate is an issuer only when `checkIssued` accepts it (names, key identifiers, keyCertSign) and
 * its key verifies the signature. Building stops at a self-signed certificate, and records (but goes
 * on past) any certificate that is a trust anchor of some store, so a cross-signed intermediate yields
 * both the short path to its own root and the long one through the cross-signature.
 */
import { verifiesWith, type CertificateRecord } from './certificate-record.js';
import { isAnchorIn, type StoreIndex } from './root-store.js';

/** Where a certificate on a path comes from. */
export type CertSource = 'served' | 'extra' | 'root';

export interface PathCert {
  readonly record: CertificateRecord;
  readonly source: CertSource;
}

/**
 * How a path ends: at a trust anchor of some store, at a self-signed certificate no store holds, at a
 * certificate whose issuer we do not have, or at the length cap.
 */
export type PathEnd = 'anchor' | 'self-signed' | 'dead-end' | 'too-long';

export interface CandidatePath {
  /** Leaf first. */
  readonly certs: readonly PathCert[];
  readonly end: PathEnd;
}

/** Longest path considered, leaf and root included. Real Web PKI paths have 3 to 5 certificates. */
export const MAX_PATH_CERTS = 10;
/**
 * Bounds on the search: cross-certification meshes (bridge CAs) can make the number of paths explode,
 * and a server controls the certificates it sends.
 */
const MAX_PATHS = 32;
const MAX_STEPS = 256;

/** The candidate paths from `leaf`, in search order (served certificates tried first at every step). */
export function buildPaths(
  leaf: CertificateRecord,
  served: readonly CertificateRecord[],
  extras: readonly CertificateRecord[],
  stores: readonly StoreIndex[],
): CandidatePath[] {
  const servedIds = new Set(served.map((r) => r.id));
  const sourceOf = (r: CertificateRecord): CertSource =>
    servedIds.has(r.id) ? 'served' : stores.some((s) => s.ids.has(r.id)) ? 'root' : 'extra';

  // Served and extra certificates by subject, served first, each certificate once.
  const local = new Map<string, PathCert[]>();
  const seen = new Set<string>();
  for (const record of [...served, ...extras]) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const entry = { record, source: sourceOf(record) };
    const list = local.get(record.subjectKey);
    if (list) list.push(entry);
    else local.set(record.subjectKey, [entry]);
  }

  const issuerCache = new Map<string, readonly PathCert[]>();
  const issuersOf = (child: CertificateRecord): readonly PathCert[] => {
    const hit = issuerCache.get(child.id);
    if (hit) return hit;
    const candidates = [...(local.get(child.issuerKey) ?? [])];
    const ids = new Set(candidates.map((c) => c.record.id));
    for (const store of stores) {
      for (const record of store.bySubject.get(child.issuerKey) ?? []) {
        if (ids.has(record.id)) continue;
        ids.add(record.id);
        candidates.push({ record, source: 'root' });
      }
    }
    const issuers = candidates.filter(
      (c) =>
        c.record.id !== child.id &&
        child.x509.checkIssued(c.record.x509) &&
        verifiesWith(child.x509, c.record.x509),
    );
    issuerCache.set(child.id, issuers);
    return issuers;
  };

  const paths: CandidatePath[] = [];
  let steps = 0;
  const path: PathCert[] = [{ record: leaf, source: 'served' }];
  // Subject and key of every certificate on the current path: a certificate that reappears, under any
  // encoding or cross-signature, would make a loop.
  const onPath = new Set<string>([leaf.anchorKey]);

  const walk = (): void => {
    if (paths.length >= MAX_PATHS || steps >= MAX_STEPS) return;
    steps++;
    const last = (path[path.length - 1] as PathCert).record;
    const anchored = stores.some((s) => isAnchorIn(last, s));
    if (anchored) paths.push({ certs: [...path], end: 'anchor' });
    if (last.selfSigned) {
      if (!anchored) paths.push({ certs: [...path], end: 'self-signed' });
      return;
    }
    if (path.length >= MAX_PATH_CERTS) {
      if (!anchored) paths.push({ certs: [...path], end: 'too-long' });
      return;
    }
    const next = issuersOf(last).filter((c) => !onPath.has(c.record.anchorKey));
    if (next.length === 0) {
      if (!anchored) paths.push({ certs: [...path], end: 'dead-end' });
      return;
    }
    for (const issuer of next) {
      path.push(issuer);
      onPath.add(issuer.record.anchorKey);
      walk();
      onPath.delete(issuer.record.anchorKey);
      path.pop();
    }
  };
  walk();
  return paths;
}
