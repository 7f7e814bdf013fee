/**
 * Version 2 CRLs (RFC 5280 §5), signed by the CA they describe.
 */
import { CertgridError } from '../errors.js';
import { sign, signatureAlgorithmFor } from './algorithms.js';
import {
  childrenOf,
  contentOf,
  enumerated,
  explicit,
  integerFromBigInt,
  integerFromHex,
  integerFromNumber,
  readRoot,
  sequence,
  sequenceOf,
  time,
} from './der.js';
import { caDetails } from './names.js';
import { normalizeSerialHex } from './serial.js';
import { EXT_OID, assembleSigned, authorityKeyIdentifierExt, extension } from './tbs.js';
import { REVOCATION_REASONS, type LoadedCa, type RevokedEntry, type SignatureHash } from './types.js';

export interface BuildCrlOptions {
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Monotonically increasing per CA (RFC 5280 §5.2.3), 0 ≤ n < 2^159. */
  readonly crlNumber: bigint;
  readonly hash?: SignatureHash | undefined;
}

const V2 = integerFromNumber(1);
const MAX_CRL_NUMBER = 1n << 159n; // at most 20 octets (RFC 5280 §5.2.3)

/** One revokedCertificates entry; reasonCode omitted for 'unspecified' (RFC 5280 §5.3.1 SHOULD). */
function revokedEntry(e: RevokedEntry): Buffer {
  const code = REVOCATION_REASONS[e.reason];
  if (code === undefined) throw new TypeError(`buildCrl: unknown revocation reason ${String(e.reason)}`);
  const parts = [integerFromHex(normalizeSerialHex(e.serialHex)), time(e.revokedAt)];
  if (code !== 0) parts.push(sequence(extension(EXT_OID.reasonCode, false, enumerated(code))));
  return sequenceOf(parts);
}

/**
 * A complete (not delta) v2 CRL with authorityKeyIdentifier and cRLNumber. Entries with reason
 * removeFromCRL are skipped: that reason only exists in delta CRLs (RFC 5280 §5.3.1).
 * @throws CertgridError('INVALID_ARGUMENT') for nextUpdate ≤ thisUpdate or a bad CRL number.
 */
export function buildCrl(ca: LoadedCa, entries: readonly RevokedEntry[], opts: BuildCrlOptions): Buffer {
  if (!(opts.nextUpdate.getTime() > opts.thisUpdate.getTime())) {
    throw new CertgridError('INVALID_ARGUMENT', 'nextUpdate must be later than thisUpdate.', {
      field: 'nextUpdate',
    });
  }
  if (opts.crlNumber < 0n || opts.crlNumber >= MAX_CRL_NUMBER) {
    throw new CertgridError('INVALID_ARGUMENT', 'The CRL number must be between 0 and 2^159.', {
      field: 'crlNumber',
    });
  }
  const d = caDetails(ca);
  const alg = signatureAlgorithmFor(ca.keyType, opts.hash);
  const revoked = entries.filter((e) => e.reason !== 'removeFromCRL').map(revokedEntry);
  const tbs = sequence(
    V2,
    alg.algorithmIdentifierDer,
    d.subjectDer,
    time(opts.thisUpdate),
    time(opts.nextUpdate),
    // An empty revokedCertificates list MUST be absent (RFC 5280 §5.1.2.6).
    ...(revoked.length > 0 ? [sequenceOf(revoked)] : []),
    explicit(
      0,
      sequence(
        authorityKeyIdentifierExt(d.keyIdentifier),
        extension(EXT_OID.cRLNumber, false, integerFromBigInt(opts.crlNumber)),
      ),
    ),
  );
  let signature: Buffer;
  try {
    signature = sign(ca.privateKey, ca.keyType, opts.hash, tbs);
  } catch {
    throw new CertgridError('CA_KEY_UNAVAILABLE', `CA ${ca.id} could not sign its CRL.`);
  }
  return assembleSigned(tbs, alg.algorithmIdentifierDer, signature);
}

/**
 * The serial numbers a DER CRL lists (RFC 5280 §5.1), lowercase hex without leading zeros, as trust
 * evaluation looks them up. The signature is not checked: callers read CRLs of their own CA.
 * @throws CertgridError('INVALID_FORMAT') for bytes that are not a CertificateList.
 */
export function revokedSerialsOf(crlDer: Uint8Array): Set<string> {
  const SEQUENCE = 0x30;
  const INTEGER = 0x02;
  try {
    const tbs = childrenOf(crlDer, readRoot(crlDer, SEQUENCE))[0];
    if (tbs === undefined || tbs.tag !== SEQUENCE) throw new Error('no tbsCertList');
    // version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?:
    // the revoked list is the only SEQUENCE after the issuer Name whose entries start with an INTEGER.
    const fields = childrenOf(crlDer, tbs);
    const afterIssuer = fields.slice(fields[0]?.tag === INTEGER ? 3 : 2);
    const serials = new Set<string>();
    for (const field of afterIssuer) {
      if (field.tag !== SEQUENCE) continue;
      for (const entry of childrenOf(crlDer, field)) {
        const serial = childrenOf(crlDer, entry)[0];
        if (serial === undefined || serial.tag !== INTEGER) throw new Error('bad revoked entry');
        serials.add(
          contentOf(crlDer, serial)
            .toString('hex')
            .replace(/^0+(?=.)/, ''),
        );
      }
    }
    return serials;
  } catch (e) {
    if (e instanceof CertgridError) throw e;
    throw new CertgridError('INVALID_FORMAT', 'Not a DER certificate revocation list.');
  }
}
