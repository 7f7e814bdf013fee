/**
 * Trust evaluation of the certificate chain a TLS server sent: the SSL Labs `CertificateChain` (trust
 * paths per root store, chain issue bits) and the facts about the leaf that the grade and the findings
 * read. Pure and synchronous: certificates are parsed and signatures checked by node:crypto, nothing is
 * fetched. docs/trust.md describes the root stores, the path building rules and where this differs from
 * SSL Labs.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { CertgridError } from '../errors.js';
import type { ObservedChain } from '../scan/types.js';
import { buildPaths, type CandidatePath } from './trust/build-paths.js';
import { certhash, recordFromDer, recordOf, type CertificateRecord } from './trust/certificate-record.js';
import { hostnameMismatch, leafKey, type LeafKeyAlgorithm } from './trust/leaf-facts.js';
import { bestPath, storeVerdict } from './trust/path-verdict.js';
import { indexStore, isAnchorIn, type RootStore, type StoreIndex } from './trust/root-store.js';
import { jcaSignatureName, weakSignatureHash, type WeakSignatureHash } from './trust/signature-algorithm.js';
import type { CertificateChain, TrustEntry, TrustPath } from './endpoint-details.js';

export { mozillaRootStore, rootStoreFromPem, type RootStore } from './trust/root-store.js';
export type { LeafKeyAlgorithm } from './trust/leaf-facts.js';
export type { WeakSignatureHash } from './trust/signature-algorithm.js';

/** What the evaluation trusts and checks against. */
export interface TrustContext {
  /** Every store gets its own verdict; a chain may be trusted by the account's store and not by Mozilla. */
  readonly rootStores: readonly RootStore[];
  /**
   * Certificates from trusted sources that may complete a chain the server left incomplete (certgrid's
   * own CA intermediates, certificates already in the inventory). Never fetched from the network.
   */
  readonly intermediates: readonly X509Certificate[];
  /** The SNI name, or the IP address scanned; null for no host name check. */
  readonly hostname: string | null;
  readonly now: Date;
  /**
   * Revoked serial numbers by issuer certhash, for issuers whose CRL the caller holds (certgrid's own CA).
   * Serials are lowercase hex without leading zeros. Without an entry for the leaf's issuer, `revoked` is null.
   */
  readonly revokedSerials?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** SSL Labs `CertificateChain.issues` bits (ssllabs-api-docs-v3.md). */
export const CHAIN_ISSUE = {
  /** The server left out intermediates; we completed the chain from `TrustContext.intermediates`. */
  INCOMPLETE: 2,
  /** A certificate sent is not on any path from the leaf, or is sent twice. */
  UNRELATED_OR_DUPLICATE: 4,
  /** The certificates form a chain but are not sent leaf first, each followed by its issuer. */
  WRONG_ORDER: 8,
  /** A self-signed root is sent (not set when the leaf itself is self-signed). */
  ROOT_SENT: 16,
  /** We could build a complete chain (to a store root or a self-signed root) but no store validates it. */
  UNVERIFIABLE: 32,
} as const;

/** SSL Labs `Cert.issues` bits (ssllabs-api-docs-v3.md); 32 (bad common name) and 128 (blacklisted) are never set. */
export const CERT_ISSUE = {
  NO_CHAIN_OF_TRUST: 1,
  NOT_BEFORE: 2,
  NOT_AFTER: 4,
  HOSTNAME_MISMATCH: 8,
  REVOKED: 16,
  BAD_COMMON_NAME: 32,
  SELF_SIGNED: 64,
  BLACKLISTED: 128,
  INSECURE_SIGNATURE: 256,
} as const;

export interface ChainEvaluation {
  readonly certificateChain: CertificateChain;
  /** certhash of the leaf (the first certificate sent). */
  readonly leafId: string;
  /**
   * Names of the root stores for which a valid chain of trust leads from the leaf to one of their roots.
   * This is the chain alone: the leaf's own dates, names, signature hash and revocation are the facts
   * below (and they do make the store's `TrustEntry.isTrusted` false, as SSL Labs shows it).
   */
  readonly trusted: readonly string[];
  readonly selfSignedLeaf: boolean;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  /** null when there is no host name to check. */
  readonly hostnameMismatch: boolean | null;
  /** The leaf's signature hash when it is a broken one; null when the leaf is itself a trust anchor. */
  readonly weakSignature: WeakSignatureHash | null;
  readonly keyAlg: LeafKeyAlgorithm | null;
  readonly keySize: number | null;
  /** JCA name: `SHA256withRSA`, `SHA384withECDSA`, `SHA256withRSAandMGF1`, `Ed25519`; the OID when unknown. */
  readonly sigAlg: string;
  /** SSL Labs `Cert.issues` for the leaf (`CERT_ISSUE`). */
  readonly certIssues: number;
  /** true or false when the caller passed the issuer's revoked serials; null when not checked. */
  readonly revoked: boolean | null;
  /** The leaf embeds signed certificate timestamps (RFC 6962 §3.3). */
  readonly sct: boolean;
  readonly ocspUrls: readonly string[];
  readonly crlUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  /** The leaf's notBefore and notAfter, epoch milliseconds. */
  readonly validFrom: number;
  readonly validTo: number;
}

/**
 * Evaluates one chain as the server sent it.
 *
 * @throws TypeError when the chain is empty or `now` is not a valid date.
 * @throws CertgridError('INVALID_FORMAT') when the first certificate (the leaf) does not parse; later
 *   certificates that do not parse are reported as unrelated (issue bit 4).
 * @example
 * const result = evaluateChain(observed, {
 *   rootStores: [mozillaRootStore(), rootStoreFromPem('certgrid CA', caRootsPem)],
 *   intermediates: [],
 *   hostname: 'www.example.com',
 *   now: new Date(),
 * });
 * result.certificateChain.issues; // 0 for a well-formed chain
 * result.trusted; // ['Mozilla'] …
 */
export function evaluateChain(chain: ObservedChain, context: TrustContext): ChainEvaluation {
  if (chain.certs.length === 0) throw new TypeError('evaluateChain: the chain holds no certificate.');
  const now = context.now.getTime();
  if (Number.isNaN(now)) throw new TypeError('evaluateChain: context.now is not a valid date.');

  const servedIds = chain.certs.map(certhash);
  const served = chain.certs.map(recordFromDer);
  const leaf = served[0];
  if (!leaf) {
    const data = { certhash: servedIds[0] };
    throw new CertgridError('INVALID_FORMAT', 'The server certificate does not parse as X.509.', { data });
  }
  const stores = context.rootStores.map(indexStore);
  const found = buildPaths(
    leaf,
    served.filter((r): r is CertificateRecord => r !== null),
    context.intermediates.map(recordOf),
    stores,
  );
  const paths: readonly CandidatePath[] =
    found.length > 0 ? found : [{ certs: [{ record: leaf, source: 'served' }], end: 'dead-end' }];
  const primary = bestPath(paths, stores, now);
  const perStore = stores.map((store) => ({ store, path: bestPath(paths, [store], now) }));
  const trusted = perStore.filter(({ store, path }) => storeVerdict(path, store, now) === null);

  const leafIsAnchor = stores.some((s) => isAnchorIn(leaf, s));
  const expired = now > leaf.notAfter;
  const notYetValid = now < leaf.notBefore;
  const mismatch = hostnameMismatch(leaf.x509, context.hostname);
  // A trust anchor's own signature is never checked, so its hash does not matter (SSL Labs: "no impact
  // on root certificate").
  const weakSignature = leafIsAnchor || !leaf.signature ? null : weakSignatureHash(leaf.signature);
  const revoked = revocationOf(leaf, paths, context.revokedSerials);

  const leafProblems = [
    revoked === true ? 'revoked' : null,
    expired ? 'expired' : null,
    notYetValid ? 'not yet valid' : null,
    mismatch === true ? 'hostname mismatch' : null,
    weakSignature ? `insecure ${weakSignature} signature` : null,
  ].filter((p): p is string => p !== null);

  const trustEntry = (path: CandidatePath, store: StoreIndex): TrustEntry => {
    const chainError = storeVerdict(path, store, now);
    const error =
      chainError ?? (leafProblems.length > 0 ? `invalid certificate: ${leafProblems.join(', ')}` : null);
    return { rootStore: store.name, isTrusted: error === null, trustErrorMessage: error };
  };

  // One path per store (its best), the same path shown once with every store's verdict on it.
  const shown: CandidatePath[] = [];
  for (const candidate of perStore.length > 0 ? perStore.map((p) => p.path) : [primary]) {
    if (!shown.includes(candidate)) shown.push(candidate);
  }
  const trustPaths: TrustPath[] = shown.map((path) => ({
    certIds: path.certs.map((c) => c.record.id),
    trust: stores.map((store) => trustEntry(path, store)),
    isPinned: false,
    matchedPins: 0,
    unmatchedPins: 0,
  }));

  const certificateChain: CertificateChain = {
    id: createHash('sha256').update(servedIds.join(',')).digest('hex'),
    certIds: servedIds,
    trustPaths,
    issues: chainIssues(servedIds, served, leaf, paths, primary, trusted.length > 0),
    noSni: chain.noSni,
  };

  const certIssues =
    (trusted.length === 0 ? CERT_ISSUE.NO_CHAIN_OF_TRUST : 0) |
    (notYetValid ? CERT_ISSUE.NOT_BEFORE : 0) |
    (expired ? CERT_ISSUE.NOT_AFTER : 0) |
    (mismatch === true ? CERT_ISSUE.HOSTNAME_MISMATCH : 0) |
    (revoked === true ? CERT_ISSUE.REVOKED : 0) |
    (leaf.selfSigned ? CERT_ISSUE.SELF_SIGNED : 0) |
    (weakSignature ? CERT_ISSUE.INSECURE_SIGNATURE : 0);

  return {
    certificateChain,
    leafId: leaf.id,
    trusted: trusted.map(({ store }) => store.name),
    selfSignedLeaf: leaf.selfSigned,
    expired,
    notYetValid,
    hostnameMismatch: mismatch,
    weakSignature,
    ...leafKey(leaf.x509),
    sigAlg: leaf.signature ? jcaSignatureName(leaf.signature) : 'unknown',
    certIssues,
    revoked,
    sct: leaf.sct,
    ocspUrls: leaf.ocspUrls,
    crlUrls: leaf.crlUrls,
    caIssuersUrls: leaf.caIssuersUrls,
    validFrom: leaf.notBefore,
    validTo: leaf.notAfter,
  };
}

/**
 * The chain issue bits. "Related" means on some path we could build from the leaf; completion (2),
 * order (8) and validation (32) are judged on the primary path, the best one over all stores.
 */
function chainIssues(
  servedIds: readonly string[],
  served: readonly (CertificateRecord | null)[],
  leaf: CertificateRecord,
  paths: readonly CandidatePath[],
  primary: CandidatePath,
  trusted: boolean,
): number {
  const firstIndex = new Map<string, number>();
  servedIds.forEach((id, i) => {
    if (!firstIndex.has(id)) firstIndex.set(id, i);
  });
  const related = new Set(paths.flatMap((p) => p.certs.map((c) => c.record.id)));
  const complete = (p: CandidatePath): boolean => p.end === 'anchor' || p.end === 'self-signed';

  let issues = 0;
  if (complete(primary) && primary.certs.some((c) => c.source === 'extra')) issues |= CHAIN_ISSUE.INCOMPLETE;

  const duplicate = firstIndex.size !== servedIds.length;
  const unrelated = servedIds.slice(1).some((id) => !related.has(id));
  if (duplicate || unrelated) issues |= CHAIN_ISSUE.UNRELATED_OR_DUPLICATE;

  const positions = primary.certs
    .filter((c) => c.source === 'served')
    .map((c) => firstIndex.get(c.record.id) as number);
  if (positions.some((p, i) => i > 0 && p < (positions[i - 1] as number))) issues |= CHAIN_ISSUE.WRONG_ORDER;

  if (served.some((r, i) => i > 0 && r !== null && r.id !== leaf.id && r.selfSigned)) {
    issues |= CHAIN_ISSUE.ROOT_SENT;
  }

  // The primary path is complete whenever any path is (completeness ranks before everything but trust).
  if (!trusted && complete(primary) && primary.certs.length > 1) issues |= CHAIN_ISSUE.UNVERIFIABLE;
  return issues;
}

/**
 * Whether the leaf is on its issuer's revoked list: any issuer we found for it (or the leaf itself when
 * self-signed) for which the caller passed the serials. A serial is looked up without leading zeros and,
 * for callers that keep whole octets, with one leading zero too.
 */
function revocationOf(
  leaf: CertificateRecord,
  paths: readonly CandidatePath[],
  revokedSerials: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): boolean | null {
  if (!revokedSerials) return null;
  const issuerIds = new Set(paths.flatMap((p) => (p.certs[1] ? [p.certs[1].record.id] : [])));
  if (leaf.selfSigned) issuerIds.add(leaf.id);
  let checked = false;
  for (const id of issuerIds) {
    const serials = revokedSerials.get(id);
    if (!serials) continue;
    checked = true;
    if (serials.has(leaf.serial) || serials.has(`0${leaf.serial}`)) return true;
  }
  return checked ? false : null;
}
