/**
 * Whether a candidate path is a valid chain of trust for one root store, and which path to show.
 *
 * The checks are those of RFC 5280 §6.1 that decide real-world trust, applied to every certificate
 * above the leaf except the trust anchor: it is a CA (basicConstraints cA), it is within its validity
 * period, and its own signature does not rely on MD2, MD5 or SHA-1 (browsers stopped accepting SHA-1
 * below the root in 2017). pathLenConstraint is applied to every CA certificate, anchor included, as
 * OpenSSL and browsers do. The anchor's own dates and signature are not checked: a trust anchor is a
 * name and a key (RFC 5280 §6.1.1 d), not a certificate. Name constraints, policies and extended key
 * usage are not evaluated. The leaf's own problems (dates, host name, signature hash, revocation) are
 * not chain problems; `trust.ts` reports them separately.
 */
import { MAX_PATH_CERTS, type CandidatePath } from './build-paths.js';
import { weakSignatureHash } from './signature-algorithm.js';
import { isAnchorIn, type StoreIndex } from './root-store.js';

/** What is wrong with the certificates above the leaf; null when nothing is. */
export function chainProblem(path: CandidatePath, lastIsAnchor: boolean, now: number): string | null {
  const certs = path.certs;
  let intermediatesBelow = 0;
  for (let i = 1; i < certs.length; i++) {
    const cert = (certs[i] as (typeof certs)[number]).record;
    const name = `"${cert.displayName}"`;
    const isAnchor = lastIsAnchor && i === certs.length - 1;
    if (!isAnchor) {
      if (!cert.isCa) return `${name} is not a CA certificate`;
      if (now < cert.notBefore) return `${name} in the chain is not yet valid`;
      if (now > cert.notAfter) return `${name} in the chain has expired`;
      const weak = cert.selfSigned || !cert.signature ? null : weakSignatureHash(cert.signature);
      if (weak) return `${name} in the chain has an insecure ${weak} signature`;
    }
    if (cert.pathLen !== null && intermediatesBelow > cert.pathLen) {
      return `${name} allows at most ${cert.pathLen} intermediate certificate(s) below it`;
    }
    // Self-issued certificates (key rollover) do not count against pathLenConstraint (RFC 5280 §6.1.4 l).
    if (!cert.selfIssued) intermediatesBelow++;
  }
  return null;
}

/** Why the path is not trusted by `store`; null when it is a valid chain to one of the store's anchors. */
export function storeVerdict(path: CandidatePath, store: StoreIndex, now: number): string | null {
  const last = (path.certs[path.certs.length - 1] as (typeof path.certs)[number]).record;
  if (isAnchorIn(last, store)) return chainProblem(path, true, now);
  const root = `a root of the ${store.name} store`;
  if (path.certs.length === 1 && last.selfSigned) {
    return `self-signed certificate "${last.displayName}" is not in the ${store.name} store`;
  }
  switch (path.end) {
    case 'dead-end':
      return `does not chain to ${root}: no issuer found for "${last.displayName}"`;
    case 'too-long':
      return `does not chain to ${root} within ${MAX_PATH_CERTS} certificates`;
    default:
      return `does not chain to ${root}: "${last.displayName}" is not in the store`;
  }
}

/**
 * The path to show for a set of stores (one store, or all of them for the chain's primary path):
 * a trusted path first, then one that reaches an anchor, preferring the store's own root certificate to
 * another certificate with the same name and key, then a complete path, one with no problem above the
 * leaf, fewer certificates we added, and fewer certificates; search order breaks ties.
 */
export function bestPath(
  paths: readonly CandidatePath[],
  stores: readonly StoreIndex[],
  now: number,
): CandidatePath {
  let best: { path: CandidatePath; rank: number[] } | undefined;
  for (const path of paths) {
    const rank = rankOf(path, stores, now);
    if (!best || lessThan(rank, best.rank)) best = { path, rank };
  }
  if (!best) throw new TypeError('bestPath needs at least one path.');
  return best.path;
}

function rankOf(path: CandidatePath, stores: readonly StoreIndex[], now: number): number[] {
  const last = (path.certs[path.certs.length - 1] as (typeof path.certs)[number]).record;
  const trusted = stores.some((s) => storeVerdict(path, s, now) === null);
  const anchored = stores.some((s) => isAnchorIn(last, s));
  // The store's own root certificate, then another certificate with its name and key, then no anchor.
  const anchor = stores.some((s) => s.ids.has(last.id)) ? 0 : anchored ? 1 : 2;
  const complete = path.end === 'anchor' || path.end === 'self-signed';
  const problem = chainProblem(path, anchored, now) !== null;
  const added = path.certs.filter((c) => c.source === 'extra').length;
  return [trusted ? 0 : 1, anchor, complete ? 0 : 1, problem ? 1 : 0, added, path.certs.length];
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  }
  return false;
}
