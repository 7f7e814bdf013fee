/**
 * Roots an account adds to its own trust store (issue 4: trust paths per root store — Mozilla, the
 * account's certgrid CA roots, and roots the account adds). Assessments of the account's endpoints
 * judge every chain against them as the `account` root store (endpoint-assessor.ts), so servers of a
 * private PKI the account runs elsewhere are reported trusted by the account.
 *
 * Only self-signed CA certificates are taken: a trust anchor is the top of a path (RFC 5280 §6.1.1 d),
 * and anything else here would be a root store holding certificates that can never end a path.
 *
 * @example
 *   const trustedRoots = createTrustedRoots({ repo: repos.trustedRoots, clock: systemClock });
 *   const [r] = await trustedRoots.addTrustedRoots(accountId, rootPem);
 *   r.added; // false when the account already trusted it
 *   await trustedRoots.removeTrustedRoot(accountId, r.root.certhash);
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '../deps.js';
import { CertgridError, invalid, notFound } from '../errors.js';
import { readCertificates } from '../inventory/index.js';
import type { TrustedRootRecord, TrustedRootRepository } from './trusted-root-repository.js';

/** Name of the root store holding the roots an account added (trust paths report it as `rootStore`). */
export const ACCOUNT_ROOT_STORE = 'account';

/** Certificates one call may add: a large corporate bundle fits, a runaway upload does not. */
export const MAX_ROOTS_PER_ADD = 500;

/**
 * What `addTrustedRoots` reads: PEM text with one or more certificates, the bytes of a PEM or DER file
 * (PKCS#7 certs-only bundles too, as `certgrid import` reads them), or a list of those (one per file).
 */
export type TrustedRootsInput = string | Uint8Array | readonly (string | Uint8Array)[];

export interface AddedTrustedRoot {
  /** The root as stored (for one the account already had: as it was first added). */
  readonly root: TrustedRootRecord;
  /** false when the account already trusted this root: nothing changed. */
  readonly added: boolean;
}

export interface TrustedRoots {
  /**
   * Adds every certificate of `content` to the account's trust store, in input order, each one once.
   * Nothing is stored unless every certificate is a self-signed CA certificate whose signature verifies.
   *
   * @throws CertgridError INVALID_ARGUMENT (field `certificate`) naming the certificate and the reason;
   *   `data.input` is the index of the list entry it came from (0 for a single input).
   */
  addTrustedRoots(accountId: number, content: TrustedRootsInput): Promise<AddedTrustedRoot[]>;
  /** The account's roots, oldest first. */
  listTrustedRoots(accountId: number): Promise<TrustedRootRecord[]>;
  /**
   * @param certhash SHA-256 of the root's DER in hex, any case, colons allowed (`openssl x509 -fingerprint`).
   * @returns the root removed.
   * @throws CertgridError INVALID_ARGUMENT (field `certhash`) when it is not 64 hex digits;
   *   NOT_FOUND when the account does not trust such a root.
   */
  removeTrustedRoot(accountId: number, certhash: string): Promise<TrustedRootRecord>;
  /** The account's roots parsed, for its `account` root store; the same array while they do not change. */
  accountRoots(accountId: number): Promise<readonly X509Certificate[]>;
}

export interface TrustedRootsDeps {
  readonly repo: TrustedRootRepository;
  readonly clock: Clock;
}

const oneLine = (name: string): string => name.replace(/\n/g, ', ');

const badCertificate = (input: number, why: string): CertgridError =>
  new CertgridError('INVALID_ARGUMENT', `certificate: ${why}`, { field: 'certificate', data: { input } });

/** The certificates of one input entry, as DER; a format error names the field like the others. */
function certificatesOf(content: string | Uint8Array, input: number): Buffer[] {
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
    throw invalid('certificate', 'must be PEM text or the bytes of a PEM or DER file');
  }
  try {
    return readCertificates(content);
  } catch (e) {
    if (!CertgridError.is(e, 'INVALID_FORMAT')) throw e;
    throw badCertificate(input, e.message.charAt(0).toLowerCase() + e.message.slice(1));
  }
}

