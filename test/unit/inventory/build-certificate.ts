/**
 * Builds real, signed X.509 certificates for the inventory tests with the @peculiar/asn1-x509
 * schemas (an encoder independent of the reader under test) and node:crypto signatures.
 * Every field is set exactly, so tests can assert exact facts. Not a test file itself.
 */
import { spawnSync } from 'node:child_process';
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Extension,
  Extensions,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { RsaSaPssParams, id_RSASSA_PSS, id_mgf1, sha256 } from '@peculiar/asn1-rsa';

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

export type StringKind = 'utf8' | 'printable' | 'teletex' | 'bmp' | 'universal' | 'ia5';

/** One attribute: [OID, value, string type (default utf8)] or [OID, raw DER value]. */
export type Attr =
  readonly [oid: string, value: string, kind?: StringKind] | readonly [oid: string, raw: Buffer];

export const OIDS = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  C: '2.5.4.6',
  serialNumber: '2.5.4.5',
  businessCategory: '2.5.4.15',
  jurisdictionL: '1.3.6.1.4.1.311.60.2.1.1',
  jurisdictionST: '1.3.6.1.4.1.311.60.2.1.2',
  jurisdictionC: '1.3.6.1.4.1.311.60.2.1.3',
  UID: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

function attributeValue(attr: Attr): AttributeValue {
  const [, value, kind] = attr;
  if (Buffer.isBuffer(value)) return new AttributeValue({ anyValue: toArrayBuffer(value) });
  switch (kind ?? 'utf8') {
    case 'printable':
      return new AttributeValue({ printableString: value });
    case 'teletex':
      return new AttributeValue({ teletexString: value });
    case 'bmp':
      return new AttributeValue({ bmpString: value });
    case 'universal':
      return new AttributeValue({ universalString: value });
    case 'ia5':
      return new AttributeValue({ ia5String: value });
    default:
      return new AttributeValue({ utf8String: value });
  }
}

/**
 * A Name from RDNs in DER order (most significant first); an RDN given as an array of
 * attributes is multi-valued.
 */
export function name(rdns: readonly (Attr | readonly Attr[])[]): Name {
  return new Name(
    rdns.map((rdn) => {
      const attrs = (Array.isArray(rdn[0]) ? rdn : [rdn]) as readonly Attr[];
      return new RelativeDistinguishedName(
        attrs.map((a) => new AttributeTypeAndValue({ type: a[0], value: attributeValue(a) })),
      );
    }),
  );
}

export const nameDer = (n: Name): Buffer => Buffer.from(AsnConvert.serialize(n));

// ---------------------------------------------------------------------------------------
// Keys and signatures
// ---------------------------------------------------------------------------------------

export type KeySpec = 'rsa2048' | 'p256' | 'p384' | 'p521' | 'ed25519' | 'dsa2048';

export interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

const keyCache = new Map<KeySpec, KeyPair[]>();

/** The n-th key of a kind, generated once per test file (RSA and DSA generation is slow). */
export function key(spec: KeySpec, n = 0): KeyPair {
  const list = keyCache.get(spec) ?? [];
  keyCache.set(spec, list);
  while (list.length <= n) list.push(generate(spec));
  return list[n] as KeyPair;
}

function generate(spec: KeySpec): KeyPair {
  switch (spec) {
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'dsa2048':
      return generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  }
}

export type SignatureSpec =
  | 'sha256-rsa'
  | 'sha384-rsa'
  | 'sha1-rsa'
  | 'rsa-pss-sha256'
  | 'sha256-ecdsa'
  | 'sha384-ecdsa'
  | 'sha512-ecdsa'
  | 'ed25519'
  | 'sha256-dsa';

const SIGNATURE_OIDS: Record<
  Exclude<SignatureSpec, 'rsa-pss-sha256'>,
  { oid: string; nullParams: boolean }
> = {
  'sha256-rsa': { oid: '1.2.840.113549.1.1.11', nullParams: true },
  'sha384-rsa': { oid: '1.2.840.113549.1.1.12', nullParams: true },
  'sha1-rsa': { oid: '1.2.840.113549.1.1.5', nullParams: true },
  'sha256-ecdsa': { oid: '1.2.840.10045.4.3.2', nullParams: false },
  'sha384-ecdsa': { oid: '1.2.840.10045.4.3.3', nullParams: false },
  'sha512-ecdsa': { oid: '1.2.840.10045.4.3.4', nullParams: false },
  ed25519: { oid: '1.3.101.112', nullParams: false },
  'sha256-dsa': { oid: '2.16.840.1.101.3.4.3.2', nullParams: false },
};

