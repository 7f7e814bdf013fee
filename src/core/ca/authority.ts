/**
 * The stateful certificate authority service: owns the CA hierarchy at rest (certificates and
 * encrypted keys in the `cas` table), keeps the loaded keys and chain in memory, issues leaf
 * certificates, and publishes CRLs and OCSP responses (PkiPublisher).
 *
 * @example
 *   const ca = createCertificateAuthority({ repo: repos.ca, clock, random, urls, passphrase });
 *   await ca.initialise({ keyType: 'p256', name: 'certgrid' }); // false when already done
 *   await ca.load();
 *   const cert = await ca.issue({ profile: 'grid_client', fullName, email }, spkiDer, { validityDays: 365 });
 */
import { X509Certificate } from 'node:crypto';
import type { Clock, Random } from '../deps.js';
import { CertgridError } from '../errors.js';
import type { CaRecord, CaRepository, CrlRecord } from './authority-repository.js';
import { buildCrl } from './crl.js';
import { certhashOf } from './index.js';
import { createCaHierarchy, loadCa } from './hierarchy.js';
import { issueCertificate, prepareCertificate } from './issue.js';
import { encryptPrivateKeyPem } from './key-store.js';
import { ocspErrorResponse, parseOcspRequest, respondOcsp } from './ocsp.js';
import { toPem } from './pem.js';
import { buildCertsOnlyPkcs7 } from './pkcs7.js';
import type { PkiPublisher } from './publisher.js';
import { newSerialHex } from './serial.js';
import type {
  CaHierarchy,
  CaUrls,
  CertStatus,
  IssuedCertificate,
  KeyType,
  LoadedCa,
  ProfileInput,
  SignatureHash,
} from './types.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Leaf certificates start this far in the past by default, for clients with a slow clock (as step-ca). */
const LEAF_BACKDATE_MS = 5 * 60 * 1000;
/** OCSP responses are good for a day (BR §4.9.10 allows up to 10 days; shorter means fresher revocation). */
const OCSP_VALIDITY_MS = DAY_MS;

export interface PassphraseSource {
  get(opts: { readonly create: boolean }): Promise<string>;
}

export interface CertificateAuthorityDeps {
  readonly repo: CaRepository;
  readonly clock: Clock;
  readonly random: Random;
  readonly urls: CaUrls;
  /**
   * Protects the CA keys at rest (PKCS#8, PBES2/AES-256-CBC): a fixed string, or a source asked only when keys
   * are created (`create: true`, may make a new secret) or loaded (`create: false`, must find the existing one).
   */
  readonly passphrase: string | PassphraseSource;
  /** Hours between CRL regenerations (default 12); each CRL's nextUpdate is twice this. */
  readonly crlRefreshHours?: number | undefined;
}

export interface CaDescription {
  readonly id: string;
  readonly role: 'root' | 'intermediate';
  readonly subject: string;
  readonly certhash: string;
  readonly serialHex: string;
  readonly keyType: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pem: string;
}

export interface CaChain {
  readonly issuingPem: string;
  readonly rootPem: string;
  readonly issuingDer: Buffer;
  readonly rootDer: Buffer;
}

export interface LeafBundle {
  readonly certificatePem: string;
  readonly intermediatePem: string;
  readonly rootPem: string;
  /** Certs-only PKCS#7 of [leaf, intermediate, root], PEM label PKCS7. */
  readonly pkcs7Pem: string;
}

export interface IssueOptions {
  /** Default: now − 5 minutes. */
  readonly notBefore?: Date | undefined;
  /** Either notAfter or validityDays (counted from notBefore). */
  readonly notAfter?: Date | undefined;
  readonly validityDays?: number | undefined;
  readonly hash?: SignatureHash | undefined;
}

export interface IssuedByCa extends IssuedCertificate {
  /** The CA that signed it (orders.ca_id). */
  readonly caId: string;
}