/** Checks one certificate is a root: X.509, a CA, self-issued and self-signed. */
function parseRoot(der: Buffer, label: string, input: number): X509Certificate {
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch {
    throw badCertificate(input, `${label} does not parse as an X.509 certificate`);
  }
  const named = `${label} ("${oneLine(x.subject)}")`;
  if (!x.ca) {
    throw badCertificate(input, `${named} is not a CA certificate: its basicConstraints cA is not true`);
  }
  // checkIssued compares the names, the key identifiers and keyCertSign (when keyUsage is present);
  // it does not check the signature, which verify does.
  if (!x.checkIssued(x)) {
    const why =
      x.issuer !== x.subject
        ? `its issuer is "${oneLine(x.issuer)}": add the root at the top of its chain instead`
        : 'its key identifiers or key usage (keyCertSign) do not allow it to have signed itself';
    throw badCertificate(input, `${named} is not self-signed: ${why}`);
  }
  if (!x.verify(x.publicKey)) {
    throw badCertificate(
      input,
      `${named} is not self-signed: its signature does not verify with its own key`,
    );
  }
  return x;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

function normalizeCerthash(value: string): string {
  const hex = typeof value === 'string' ? value.trim().replace(/:/g, '').toLowerCase() : '';
  if (!HEX_SHA256.test(hex)) {
    throw new CertgridError(
      'INVALID_ARGUMENT',
      'certhash: must be the SHA-256 of the certificate, 64 hex digits',
      {
        field: 'certhash',
        data: { value: String(value).slice(0, 80) },
      },
    );
  }
  return hex;
}

export function createTrustedRoots(deps: TrustedRootsDeps): TrustedRoots {
  // Parsed roots per account, keyed by their certhashes: an unchanged store is the same array, so the
  // trust evaluation's per-array index of it is built once (core/assess/trust/root-store.ts).
  const parsed = new Map<number, { readonly key: string; readonly roots: readonly X509Certificate[] }>();

  return {
    async addTrustedRoots(accountId, content) {
      const inputs: readonly (string | Uint8Array)[] =
        typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
      if (!Array.isArray(inputs) || inputs.length === 0) throw invalid('certificate', 'no certificate given');
      const found: { der: Buffer; x509: X509Certificate; certhash: string }[] = [];
      const seen = new Set<string>();
      inputs.forEach((item, input) => {
        const ders = certificatesOf(item, input);
        ders.forEach((der, i) => {
          const label = ders.length === 1 ? 'the certificate' : `certificate ${i + 1} of ${ders.length}`;
          const x509 = parseRoot(der, label, input);
          const certhash = createHash('sha256').update(der).digest('hex');
          if (seen.has(certhash)) return;
          seen.add(certhash);
          found.push({ der, x509, certhash });
        });
      });
      if (found.length > MAX_ROOTS_PER_ADD) {
        throw invalid(
          'certificate',
          `at most ${MAX_ROOTS_PER_ADD} certificates at once, not ${found.length}`,
        );
      }
      const created = deps.clock.now().getTime();
      const added = new Set<string>();
      for (const { der, x509, certhash } of found) {
        const record: TrustedRootRecord = {
          accountId,
          certhash,
          der,
          subject: oneLine(x509.subject),
          notAfter: new Date(x509.validTo).getTime(),
          created,
        };
        if (await deps.repo.add(record)) added.add(certhash);
      }
      // Read back, so a root the account already had is reported as it was first added.
      const stored = new Map((await deps.repo.list(accountId)).map((r) => [r.certhash, r]));
      return found.flatMap(({ certhash }) => {
        const root = stored.get(certhash);
        // Removed by someone else in between: it is not there to report.
        return root === undefined ? [] : [{ root, added: added.has(certhash) }];
      });
    },

    listTrustedRoots: (accountId) => deps.repo.list(accountId),

    async removeTrustedRoot(accountId, certhash) {
      const hash = normalizeCerthash(certhash);
      const root = (await deps.repo.list(accountId)).find((r) => r.certhash === hash);
      if (root === undefined || !(await deps.repo.remove(accountId, hash))) throw notFound('trusted root');
      return root;
    },

    async accountRoots(accountId) {
      const rows = await deps.repo.list(accountId);
      if (rows.length === 0) {
        parsed.delete(accountId);
        return [];
      }
      const key = rows.map((r) => r.certhash).join(',');
      const cached = parsed.get(accountId);
      if (cached?.key === key) return cached.roots;
      const roots = Object.freeze(rows.map((r) => new X509Certificate(r.der)));
      parsed.set(accountId, { key, roots });
      return roots;
    },
  };
}