function signatureAlgorithm(spec: SignatureSpec | { oid: string }): AlgorithmIdentifier {
  if (typeof spec === 'object') return new AlgorithmIdentifier({ algorithm: spec.oid });
  if (spec === 'rsa-pss-sha256') {
    const params = new RsaSaPssParams({
      hashAlgorithm: sha256,
      maskGenAlgorithm: new AlgorithmIdentifier({
        algorithm: id_mgf1,
        parameters: AsnConvert.serialize(sha256),
      }),
      saltLength: 32,
    });
    return new AlgorithmIdentifier({ algorithm: id_RSASSA_PSS, parameters: AsnConvert.serialize(params) });
  }
  const { oid, nullParams } = SIGNATURE_OIDS[spec];
  return new AlgorithmIdentifier({ algorithm: oid, parameters: nullParams ? null : undefined });
}

function signWith(spec: SignatureSpec | { oid: string }, privateKey: KeyObject, tbs: Buffer): Buffer {
  if (typeof spec === 'object') return Buffer.alloc(64, 7); // an algorithm nobody can check
  switch (spec) {
    case 'rsa-pss-sha256':
      return sign('sha256', tbs, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case 'ed25519':
      return sign(null, tbs, privateKey);
    case 'sha256-ecdsa':
    case 'sha384-ecdsa':
    case 'sha512-ecdsa':
    case 'sha256-dsa':
      return sign(spec.slice(0, 6), tbs, { key: privateKey, dsaEncoding: 'der' });
    default:
      return sign(spec.slice(0, spec.indexOf('-')), tbs, privateKey);
  }
}

// ---------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------

/** An extension whose value is an asn1-schema object or raw DER. */
export function ext(oid: string, value: object | Buffer, critical = false): Extension {
  const der = Buffer.isBuffer(value) ? value : Buffer.from(AsnConvert.serialize(value));
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(toArrayBuffer(der)) });
}

// ---------------------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------------------

export interface CertificateSpec {
  readonly subject: Name;
  /** Defaults to the subject (self-issued). */
  readonly issuer?: Name;
  /** The serial's content octets, exactly (default 01). */
  readonly serialHex?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** 1 writes no version field and no extensions. */
  readonly version?: 1 | 3;
  readonly publicKey: KeyObject;
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  readonly signingKey: KeyObject;
  readonly signature: SignatureSpec | { oid: string };
  readonly extensions?: readonly Extension[];
}

export const NOT_BEFORE = new Date('2020-07-30T00:00:00Z');
export const NOT_AFTER = new Date('2021-08-04T12:00:00Z');

export function buildCertificate(spec: CertificateSpec): Buffer {
  const sigAlg = signatureAlgorithm(spec.signature);
  const spki = AsnConvert.parse(spec.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const v1 = spec.version === 1;
  const tbs = new TBSCertificate({
    version: v1 ? Version.v1 : Version.v3,
    serialNumber: toArrayBuffer(Buffer.from(spec.serialHex ?? '01', 'hex')),
    signature: sigAlg,
    issuer: spec.issuer ?? spec.subject,
    validity: new Validity({ notBefore: spec.notBefore ?? NOT_BEFORE, notAfter: spec.notAfter ?? NOT_AFTER }),
    subject: spec.subject,
    subjectPublicKeyInfo: spki,
    extensions: v1 || !spec.extensions?.length ? undefined : new Extensions([...spec.extensions]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sigAlg,
    signatureValue: toArrayBuffer(signWith(spec.signature, spec.signingKey, tbsDer)),
  });
  return Buffer.from(AsnConvert.serialize(cert));
}

export function pem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

// ---------------------------------------------------------------------------------------
// openssl CLI (an independent judge; tests needing it check requireTool('openssl') first)
// ---------------------------------------------------------------------------------------

export function openssl(
  args: readonly string[],
  input?: Buffer | string,
): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('openssl', args, { input, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
