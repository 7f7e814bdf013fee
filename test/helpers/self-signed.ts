/**
 * A self-signed certificate for CN=localhost made in-process (asn1-x509 schemas + node:crypto), for
 * tests that need a TLS server without the openssl CLI. Valid from a minute ago for a day.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

const arrayBuffer = (b: Uint8Array): ArrayBuffer => Uint8Array.from(b).buffer;

export interface SelfSigned {
  readonly keyPem: string;
  readonly certPem: string;
  readonly der: Uint8Array;
}

export function selfSignedLocalhost(keyType: 'rsa2048' | 'p256'): SelfSigned {
  const { publicKey, privateKey } =
    keyType === 'rsa2048'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const algorithm =
    keyType === 'rsa2048'
      ? // sha256WithRSAEncryption, parameters NULL (RFC 4055 §5)
        new AlgorithmIdentifier({
          algorithm: '1.2.840.113549.1.1.11',
          parameters: arrayBuffer(Uint8Array.from([0x05, 0x00])),
        })
      : // ecdsa-with-SHA256, no parameters (RFC 5758 §3.2)
        new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' });
  const cn = new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: 'localhost' }) }),
    ]),
  ]);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: arrayBuffer(Uint8Array.from([1])),
    signature: algorithm,
    issuer: cn,
    validity: new Validity({
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    }),
    subject: cn,
    subjectPublicKeyInfo: AsnConvert.parse(
      publicKey.export({ type: 'spki', format: 'der' }),
      SubjectPublicKeyInfo,
    ),
  });
  const signature = sign('sha256', new Uint8Array(AsnConvert.serialize(tbs)), privateKey);
  const der = new Uint8Array(
    AsnConvert.serialize(
      new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: algorithm,
        signatureValue: arrayBuffer(signature),
      }),
    ),
  );
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    der,
  };
}
