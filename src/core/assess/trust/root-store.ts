/**
 * Root stores: a name and the trust anchors it holds. Mozilla's is the set Node.js bundles (its NSS
 * certdata.txt snapshot, updated with Node releases); the others come from PEM the account supplies.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { CertgridError } from '../../errors.js';
import { recordOf, type CertificateRecord } from './certificate-record.js';

/** A named set of trust anchors. `name` is what `TrustEntry.rootStore` shows. */
export interface RootStore {
  readonly name: string;
  readonly roots: readonly X509Certificate[];
}

let mozilla: RootStore | undefined;

/**
 * The Mozilla root store as bundled with the running Node.js (`tls.rootCertificates`), named "Mozilla".
 * Parsed once per process; every call returns the same frozen object.
 *
 * @example
 * evaluateChain(chain, { rootStores: [mozillaRootStore()], intermediates: [], hostname, now: new Date() });
 */
export function mozillaRootStore(): RootStore {
  mozilla ??= Object.freeze({
    name: 'Mozilla',
    roots: Object.freeze(rootCertificates.map((pem) => new X509Certificate(pem))),
  });
  return mozilla;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * A root store from PEM text holding one or more certificates (other text around the blocks is ignored).
 *
 * @throws TypeError when `name` is empty.
 * @throws CertgridError('INVALID_FORMAT') when the text holds no certificate or a block does not parse.
 * @example
 * const store = rootStoreFromPem('certgrid CA', caRootPem);
 */
export function rootStoreFromPem(name: string, pem: string): RootStore {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A root store needs a name.');
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new CertgridError('INVALID_FORMAT', `Root store "${name}": no PEM certificate found.`);
  }
  const roots = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new CertgridError(
        'INVALID_FORMAT',
        `Root store "${name}": certificate #${i + 1} does not parse.`,
        {
          data: { reason: err instanceof Error ? err.message : String(err) },
        },
      );
    }
  });
  return Object.freeze({ name, roots: Object.freeze(roots) });
}

/** A store's roots, indexed for path building. */
export interface StoreIndex {
  readonly name: string;
  readonly ids: ReadonlySet<string>;
  readonly anchorKeys: ReadonlySet<string>;
  /** Roots by folded subject, for issuer look-up. */
  readonly bySubject: ReadonlyMap<string, readonly CertificateRecord[]>;
}

const indexes = new WeakMap<readonly X509Certificate[], Omit<StoreIndex, 'name'>>();

/** The index of a store, built once per `roots` array (the Mozilla one once per process). */
export function indexStore(store: RootStore): StoreIndex {
  let index = indexes.get(store.roots);
  if (!index) {
    const records = store.roots.map(recordOf);
    const bySubject = new Map<string, CertificateRecord[]>();
    for (const r of records) {
      const list = bySubject.get(r.subjectKey);
      if (list) list.push(r);
      else bySubject.set(r.subjectKey, [r]);
    }
    index = {
      ids: new Set(records.map((r) => r.id)),
      anchorKeys: new Set(records.map((r) => r.anchorKey)),
      bySubject,
    };
    indexes.set(store.roots, index);
  }
  return { name: store.name, ...index };
}

/** The certificate is one of the store's anchors: the very certificate, or the same subject and key. */
export function isAnchorIn(record: CertificateRecord, store: StoreIndex): boolean {
  return store.ids.has(record.id) || store.anchorKeys.has(record.anchorKey);
}
