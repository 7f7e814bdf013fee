/**
 * OCSP responder core (RFC 6960). The issuing CA signs its own responses (§4.2.2.2, "the CA
 * who issued the certificate"), so no delegated responder certificate is needed.
 */
import { createHash } from 'node:crypto';
import { CertgridError } from '../errors.js';
import { OID, sign, signatureAlgorithmFor } from './algorithms.js';
import {
  TAG,
  bitString,
  childrenOf,
  contentOf,
  encodingOf,
  enumerated,
  expectTag,
  explicit,
  generalizedTime,
  implicitConstructed,
  implicitPrimitive,
  octetString,
  oid,
  oidToString,
  readRoot,
  sequence,
  sequenceOf,
  type DerNode,
} from './der.js';
import { caDetails, keyIdentifier } from './names.js';
import { normalizeSerialHex } from './serial.js';
import { extension } from './tbs.js';
import { REVOCATION_REASONS, type CertStatus, type LoadedCa } from './types.js';

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

/** More CertIDs than this in one request is treated as malformed (a cheap DoS guard). */
export const MAX_CERT_IDS = 64;

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is unused. */
export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = keyof typeof OCSP_RESPONSE_STATUS;

export function ocspStatusName(code: number): OcspResponseStatus | undefined {
  return (Object.keys(OCSP_RESPONSE_STATUS) as OcspResponseStatus[]).find(
    (k) => OCSP_RESPONSE_STATUS[k] === code,
  );
}

export interface OcspCertId {
  /** hashAlgorithm OID, dotted (SHA-1 1.3.14.3.2.26, SHA-256 2.16.840.1.101.3.4.2.1 ...). */
  readonly hashAlgorithmOid: string;
  readonly issuerNameHash: Buffer;
  readonly issuerKeyHash: Buffer;
  /** Normalised (uppercase, no leading zero octets). */
  readonly serialHex: string;
  /** The CertID exactly as received, echoed in the SingleResponse. */
  readonly der: Buffer;
}

export interface ParsedOcspRequest {
  readonly certIds: readonly OcspCertId[];
  /** The nonce extension's extnValue contents as received (RFC 8954: a DER OCTET STRING), echoed verbatim. */
  readonly nonce?: Buffer;
}