export interface CertificateAuthority extends PkiPublisher {
  /**
   * Creates the hierarchy (root + issuing CA), stores it with encrypted keys and first CRLs, and
   * keeps it loaded. Idempotent: false (and nothing changes) when CAs already exist.
   */
  initialise(opts: { keyType: KeyType; name: string }): Promise<boolean>;
  /**
   * Loads and decrypts the stored hierarchy; false when there is none yet. Called lazily by
   * everything that needs the keys, so calling it is only needed to fail fast at start.
   * @throws CertgridError CA_KEY_UNAVAILABLE for a wrong passphrase or a corrupt key.
   */
  load(): Promise<boolean>;
  /** The stored CAs (root first), for `certgrid ca show`; needs no passphrase. */
  describe(): Promise<CaDescription[]>;
  /**
   * Prepares, lints and signs a leaf certificate with the issuing CA and a fresh random serial.
   * Serial uniqueness is enforced where the order is stored (retry with a new call).
   * @throws CertgridError CA_NOT_INITIALISED, LINT_FAILED, WEAK_SIGNATURE_HASH, INVALID_*.
   */
  issue(subject: ProfileInput, spkiDer: Buffer, opts: IssueOptions): Promise<IssuedByCa>;
  /** The issuing CA and root certificates. @throws CertgridError CA_NOT_INITIALISED. */
  chain(): Promise<CaChain>;
  /** A leaf with the chain and a PKCS#7 of all three, as grid_retrieve_* return them. */
  bundleFor(leafDer: Buffer): Promise<LeafBundle>;
  /** Regenerates a CA's CRL now; call after committing a revocation. */
  revocationChanged(caId: string): Promise<void>;
  /** Regenerates every CRL whose refresh interval has passed; the server calls this on a timer. */
  refreshDueCrls(): Promise<void>;
}

interface State {
  readonly byId: ReadonlyMap<string, LoadedCa>;
  readonly root: LoadedCa;
  readonly issuing: LoadedCa;
  readonly chain: CaChain;
}

/**
 * Runs one task at a time and folds callers that arrive while one is running into a single
 * follow-up run. A follow-up starts after the caller's call, so it sees the caller's committed
 * revocation; a burst of revocations costs two CRL signatures, not one per revocation.
 */
