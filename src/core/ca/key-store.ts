/**
 * CA private keys at rest: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 /
 * AES-256-CBC (RFC 8018 §6.2), as written by OpenSSL through KeyObject.export.
 * An unencrypted private key is never written by this module.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CertgridError } from '../errors.js';

/**
 * Encrypts a private key as an "ENCRYPTED PRIVATE KEY" PEM.
 * @throws TypeError when `key` is not a private key or the passphrase is empty.
 */
export function encryptPrivateKeyPem(key: KeyObject, passphrase: string): string {
  if (key.type !== 'private') throw new TypeError('encryptPrivateKeyPem: not a private key');
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new TypeError('encryptPrivateKeyPem: an empty passphrase would leave the key unprotected');
  }
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
}

/** True for PEM text that carries an encrypted private key (PKCS#8 or legacy RFC 1421 headers). */
export function isEncryptedKeyPem(pem: string): boolean {
  return (
    /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) ||
    (/-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(pem) && /Proc-Type:\s*4,ENCRYPTED/.test(pem))
  );
}

/** True for text containing a private key in the clear (any PEM label ending in PRIVATE KEY). */
function containsPlainPrivateKey(content: string | Uint8Array): boolean {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g)) {
    const label = m[1] as string;
    if (label === 'ENCRYPTED PRIVATE KEY') continue;
    if (/Proc-Type:\s*4,ENCRYPTED/.test(m[2] as string)) continue;
    return true;
  }
  return false;
}

/**
 * Decrypts an encrypted private key PEM.
 * @throws CertgridError('CA_KEY_UNAVAILABLE') for a wrong passphrase, a corrupt file or an
 *   unencrypted key. The message never contains the passphrase.
 */
export function decryptPrivateKeyPem(pem: string, passphrase: string): KeyObject {
  if (!isEncryptedKeyPem(pem)) {
    throw new CertgridError('CA_KEY_UNAVAILABLE', 'The CA key file is not an encrypted private key.');
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch {
    // OpenSSL's message ("bad decrypt") is discarded on purpose: fixed text, no secrets.
    throw new CertgridError(
      'CA_KEY_UNAVAILABLE',
      'The CA private key could not be decrypted: wrong passphrase or corrupt key file.',
    );
  }
}

/**
 * Writes a secret file atomically: a 0600 temporary file in the same directory (created 0700
 * when missing), fsync, then rename over `path`. Refuses content holding a private key in
 * the clear.
 * @throws TypeError when `content` contains an unencrypted private key.
 */
export async function writeSecretFile(path: string, content: string | Uint8Array): Promise<void> {
  if (containsPlainPrivateKey(content)) {
    throw new TypeError('writeSecretFile: refusing to write an unencrypted private key');
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse an existing file; mode applies at creation (umask may only narrow it).
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
