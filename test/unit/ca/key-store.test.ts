import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  mkdirSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decryptPrivateKeyPem,
  encryptPrivateKeyPem,
  isEncryptedKeyPem,
  writeSecretFile,
} from '../../../src/core/ca/key-store.js';
import { CertgridError } from '../../../src/core/errors.js';
import { openssl, scratch } from './ca-fixtures.js';

const PASS = 'correct horse battery staple';
const dirs: ReturnType<typeof scratch>[] = [];
const tmp = (): ReturnType<typeof scratch> => {
  const s = scratch();
  dirs.push(s);
  return s;
};
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('encrypted CA keys', () => {
  it('writes PKCS#8 EncryptedPrivateKeyInfo with PBES2 and AES-256-CBC, readable by openssl', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = encryptPrivateKeyPem(privateKey, PASS);
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(isEncryptedKeyPem(pem)).toBe(true);
    const parsed = openssl(['asn1parse'], pem);
    expect(parsed.stdout).toContain('PBES2');
    expect(parsed.stdout).toContain('aes-256-cbc');
    const s = tmp();
    const decrypted = openssl(['pkey', '-in', s.file('k.pem', pem), '-passin', `pass:${PASS}`, '-pubout']);
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toBe(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  });

  it('round-trips every CA key type', () => {
    for (const kp of [
      generateKeyPairSync('ec', { namedCurve: 'P-384' }),
      generateKeyPairSync('ed25519'),
      generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ]) {
      const key = decryptPrivateKeyPem(encryptPrivateKeyPem(kp.privateKey, PASS), PASS);
      const data = Buffer.from('certgrid');
      const digest = kp.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
      expect(verify(digest, data, kp.publicKey, sign(digest, data, key))).toBe(true);
    }
  });

  it('fails with CA_KEY_UNAVAILABLE on a wrong passphrase, never echoing it', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = encryptPrivateKeyPem(privateKey, PASS);
    let err: unknown;
    try {
      decryptPrivateKeyPem(pem, 'hunter2-wrong-passphrase');
    } catch (e) {
      err = e;
    }
    expect(CertgridError.is(err, 'CA_KEY_UNAVAILABLE')).toBe(true);
    expect(String((err as Error).message)).not.toContain('hunter2');
    expect(JSON.stringify(err)).not.toContain('hunter2');
    expect(String((err as Error).stack)).not.toContain('hunter2');
  });

  it('refuses unencrypted keys on read and empty passphrases on write', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const plain = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => decryptPrivateKeyPem(plain, PASS)).toThrow(/not an encrypted/);
    expect(() => encryptPrivateKeyPem(privateKey, '')).toThrow(TypeError);
    expect(() => encryptPrivateKeyPem(createPublicKey(privateKey), PASS)).toThrow(TypeError);
  });
});

describe('writeSecretFile', () => {
  it('creates the file 0600 and missing parent directories 0700', async () => {
    const s = tmp();
    const path = join(s.dir, 'nested', 'ca', 'issuing.key');
    await writeSecretFile(path, 'secret');
    expect(readFileSync(path, 'utf8')).toBe('secret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.dir, 'nested', 'ca')).mode & 0o777).toBe(0o700);
    expect(statSync(join(s.dir, 'nested')).mode & 0o777).toBe(0o700);
  });

  it('replaces an existing world-readable file with a 0600 one and leaves no temporaries', async () => {
    const s = tmp();
    mkdirSync(join(s.dir, 'd'));
    const path = join(s.dir, 'd', 'pass');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    await writeSecretFile(path, Buffer.from('new'));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(s.dir, 'd'))).toEqual(['pass']);
  });

  it('refuses to write a private key in the clear', async () => {
    const s = tmp();
    const path = join(s.dir, 'k.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const plain = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    await expect(writeSecretFile(path, plain)).rejects.toThrow(TypeError);
    await expect(writeSecretFile(path, `note\n${sec1}`)).rejects.toThrow(TypeError);
    expect(existsSync(path)).toBe(false);
    await writeSecretFile(path, encryptPrivateKeyPem(privateKey, PASS));
    expect(existsSync(path)).toBe(true);
  });
});
