/**
 * The CA hierarchy: one self-signed root and one issuing intermediate (RFC 5280 §3.2, §4.2.1.9).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Random } from '../deps.js';
import { CertgridError } from '../errors.js';
import { generateCaKeyPair, keyTypeOf } from './algorithms.js';
import { decryptPrivateKeyPem } from './key-store.js';
import { certificateFields, encodeName, subjectKeyIdentifier } from './names.js';
import { newSerialHex } from './serial.js';
import { buildCaCertificate } from './tbs.js';
import type { CaHierarchy, CaUrls, KeyType, LoadedCa, SignatureHash } from './types.js';

export const ROOT_CA_ID = 'root';
export const ISSUING_CA_ID = 'issuing-1';

/** CA certificates start an hour in the past so relying parties with a slow clock accept them. */
const BACKDATE_MS = 60 * 60 * 1000;
const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;

export interface CreateCaHierarchyOptions {
  readonly keyType: KeyType;
  /** Organisation name, e.g. 'certgrid': becomes O and prefixes both CNs. */
  readonly name: string;
  readonly now: Date;
  readonly random: Random;
  readonly urls: CaUrls;
  readonly hash?: SignatureHash | undefined;
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'der' });
}

function freezeCa(ca: LoadedCa): LoadedCa {
  return Object.freeze({ ...ca });
}

/**
 * Generates both CA keys and certificates.
 * Root: self-signed, 20 years, CA critical, keyCertSign + cRLSign, SKI.
 * Issuing: 10 years, CA with pathLenConstraint 0, keyCertSign + cRLSign + digitalSignature (it
 * signs OCSP responses itself, RFC 6960 §4.2.2.2), AKI, SKI, CDP and AIA caIssuers to the root.
 */
export function createCaHierarchy(opts: CreateCaHierarchyOptions): CaHierarchy {
  const { keyType, name, now, random, urls } = opts;
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw new CertgridError('MISSING_ARGUMENT', 'The CA organisation name is required.', { field: 'name' });
  }
  if (/\/$/.test(urls.baseUrl)) throw new TypeError('createCaHierarchy: baseUrl must not end with "/"');
  const notBefore = new Date(now.getTime() - BACKDATE_MS);

  const rootKeys = generateCaKeyPair(keyType);
  const rootSpki = spkiOf(rootKeys.publicKey);
  const rootName = encodeName([
    { type: 'O', value: name },
    { type: 'CN', value: `${name} Root CA` },
  ]);
  const rootCert = buildCaCertificate(
    {
      subjectDer: rootName,
      spkiDer: rootSpki,
      serialHex: newSerialHex(random),
      notBefore,
      notAfter: addYears(now, ROOT_YEARS),
      keyUsage: ['keyCertSign', 'cRLSign'],
      hash: opts.hash,
    },
    {
      nameDer: rootName,
      keyIdentifier: subjectKeyIdentifier(rootSpki),
      keyType,
      privateKey: rootKeys.privateKey,
    },
  );

  const issuingKeys = generateCaKeyPair(keyType);
  const issuingCert = buildCaCertificate(
    {
      subjectDer: encodeName([
        { type: 'O', value: name },
        { type: 'CN', value: `${name} Issuing CA 1` },
      ]),
      spkiDer: spkiOf(issuingKeys.publicKey),
      serialHex: newSerialHex(random),
      notBefore,
      notAfter: addYears(now, ISSUING_YEARS),
      pathLenConstraint: 0,
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      crlUrl: `${urls.baseUrl}/crl/${ROOT_CA_ID}.crl`,
      caIssuersUrl: `${urls.baseUrl}/ca/${ROOT_CA_ID}.crt`,
      hash: opts.hash,
    },
    {
      nameDer: rootName,
      keyIdentifier: subjectKeyIdentifier(rootSpki),
      keyType,
      privateKey: rootKeys.privateKey,
    },
  );

  return {
    root: freezeCa({
      id: ROOT_CA_ID,
      role: 'root',
      certDer: rootCert,
      keyType,
      privateKey: rootKeys.privateKey,
    }),
    issuing: freezeCa({
      id: ISSUING_CA_ID,
      role: 'intermediate',
      certDer: issuingCert,
      keyType,
      privateKey: issuingKeys.privateKey,
    }),
  };
}

export interface LoadCaOptions {
  readonly id: string;
  readonly role: LoadedCa['role'];
  readonly certDer: Buffer;
  /** "ENCRYPTED PRIVATE KEY" PEM as written by encryptPrivateKeyPem. */
  readonly keyPem: string;
  readonly passphrase: string;
}

/**
 * A CA from its stored certificate and encrypted key; the key type comes from the key.
 * @throws CertgridError('CA_KEY_UNAVAILABLE') for a wrong passphrase, an unsupported key or a
 *   key that does not belong to the certificate; CertgridError('INVALID_FORMAT') for a bad certificate.
 */
export function loadCa(opts: LoadCaOptions): LoadedCa {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(opts.id)) throw new TypeError('loadCa: id must be a lower-case slug');
  const fields = certificateFields(opts.certDer);
  const privateKey = decryptPrivateKeyPem(opts.keyPem, opts.passphrase);
  const keyType = keyTypeOf(privateKey);
  if (!spkiOf(privateKey).equals(fields.spkiDer)) {
    throw new CertgridError('CA_KEY_UNAVAILABLE', `The key of CA ${opts.id} does not match its certificate.`);
  }
  return freezeCa({ id: opts.id, role: opts.role, certDer: Buffer.from(opts.certDer), keyType, privateKey });
}