class Coalescer {
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  run(task: () => Promise<void>): Promise<void> {
    if (this.#queued) return this.#queued;
    if (!this.#running) return this.#start(task);
    const after = this.#running;
    const queued = after
      .catch(() => undefined)
      .then(() => {
        this.#queued = null;
        return this.#start(task);
      });
    this.#queued = queued;
    return queued;
  }

  #start(task: () => Promise<void>): Promise<void> {
    const p = task().finally(() => {
      if (this.#running === p) this.#running = null;
    });
    this.#running = p;
    return p;
  }
}

export function createCertificateAuthority(deps: CertificateAuthorityDeps): CertificateAuthority {
  const refreshMs = (deps.crlRefreshHours ?? 12) * HOUR_MS;
  if (!(refreshMs > 0)) throw new TypeError('createCertificateAuthority: crlRefreshHours must be positive');
  let state: State | null = null;
  let loading: Promise<State | null> | null = null;
  const passphraseFor = (create: boolean): Promise<string> =>
    typeof deps.passphrase === 'string' ? Promise.resolve(deps.passphrase) : deps.passphrase.get({ create });
  const coalescers = new Map<string, Coalescer>();

  function stateOf(h: CaHierarchy): State {
    const chain: CaChain = {
      issuingDer: h.issuing.certDer,
      rootDer: h.root.certDer,
      issuingPem: toPem(h.issuing.certDer, 'CERTIFICATE'),
      rootPem: toPem(h.root.certDer, 'CERTIFICATE'),
    };
    return {
      byId: new Map([
        [h.root.id, h.root],
        [h.issuing.id, h.issuing],
      ]),
      root: h.root,
      issuing: h.issuing,
      chain,
    };
  }

  async function loadFromStore(): Promise<State | null> {
    const rows = await deps.repo.listCas();
    if (rows.length === 0) return null;
    const rootRow = rows.find((r) => r.role === 'root');
    // The newest active intermediate issues; older ones stay loaded for their CRLs.
    const intermediates = rows.filter((r) => r.role === 'intermediate');
    const issuingRow =
      [...intermediates].reverse().find((r) => r.active) ?? intermediates[intermediates.length - 1];
    if (rootRow === undefined || issuingRow === undefined) {
      throw new CertgridError('CA_NOT_INITIALISED', 'The stored CA hierarchy is incomplete.');
    }
    const passphrase = await passphraseFor(false);
    const load = (r: CaRecord): LoadedCa =>
      loadCa({ id: r.id, role: r.role, certDer: r.certDer, keyPem: r.keyPem, passphrase });
    const root = load(rootRow);
    const issuing = load(issuingRow);
    const base = stateOf({ root, issuing });
    const byId = new Map(base.byId);
    for (const r of intermediates) if (!byId.has(r.id)) byId.set(r.id, load(r));
    return { ...base, byId };
  }

  async function ensureLoaded(): Promise<State> {
    if (state) return state;
    loading ??= loadFromStore().finally(() => {
      loading = null;
    });
    const s = await loading;
    if (s === null) {
      throw new CertgridError('CA_NOT_INITIALISED', "The CA is not initialised: run 'certgrid init' first.");
    }
    state = s;
    return s;
  }

  async function loadedOrNull(): Promise<State | null> {
    try {
      return await ensureLoaded();
    } catch (e) {
      if (CertgridError.is(e, 'CA_NOT_INITIALISED')) return null;
      throw e;
    }
  }

  function crlFor(
    ca: LoadedCa,
    number: number,
    entries: Parameters<typeof buildCrl>[1],
    now: Date,
  ): CrlRecord {
    const nextUpdate = new Date(now.getTime() + 2 * refreshMs);
    return {
      caId: ca.id,
      crlNumber: number,
      der: buildCrl(ca, entries, { thisUpdate: now, nextUpdate, crlNumber: BigInt(number) }),
      thisUpdate: now,
      nextUpdate,
    };
  }

  async function regenerate(ca: LoadedCa): Promise<void> {
    // saveCrl refuses a number that is not higher than the stored one (another node won the
    // race); read again and go one higher, so the CRL stored last always postdates our caller.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await deps.repo.getCrl(ca.id);
      // Intermediates are never revoked here, so the root's CRL is always empty.
      const entries = ca.role === 'root' ? [] : await deps.repo.listRevoked(ca.id);
      const crl = crlFor(ca, (current?.crlNumber ?? 0) + 1, entries, deps.clock.now());
      if (await deps.repo.saveCrl(crl)) return;
    }
    throw new CertgridError('INTERNAL', `Could not store a new CRL for CA ${ca.id}.`);
  }

  function regenerateCoalesced(ca: LoadedCa): Promise<void> {
    let c = coalescers.get(ca.id);
    if (!c) {
      c = new Coalescer();
      coalescers.set(ca.id, c);
    }
    return c.run(() => regenerate(ca));
  }

  const isDue = (crl: CrlRecord | null, now: Date): boolean =>
    crl === null || now.getTime() >= crl.thisUpdate.getTime() + refreshMs;

  return {
    async initialise({ keyType, name }) {
      if ((await deps.repo.listCas()).length > 0) return false;
      const now = deps.clock.now();
      const h = createCaHierarchy({ keyType, name, now, random: deps.random, urls: deps.urls });
      const passphrase = await passphraseFor(true);
      const record = (ca: LoadedCa, parentId: string | null): CaRecord => {
        const x = new X509Certificate(ca.certDer);
        return {
          id: ca.id,
          role: ca.role,
          parentId,
          certDer: ca.certDer,
          keyPem: encryptPrivateKeyPem(ca.privateKey, passphrase),
          keyType: ca.keyType,
          certhash: certhashOf(ca.certDer),
          serialHex: x.serialNumber.toUpperCase(),
          subject: x.subject.replace(/\n/g, ', '),
          notBefore: new Date(x.validFrom),
          notAfter: new Date(x.validTo),
          active: true,
          createdAt: now,
        };
      };
      const stored = await deps.repo.insertHierarchy(
        [record(h.root, null), record(h.issuing, h.root.id)],
        [crlFor(h.root, 1, [], now), crlFor(h.issuing, 1, [], now)],
      );
      if (stored) state = stateOf(h);
      return stored;
    },

    async load() {
      return (await loadedOrNull()) !== null;
    },

    async describe() {
      const rows = await deps.repo.listCas();
      return rows
        .sort((a, b) => (a.role === b.role ? 0 : a.role === 'root' ? -1 : 1))
        .map((r): CaDescription => ({
          id: r.id,
          role: r.role,
          subject: r.subject,
          certhash: r.certhash,
          serialHex: r.serialHex,
          keyType: r.keyType,
          notBefore: r.notBefore,
          notAfter: r.notAfter,
          pem: toPem(r.certDer, 'CERTIFICATE'),
        }));
    },

    async issue(subject, spkiDer, opts) {
      const { issuing } = await ensureLoaded();
      const notBefore = opts.notBefore ?? new Date(deps.clock.now().getTime() - LEAF_BACKDATE_MS);
      let notAfter = opts.notAfter;
      if (notAfter === undefined) {
        const days = opts.validityDays;
        if (days === undefined || !(days > 0))
          throw new TypeError('issue: give notAfter or a positive validityDays');
        notAfter = new Date(notBefore.getTime() + days * DAY_MS);
      }
      const prepared = prepareCertificate(
        issuing,
        { subject, spkiDer, notBefore, notAfter, serialHex: newSerialHex(deps.random), hash: opts.hash },
        deps.urls,
      );
      return { ...issueCertificate(prepared), caId: issuing.id };
    },

    async chain() {
      return (await ensureLoaded()).chain;
    },

    async bundleFor(leafDer) {
      const { chain } = await ensureLoaded();
      return {
        certificatePem: toPem(leafDer, 'CERTIFICATE'),
        intermediatePem: chain.issuingPem,
        rootPem: chain.rootPem,
        pkcs7Pem: toPem(buildCertsOnlyPkcs7([leafDer, chain.issuingDer, chain.rootDer]), 'PKCS7'),
      };
    },

    async revocationChanged(caId) {
      const ca = (await ensureLoaded()).byId.get(caId);
      if (ca === undefined) throw new CertgridError('NOT_FOUND', `No CA ${caId}.`, { field: 'ca_id' });
      await regenerateCoalesced(ca);
    },

    async refreshDueCrls() {
      const s = await loadedOrNull();
      if (s === null) return;
      for (const ca of s.byId.values()) {
        if (isDue(await deps.repo.getCrl(ca.id), deps.clock.now())) await regenerateCoalesced(ca);
      }
    },

    async crl(caId) {
      const s = await loadedOrNull();
      const ca = s?.byId.get(caId);
      if (ca === undefined) return null;
      let crl = await deps.repo.getCrl(caId);
      // Regenerated on read when due (well before nextUpdate), in case the timer is not running.
      if (isDue(crl, deps.clock.now())) {
        await regenerateCoalesced(ca);
        crl = await deps.repo.getCrl(caId);
      }
      return crl?.der ?? null;
    },

    async ocsp(requestDer) {
      const s = await loadedOrNull();
      // Without a CA there is nobody to sign a response (RFC 6960 §2.3: unauthorized).
      if (s === null) return ocspErrorResponse('unauthorized');
      let serials: string[] = [];
      try {
        serials = parseOcspRequest(requestDer).certIds.map((id) => id.serialHex);
      } catch {
        // respondOcsp answers malformedRequest for the same bytes; no lookup needed.
      }
      const known = await deps.repo.findStatuses(serials);
      const lookup = (serialHex: string): CertStatus => {
        const st = known.get(serialHex);
        if (st === undefined || st.caId !== s.issuing.id) return { status: 'unknown' };
        return st.status === 'revoked'
          ? { status: 'revoked', revokedAt: st.revokedAt, reason: st.reason }
          : { status: 'good' };
      };
      const now = deps.clock.now();
      return respondOcsp({
        ca: s.issuing,
        requestDer,
        lookup,
        now,
        nextUpdate: new Date(now.getTime() + OCSP_VALIDITY_MS),
      });
    },

    async caCertificate(caId) {
      if (state) return state.byId.get(caId)?.certDer ?? null;
      // Serving CA certificates needs no key: read them without the passphrase.
      const row = (await deps.repo.listCas()).find((r) => r.id === caId);
      return row?.certDer ?? null;
    },
  };
}