function parseCertId(buf: Buffer, node: DerNode): OcspCertId {
  const [alg, nameHash, keyHash, serial] = childrenOf(buf, expectTag(node, TAG.SEQUENCE, 'CertID'));
  const algOid = expectTag(childrenOf(buf, expectTag(alg, TAG.SEQUENCE, 'hashAlgorithm'))[0], TAG.OID, 'OID');
  const serialNode = expectTag(serial, TAG.INTEGER, 'serialNumber');
  const serialBytes = contentOf(buf, serialNode);
  if (serialBytes.length === 0) throw new CertgridError('INVALID_FORMAT', 'Malformed DER: empty INTEGER.');
  return {
    hashAlgorithmOid: oidToString(contentOf(buf, algOid)),
    issuerNameHash: Buffer.from(contentOf(buf, expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash'))),
    issuerKeyHash: Buffer.from(contentOf(buf, expectTag(keyHash, TAG.OCTET_STRING, 'issuerKeyHash'))),
    serialHex: normalizeSerialHex(serialBytes.toString('hex')),
    der: Buffer.from(encodingOf(buf, node)),
  };
}

function parseNonce(buf: Buffer, extensions: DerNode): Buffer | undefined {
  for (const ext of childrenOf(buf, expectTag(extensions, TAG.SEQUENCE, 'Extensions'))) {
    const parts = childrenOf(buf, expectTag(ext, TAG.SEQUENCE, 'Extension'));
    const extOid = expectTag(parts[0], TAG.OID, 'extnID');
    if (oidToString(contentOf(buf, extOid)) !== ID_PKIX_OCSP_NONCE) continue;
    const value = Buffer.from(
      contentOf(buf, expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue')),
    );
    // RFC 8954 §2.1: a nonce is 1..32 octets; longer or empty ones are rejected.
    let length = value.length;
    try {
      const inner = readRoot(value, TAG.OCTET_STRING);
      length = inner.end - inner.contentStart;
    } catch {
      // Pre-RFC 8954 clients put the raw nonce in extnValue: echo it all the same.
    }
    if (length < 1 || length > 32)
      throw new CertgridError('INVALID_FORMAT', 'The OCSP nonce must be 1 to 32 octets.');
    return value;
  }
  return undefined;
}

/**
 * Parses an OCSPRequest (RFC 6960 §4.1.1). A signature on the request is accepted but not checked.
 * @throws CertgridError('INVALID_FORMAT') for anything that is not a well-formed request.
 */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const root = readRoot(buf, TAG.SEQUENCE);
  const [tbs, optionalSignature, extra] = childrenOf(buf, root);
  if (extra || (optionalSignature && optionalSignature.tag !== 0xa0)) {
    throw new CertgridError('INVALID_FORMAT', 'Malformed OCSP request: unexpected fields.');
  }
  const fields = childrenOf(buf, expectTag(tbs, TAG.SEQUENCE, 'TBSRequest'));
  let i = 0;
  if (fields[i]?.tag === 0xa0) {
    const version = childrenOf(buf, fields[i] as DerNode)[0];
    const v = contentOf(buf, expectTag(version, TAG.INTEGER, 'version'));
    if (v.length !== 1 || v[0] !== 0)
      throw new CertgridError('INVALID_FORMAT', 'Unsupported OCSP request version.');
    i++;
  }
  if (fields[i]?.tag === 0xa1) i++; // requestorName
  const list = expectTag(fields[i++], TAG.SEQUENCE, 'requestList');
  let nonce: Buffer | undefined;
  if (fields[i]?.tag === 0xa2) {
    nonce = parseNonce(buf, childrenOf(buf, fields[i] as DerNode)[0] as DerNode);
    i++;
  }
  if (i !== fields.length)
    throw new CertgridError('INVALID_FORMAT', 'Malformed OCSP request: unexpected fields.');

  const requests = childrenOf(buf, list);
  if (requests.length === 0 || requests.length > MAX_CERT_IDS) {
    throw new CertgridError('INVALID_FORMAT', `An OCSP request carries 1 to ${MAX_CERT_IDS} CertIDs.`);
  }
  const certIds = requests.map((r) => {
    const [certId, singleExts, rest] = childrenOf(buf, expectTag(r, TAG.SEQUENCE, 'Request'));
    if (rest || (singleExts && singleExts.tag !== 0xa0)) {
      throw new CertgridError('INVALID_FORMAT', 'Malformed OCSP request: unexpected fields.');
    }
    return parseCertId(buf, certId as DerNode);
  });
  return nonce ? { certIds, nonce } : { certIds };
}

const NODE_HASH: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

interface IssuerHashes {
  readonly nameHash: Buffer;
  readonly keyHash: Buffer;
}

const issuerHashCache = new WeakMap<LoadedCa, Map<string, IssuerHashes>>();

/** issuerNameHash / issuerKeyHash of `ca` under a CertID hash algorithm (RFC 6960 §4.1.1). */
function issuerHashes(ca: LoadedCa, hashOid: string): IssuerHashes | undefined {
  const nodeHash = NODE_HASH[hashOid];
  if (!nodeHash) return undefined;
  let perCa = issuerHashCache.get(ca);
  if (!perCa) {
    perCa = new Map();
    issuerHashCache.set(ca, perCa);
  }
  let hit = perCa.get(hashOid);
  if (!hit) {
    const d = caDetails(ca);
    hit = {
      nameHash: createHash(nodeHash).update(d.subjectDer).digest(),
      keyHash: createHash(nodeHash).update(d.publicKeyBits).digest(),
    };
    perCa.set(hashOid, hit);
  }
  return hit;
}

/** CertStatus (RFC 6960 §4.2.1): good [0] NULL, revoked [1] RevokedInfo, unknown [2] NULL. */
function certStatusDer(status: CertStatus): Buffer {
  switch (status.status) {
    case 'good':
      return implicitPrimitive(0, Buffer.alloc(0));
    case 'revoked': {
      const code = REVOCATION_REASONS[status.reason];
      const parts = [generalizedTime(status.revokedAt)];
      // revocationReason mirrors the CRL entry, which omits 'unspecified' (RFC 5280 §5.3.1).
      if (code !== undefined && code !== 0) parts.push(explicit(0, enumerated(code)));
      return implicitConstructed(1, parts);
    }
    default:
      return implicitPrimitive(2, Buffer.alloc(0));
  }
}

/** An OCSPResponse with an error status and no responseBytes (RFC 6960 §4.2.1). */
export function ocspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  return sequence(enumerated(OCSP_RESPONSE_STATUS[status]));
}

export interface RespondOcspOptions {
  /** The issuing CA: it signs its own responses. */
  readonly ca: LoadedCa;
  readonly requestDer: Uint8Array;
  /** Status of a serial (normalised hex) issued by `ca`. */
  readonly lookup: (serialHex: string) => CertStatus;
  readonly now: Date;
  readonly nextUpdate: Date;
  /** Also ship the CA certificate in BasicOCSPResponse.certs (default false: RFC 6960 §4.2.2.2 needs none). */
  readonly includeCaCert?: boolean | undefined;
}

/**
 * A complete DER OCSPResponse: malformedRequest for unparseable input, else a signed
 * BasicOCSPResponse (ResponderID byKey, one SingleResponse per CertID in request order,
 * nonce echoed). CertIDs whose issuer hashes do not match `ca` (or use an unsupported hash)
 * are answered 'unknown' without consulting `lookup`.
 * @throws CertgridError('CA_KEY_UNAVAILABLE') when the CA key cannot sign; errors from `lookup`
 *   propagate (the HTTP layer may answer ocspErrorResponse('internalError')).
 */
export function respondOcsp(opts: RespondOcspOptions): Buffer {
  const { ca, now } = opts;
  let request: ParsedOcspRequest;
  try {
    request = parseOcspRequest(opts.requestDer);
  } catch {
    // Parsing is a pure function of the untrusted bytes: any failure means a malformed request.
    return ocspErrorResponse('malformedRequest');
  }
  const responses = request.certIds.map((id) => {
    const mine = issuerHashes(ca, id.hashAlgorithmOid);
    const matches =
      mine !== undefined && mine.nameHash.equals(id.issuerNameHash) && mine.keyHash.equals(id.issuerKeyHash);
    const status: CertStatus = matches ? opts.lookup(id.serialHex) : { status: 'unknown' };
    return sequence(
      id.der,
      certStatusDer(status),
      generalizedTime(now),
      explicit(0, generalizedTime(opts.nextUpdate)),
    );
  });
  const d = caDetails(ca);
  const tbsParts = [
    // ResponderID byKey [2] KeyHash: SHA-1 of the responder's public key BIT STRING value (§4.2.1).
    explicit(2, octetString(keyIdentifier(d.publicKeyBits))),
    generalizedTime(now),
    sequenceOf(responses),
  ];
  if (request.nonce)
    tbsParts.push(explicit(1, sequence(extension(ID_PKIX_OCSP_NONCE, false, request.nonce))));
  const tbs = sequenceOf(tbsParts);

  const alg = signatureAlgorithmFor(ca.keyType);
  let signature: Buffer;
  try {
    signature = sign(ca.privateKey, ca.keyType, undefined, tbs);
  } catch {
    throw new CertgridError('CA_KEY_UNAVAILABLE', `CA ${ca.id} could not sign the OCSP response.`);
  }
  const basicParts = [tbs, alg.algorithmIdentifierDer, bitString(signature)];
  if (opts.includeCaCert) basicParts.push(explicit(0, sequence(ca.certDer)));
  const basic = sequenceOf(basicParts);
  return sequence(
    enumerated(OCSP_RESPONSE_STATUS.successful),
    explicit(0, sequence(oid(ID_PKIX_OCSP_BASIC), octetString(basic))),
  );
}

/** Reads the response status of a DER OCSPResponse (for tests and logs). */
export function ocspResponseStatus(der: Uint8Array): OcspResponseStatus | undefined {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const status = childrenOf(buf, readRoot(buf, TAG.SEQUENCE))[0];
  if (!status || status.tag !== TAG.ENUMERATED) return undefined;
  return ocspStatusName(contentOf(buf, status)[0] as number);
}
