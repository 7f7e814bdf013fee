/**
 * Normalises what users import (PEM bundles, DER, PKCS#7 / CMS certs-only bundles, bare
 * base64) to certificate DERs, once, at the edge.
 */
import { id_signedData } from '@peculiar/asn1-cms';
import { CertgridError } from '../errors.js';
import { TAG } from './der-reader.js';

/** RFC 7468 labels (and the legacy ones OpenSSL writes) whose contents are one certificate. */
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
/** RFC 7468 §8 "PKCS7", OpenSSL's "PKCS #7 SIGNED DATA", and "CMS". */
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const ID_SIGNED_DATA = Buffer.from('2a864886f70d010702', 'hex'); // id_signedData, encoded

const noCertificate = (): CertgridError =>
  new CertgridError('INVALID_FORMAT', 'No certificate found: expected PEM, DER or PKCS#7.');

const bad = (what: string): CertgridError => new CertgridError('INVALID_FORMAT', what);

/**
 * Every certificate in `input`, as DER, in input order, each distinct certificate once:
 * - PEM: any number of CERTIFICATE / X509 CERTIFICATE / TRUSTED CERTIFICATE blocks
 *   (text around them and blocks with other labels are ignored) and PKCS7 / CMS blocks;
 * - raw DER of a certificate, or of a PKCS#7 SignedData (.p7b / .p7c), BER lengths allowed;
 * - bare base64 of either DER.
 * Certificates are returned byte for byte as found (never re-encoded: the certhash is over
 * these bytes) and are only checked to be shaped like a Certificate; certificateFacts
 * parses them fully.
 * @throws CertgridError('INVALID_FORMAT') when nothing in `input` is a certificate, or a
 *   certificate or PKCS#7 block is malformed.
 */
export function readCertificates(input: Uint8Array | string): Buffer[] {
  let found: Buffer[];
  if (typeof input === 'string') found = fromText(input);
  else if (input instanceof Uint8Array) {
    const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // DER starts with a SEQUENCE tag, which is the character "0" in text: fall back to text when it does not parse.
    const der = buf[0] === TAG.SEQUENCE ? tryBinary(buf) : undefined;
    found = der ?? fromText(buf.toString('latin1'));
  } else {
    throw new TypeError('readCertificates: input must be a string or a Uint8Array');
  }
  if (found.length === 0) throw noCertificate();
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const der of found) {
    const key = der.toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    // Own copies: nothing returned aliases the caller's buffer.
    out.push(Buffer.from(der));
  }
  return out;
}

function fromText(text: string): Buffer[] {
  const out: Buffer[] = [];
  let sawBlock = false;
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1] as string;
    const isCert = CERTIFICATE_LABELS.has(label);
    if (!isCert && !PKCS7_LABELS.has(label)) continue;
    sawBlock = true;
    const der = base64(m[2] as string);
    if (!der) throw bad(`The PEM block "${label}" does not contain valid base64.`);
    if (isCert) {
      // TRUSTED CERTIFICATE is the certificate followed by OpenSSL's X509_CERT_AUX: keep the first TLV.
      out.push(certificateAt(der, label === 'TRUSTED CERTIFICATE'));
    } else {
      out.push(...pkcs7Certificates(der));
    }
  }
  if (sawBlock) return out;
  if (/-----BEGIN /.test(text)) return out; // only other blocks (keys, CSRs …): no certificate
  const der = base64(text);
  if (!der || der[0] !== TAG.SEQUENCE) return out;
  return tryBinary(der) ?? out;
}

