/**
 * A small private PKI made with the openssl CLI for the trusted-roots tests: a self-signed root, a leaf
 * for localhost / 127.0.0.1 it signed directly, an intermediate it signed (a CA, not self-signed), and a
 * second unrelated root. P-256 keys, so it takes a fraction of a second.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL_CONFIG = `
[ req ]
distinguished_name = dn
prompt = no

[ dn ]
CN = unused

[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_intermediate ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export interface PrivatePki {
  /** A self-signed P-256 root CA no browser knows. */
  readonly rootPem: string;
  /** A CA the root signed: a CA, but not self-signed. */
  readonly intermediatePem: string;
  /** The server certificate for localhost / 127.0.0.1, signed by the root directly. */
  readonly leafPem: string;
  readonly leafKeyPem: string;
  /** Another self-signed root, unrelated to the server. */
  readonly otherRootPem: string;
}

/** A private PKI made with the openssl CLI: root → leaf for localhost, plus an intermediate and a second root. */
export function makePrivatePki(): PrivatePki {
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-trusted-roots-'));
  try {
    writeFileSync(join(dir, 'pki.cnf'), OPENSSL_CONFIG);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    const root = (name: string, cn: string) =>
      openssl(
        'req',
        '-x509',
        '-config',
        'pki.cnf',
        '-extensions',
        'v3_root',
        ...ec,
        '-keyout',
        `${name}.key`,
        '-subj',
        `/CN=${cn}/O=Example Private PKI`,
        '-days',
        '30',
        '-out',
        `${name}.pem`,
      );
    const signed = (name: string, cn: string, extensions: string, serial: string) => {
      openssl(
        'req',
        '-new',
        '-config',
        'pki.cnf',
        ...ec,
        '-keyout',
        `${name}.key`,
        '-subj',
        `/CN=${cn}`,
        '-out',
        `${name}.csr`,
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'root.pem',
        '-CAkey',
        'root.key',
        '-set_serial',
        serial,
        '-days',
        '7',
        '-sha256',
        '-extfile',
        'pki.cnf',
        '-extensions',
        extensions,
        '-out',
        `${name}.pem`,
      );
    };
    root('root', 'certgrid trust test root');
    root('other', 'certgrid other root');
    signed('leaf', 'localhost', 'v3_leaf', '0x1001');
    signed('intermediate', 'certgrid trust test intermediate', 'v3_intermediate', '0x1002');
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return {
      rootPem: read('root.pem'),
      intermediatePem: read('intermediate.pem'),
      leafPem: read('leaf.pem'),
      leafKeyPem: read('leaf.key'),
      otherRootPem: read('other.pem'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
