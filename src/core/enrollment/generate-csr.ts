import { generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { NULL, bitString, constructed, integerFromNumber, oid, sequence, set } from '../ca/der.js';
import { encodeName, type NameAttribute } from '../ca/names.js';
import { toPem } from '../ca/pem.js';
import { subjectAltNameExt } from '../ca/tbs.js';

const generateRsa = promisify(generateKeyPair);

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface GeneratedCsr {
  /** PKCS#10 as PEM (`CERTIFICATE REQUEST`). */
  readonly csrPem: string;
  readonly csrDer: Buffer;
  /** The new private key as unencrypted PKCS#8 PEM: handed to the caller once, never stored. */
  readonly privateKeyPem: string;
}

/**
 * `autoGenerateCSR`: a fresh RSA 2048 key (what DigiCert's and Qualys' generators make, and what every
 * TLS client accepts) and a PKCS#10 request for the order's names, signed with SHA-256 (RFC 2986).
 * The key pair is made off the event loop.
 */
export async function generateCsr(input: {
  readonly commonName: string;
  readonly organizationUnits: readonly string[];
  readonly dnsNames: readonly string[];
}): Promise<GeneratedCsr> {
  const { privateKey, publicKey } = (await generateRsa('rsa', { modulusLength: 2048 })) as {
    privateKey: KeyObject;
    publicKey: KeyObject;
  };
  const subject: NameAttribute[] = [
    ...input.organizationUnits.map((ou): NameAttribute => ({ type: 'OU', value: ou })),
    { type: 'CN', value: input.commonName },
  ];
  const names = [input.commonName, ...input.dnsNames.filter((d) => d !== input.commonName)];
  const info = sequence(
    integerFromNumber(0),
    encodeName(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    constructed(0xa0, [sequence(oid(EXTENSION_REQUEST), set(sequence(subjectAltNameExt(names, []))))]),
  );
  const der = sequence(
    info,
    sequence(oid(SHA256_WITH_RSA), NULL),
    bitString(sign('sha256', info, privateKey)),
  );
  return {
    csrDer: der,
    csrPem: toPem(der, 'CERTIFICATE REQUEST'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
