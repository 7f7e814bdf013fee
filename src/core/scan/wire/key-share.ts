/**
 * Real ephemeral public keys for the key_share extension: a TLS 1.3 server computes the shared
 * secret from our share before it answers, and rejects points that are not on the curve
 * (RFC 8446 §4.2.8.2), so the share must be a genuine key, not filler.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { NAMED_GROUP } from './constants.js';
import type { KeyShareEntry } from './extensions.js';

export interface GeneratedKeyShare extends KeyShareEntry {
  /** Kept for a caller that wants to finish the key exchange; the scanner never needs it. */
  readonly privateKey: KeyObject;
}

const EC_CURVES: Readonly<Record<number, { curve: string; size: number }>> = {
  [NAMED_GROUP.secp256r1]: { curve: 'P-256', size: 32 },
  [NAMED_GROUP.secp384r1]: { curve: 'P-384', size: 48 },
  [NAMED_GROUP.secp521r1]: { curve: 'P-521', size: 66 },
};

const fromBase64Url = (s: string, size: number): Uint8Array => {
  const raw = new Uint8Array(Buffer.from(s, 'base64url'));
  if (raw.length >= size) return raw;
  const padded = new Uint8Array(size);
  padded.set(raw, size - raw.length);
  return padded;
};

/** Groups `generateKeyShare` supports. */
export const KEY_SHARE_GROUPS: readonly number[] = [
  NAMED_GROUP.x25519,
  NAMED_GROUP.x448,
  NAMED_GROUP.secp256r1,
  NAMED_GROUP.secp384r1,
  NAMED_GROUP.secp521r1,
];

/**
 * A fresh key pair for `group` with its public key in the key_share encoding: the raw 32/56 bytes
 * for X25519/X448 (RFC 8446 §4.2.8.2, RFC 7748), the uncompressed point 04‖X‖Y for the NIST curves
 * (RFC 8446 §4.2.8.2, SEC 1 §2.3.3). Throws `RangeError` for other groups.
 */
export function generateKeyShare(group: number): GeneratedKeyShare {
  if (group === NAMED_GROUP.x25519 || group === NAMED_GROUP.x448) {
    const x25519 = group === NAMED_GROUP.x25519;
    const { publicKey, privateKey } = x25519 ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
    const jwk = publicKey.export({ format: 'jwk' });
    return { group, keyExchange: fromBase64Url(jwk.x as string, x25519 ? 32 : 56), privateKey };
  }
  const ec = EC_CURVES[group];
  if (!ec) throw new RangeError(`no key share generator for group 0x${group.toString(16)}`);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: ec.curve });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = new Uint8Array(1 + 2 * ec.size);
  point[0] = 0x04;
  point.set(fromBase64Url(jwk.x as string, ec.size), 1);
  point.set(fromBase64Url(jwk.y as string, ec.size), 1 + ec.size);
  return { group, keyExchange: point, privateKey };
}
