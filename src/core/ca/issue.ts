/**
 * Leaf issuance: prepare (validate, profile, lint, build the TBSCertificate) → issue (sign).
 *
 * Lint-before-sign is enforced by a type, as in Boulder: prepareCertificate returns a
 * single-use PreparedCertificate whose TBS bytes only this module can read, and
 * issueCertificate redeems it. Only issueCertificate touches the CA private key.
 */
import { hash as digest } from 'node:crypto';
import { CertgridError, invalid } from '../errors.js';
import { sign, signatureAlgorithmFor } from './algorithms.js';
import { integerFromHex } from './der.js';
import { runLints } from './lints/index.js';
import { encodeName, keyIdentifier, parseSpki } from './names.js';
import {
  caConstants,
  lintSubjectFor,
  policiesExtension,
  profileExtensions,
  profileSubject,
} from './profiles.js';
import { normalizeSerialHex } from './serial.js';
import { assembleSigned, buildTbsCertificate, subjectAltNameExt, subjectKeyIdentifierExt } from './tbs.js';
import type { CaUrls, IssuanceRequest, IssuedCertificate, LoadedCa, SignatureHash } from './types.js';

interface Payload {
  readonly ca: LoadedCa;
  readonly tbsDer: Buffer;
  readonly signatureAlgorithmDer: Buffer;
  readonly hash: SignatureHash | undefined;
}

let mint: (payload: Payload, serialHex: string, notBefore: Date, notAfter: Date) => PreparedCertificate;
let redeem: (prepared: PreparedCertificate) => Payload;

/**
 * A linted, ready-to-sign certificate. Single use: issueCertificate redeems it once.
 * Its public fields are informational; the TBS bytes stay private to this module.
 */
export class PreparedCertificate {
  #payload: Payload | null;
  readonly caId: string;
  readonly serialHex: string;
  /** As encoded: whole seconds. */
  readonly notBefore: Date;
  readonly notAfter: Date;

  private constructor(payload: Payload, serialHex: string, notBefore: Date, notAfter: Date) {
    this.#payload = payload;
    this.caId = payload.ca.id;
    this.serialHex = serialHex;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
  }

  /** True once issueCertificate has consumed this token. */
  get redeemed(): boolean {
    return this.#payload === null;
  }

  static {
    mint = (payload, serialHex, notBefore, notAfter) =>
      new PreparedCertificate(payload, serialHex, notBefore, notAfter);
    redeem = (prepared) => {
      if (!(prepared instanceof PreparedCertificate)) {
        throw new TypeError('issueCertificate: expected a PreparedCertificate from prepareCertificate');
      }
      const payload = prepared.#payload;
      if (payload === null) {
        throw new CertgridError(
          'INTERNAL',
          `The prepared certificate ${prepared.serialHex} was already issued.`,
        );
      }
      prepared.#payload = null;
      return payload;
    };
  }
}

/** X.509 times carry whole seconds; report exactly what the certificate says. */
const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

function checkDate(d: unknown, field: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw invalid(field, 'not a valid date');
  return d;
}

/** The serial in canonical form; newSerialHex output takes the regex-only fast path. */
function canonicalSerial(serialHex: unknown): string {
  if (typeof serialHex !== 'string') throw invalid('serialHex', 'not an unsigned hexadecimal serial number');
  if (CANONICAL_SERIAL.test(serialHex)) return serialHex;
  if (!/^[0-9A-Fa-f]+$/.test(serialHex))
    throw invalid('serialHex', 'not an unsigned hexadecimal serial number');
  return normalizeSerialHex(serialHex);
}

const CANONICAL_SERIAL = /^(?!00)(?:[0-9A-F]{2})+$/;

/**
 * Validates, profiles and lints a leaf request for `ca`, and builds its TBSCertificate.
 * @throws CertgridError('ACTION_NOT_ALLOWED') when `ca` is a root (BR §6.1.7: roots do not
 *   sign leaves); 'INVALID_ARGUMENT' / 'INVALID_CHARS' / 'INVALID_FORMAT' for malformed input;
 *   'WEAK_SIGNATURE_HASH' for a disallowed hash; 'LINT_FAILED' with `data.lints` listing every
 *   failed rule ({ name, citation, message }).
 */
export function prepareCertificate(ca: LoadedCa, req: IssuanceRequest, urls: CaUrls): PreparedCertificate {
  if (ca.role !== 'intermediate') {
    throw new CertgridError('ACTION_NOT_ALLOWED', 'Only an intermediate CA issues end-entity certificates.');
  }
  const serialHex = canonicalSerial(req.serialHex);
  const serialDer = integerFromHex(serialHex);
  const notBefore = wholeSeconds(checkDate(req.notBefore, 'notBefore'));
  const notAfter = wholeSeconds(checkDate(req.notAfter, 'notAfter'));
  const spki = parseSpki(req.spkiDer);
  const alg = signatureAlgorithmFor(ca.keyType, req.hash);
  const constants = caConstants(ca, urls);

  const profiled = profileSubject(req.subject);
  const lint = lintSubjectFor(constants, req.subject.profile, profiled, spki, serialDer, notBefore, notAfter);
  const failures = runLints(lint);
  if (failures.length > 0) {
    throw new CertgridError(
      'LINT_FAILED',
      `The certificate failed ${failures.length} lint(s): ${failures.map((f) => f.message).join(' ')}`,
      { data: { lints: failures } },
    );
  }

  const [bc, ku, eku] = profileExtensions(lint);
  const extensions = [
    bc,
    ku,
    eku,
    subjectAltNameExt(lint.dnsNames, lint.emails),
    subjectKeyIdentifierExt(keyIdentifier(spki.publicKeyBits)),
    constants.akiExt,
    constants.cdpExt,
    constants.aiaExt,
  ];
  const policies = policiesExtension(lint);
  if (policies !== null) extensions.push(policies);
  const tbsDer = buildTbsCertificate({
    serialDer,
    signatureAlgorithmDer: alg.algorithmIdentifierDer,
    issuerDer: constants.issuerDer,
    notBefore,
    notAfter,
    subjectDer: encodeName(lint.subject),
    spkiDer: req.spkiDer,
    extensions,
  });
  return mint(
    { ca, tbsDer, signatureAlgorithmDer: alg.algorithmIdentifierDer, hash: req.hash },
    serialHex,
    notBefore,
    notAfter,
  );
}

/**
 * Signs a prepared certificate with its CA's key. Redeems the token: a second call throws.
 * @throws CertgridError('INTERNAL') when the token was already redeemed;
 *   CertgridError('CA_KEY_UNAVAILABLE') when the key cannot sign.
 */
export function issueCertificate(prepared: PreparedCertificate): IssuedCertificate {
  const { ca, tbsDer, signatureAlgorithmDer, hash } = redeem(prepared);
  let signature: Buffer;
  try {
    signature = sign(ca.privateKey, ca.keyType, hash, tbsDer);
  } catch {
    throw new CertgridError('CA_KEY_UNAVAILABLE', `CA ${ca.id} could not sign the certificate.`);
  }
  const der = assembleSigned(tbsDer, signatureAlgorithmDer, signature);
  return {
    der,
    serialHex: prepared.serialHex,
    certhash: digest('sha256', der, 'hex'),
    notBefore: prepared.notBefore,
    notAfter: prepared.notAfter,
  };
}