/** Base64 with any white space (RFC 7468 §3 lax parsing), or undefined when it is not. */
function base64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** A certificate or a PKCS#7 bundle in DER, or undefined when `buf` is neither. */
function tryBinary(buf: Buffer): Buffer[] | undefined {
  let root: Tlv;
  try {
    root = berAt(buf, 0, buf.length);
  } catch {
    return undefined;
  }
  if (root.end !== buf.length || root.tag !== TAG.SEQUENCE) return undefined;
  const first = safeBerAt(buf, root.body, root.contentEnd);
  if (first?.tag === TAG.OID) return pkcs7Certificates(buf);
  if (first?.tag !== TAG.SEQUENCE) return undefined;
  try {
    return [certificateAt(buf, false)];
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// PKCS#7 / CMS certs-only SignedData (RFC 2315 §9.1; RFC 5652 §5.1)
// ---------------------------------------------------------------------------------------

/**
 * ContentInfo { contentType id-signedData, content [0] EXPLICIT SignedData { version,
 * digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT CertificateSet OPTIONAL, … } }.
 * The wrapper may use BER indefinite lengths (some tools write them); the X.509 members of
 * the CertificateSet are cut out as they are, other CertificateChoices are skipped.
 */
function pkcs7Certificates(der: Buffer): Buffer[] {
  const fail = (why: string): CertgridError => bad(`Not a PKCS#7 certificate bundle: ${why}.`);
  try {
    const ci = berAt(der, 0, der.length);
    if (ci.tag !== TAG.SEQUENCE || ci.end !== der.length) throw fail('not a ContentInfo');
    const type = berAt(der, ci.body, ci.contentEnd);
    if (type.tag !== TAG.OID || !der.subarray(type.body, type.contentEnd).equals(ID_SIGNED_DATA)) {
      throw fail(`content type is not SignedData (${id_signedData})`);
    }
    const wrapper = berAt(der, type.end, ci.contentEnd);
    if (wrapper.tag !== 0xa0) throw fail('no SignedData');
    const sd = berAt(der, wrapper.body, wrapper.contentEnd);
    if (sd.tag !== TAG.SEQUENCE) throw fail('SignedData is not a SEQUENCE');
    const out: Buffer[] = [];
    for (let p = sd.body; p < sd.contentEnd;) {
      const field = berAt(der, p, sd.contentEnd);
      if (field.tag === 0xa0) {
        for (let q = field.body; q < field.contentEnd;) {
          const choice = berAt(der, q, field.contentEnd);
          if (choice.tag === TAG.SEQUENCE)
            out.push(certificateAt(der.subarray(choice.start, choice.end), false));
          q = choice.end;
        }
      }
      p = field.end;
    }
    return out;
  } catch (e) {
    if (e instanceof CertgridError) throw e;
    throw fail('malformed');
  }
}

/**
 * The certificate at the start of `der` after checking its outline: SEQUENCE { SEQUENCE,
 * SEQUENCE, BIT STRING } in definite lengths, with nothing after it unless `allowTrailing`.
 */
function certificateAt(der: Buffer, allowTrailing: boolean): Buffer {
  const fail = (): CertgridError =>
    bad(
      'Not an X.509 certificate: expected SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.',
    );
  let cert: Tlv;
  try {
    cert = berAt(der, 0, der.length);
    if (cert.tag !== TAG.SEQUENCE || cert.indefinite) throw fail();
    if (!allowTrailing && cert.end !== der.length) throw fail();
    const tbs = berAt(der, cert.body, cert.end);
    const alg = berAt(der, tbs.end, cert.end);
    const sig = berAt(der, alg.end, cert.end);
    if (
      tbs.tag !== TAG.SEQUENCE ||
      alg.tag !== TAG.SEQUENCE ||
      sig.tag !== TAG.BIT_STRING ||
      sig.end !== cert.end
    ) {
      throw fail();
    }
  } catch (e) {
    if (e instanceof CertgridError) throw e;
    throw fail();
  }
  return der.subarray(0, cert.end);
}

// ---------------------------------------------------------------------------------------
// A BER reader just for the containers above (X.690 §8.1.3: definite and indefinite lengths)
// ---------------------------------------------------------------------------------------

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  /** End of the contents (before the end-of-contents octets of an indefinite length). */
  readonly contentEnd: number;
  /** End of the whole encoding. */
  readonly end: number;
  readonly indefinite: boolean;
}

const MAX_DEPTH = 32;

function safeBerAt(buf: Buffer, pos: number, limit: number): Tlv | undefined {
  try {
    return berAt(buf, pos, limit);
  } catch {
    return undefined;
  }
}

/** Throws a plain Error on malformed input; callers turn it into INVALID_FORMAT. */
function berAt(buf: Buffer, pos: number, limit: number, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new Error('nesting too deep');
  if (pos + 2 > limit) throw new Error('truncated');
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error('high tag number');
  let len = buf[pos + 1] as number;
  let body = pos + 2;
  if (len === 0x80) {
    // Indefinite: constructed only, contents run to the end-of-contents octets 00 00.
    if ((tag & 0x20) === 0) throw new Error('indefinite primitive');
    let p = body;
    for (;;) {
      if (p + 2 > limit) throw new Error('no end-of-contents');
      if (buf[p] === 0 && buf[p + 1] === 0)
        return { tag, start: pos, body, contentEnd: p, end: p + 2, indefinite: true };
      p = berAt(buf, p, limit, depth + 1).end;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || body + n > limit) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] as number);
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new Error('length past end');
  return { tag, start: pos, body, contentEnd: end, end, indefinite: false };
}
