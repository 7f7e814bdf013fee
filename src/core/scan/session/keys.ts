/**
 * The key block split into per-direction keys (RFC 5246 §6.3): client MAC key, server MAC key,
 * client key, server key, client IV, server IV. IVs come from the key block only where the
 * protocol uses an implicit one: CBC in TLS 1.0 (RFC 2246 §6.3; TLS 1.1 moved to explicit IVs,
 * RFC 4346 §6.2.3.2) and the AEAD salt or nonce (RFC 5288 §3, RFC 7905 §2).
 */
import type { CipherSpec } from './cipher-spec.js';
import { keyBlock } from './prf.js';

const TLS11 = 0x0302;

export interface DirectionKeys {
  /** Empty for AEAD suites. */
  readonly macKey: Uint8Array;
  readonly encKey: Uint8Array;
  /** TLS 1.0 CBC: the first IV; AEAD: the fixed nonce part; empty otherwise. */
  readonly iv: Uint8Array;
}

export interface ConnectionKeys {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

/** Bytes of implicit IV per direction for this suite and version. */
export function implicitIvLength(spec: CipherSpec, version: number): number {
  const p = spec.protection;
  if (p.kind === 'aead') return p.fixedIvLength;
  return version < TLS11 ? p.blockSize : 0;
}

/** Length of the key block this suite consumes. */
export function keyBlockLength(spec: CipherSpec, version: number): number {
  const p = spec.protection;
  const mac = p.kind === 'block' ? p.macLength : 0;
  return 2 * (mac + p.keyLength + implicitIvLength(spec, version));
}

/** Split a key block into the client's and the server's keys. */
export function splitKeyBlock(spec: CipherSpec, version: number, block: Uint8Array): ConnectionKeys {
  const p = spec.protection;
  const mac = p.kind === 'block' ? p.macLength : 0;
  const iv = implicitIvLength(spec, version);
  if (block.length < keyBlockLength(spec, version)) throw new RangeError('key block too short');
  let at = 0;
  const take = (n: number): Uint8Array => block.slice(at, (at += n));
  const clientMac = take(mac);
  const serverMac = take(mac);
  const clientKey = take(p.keyLength);
  const serverKey = take(p.keyLength);
  const clientIv = take(iv);
  const serverIv = take(iv);
  return {
    client: { macKey: clientMac, encKey: clientKey, iv: clientIv },
    server: { macKey: serverMac, encKey: serverKey, iv: serverIv },
  };
}

/** Both directions' keys from the master secret and the two hello randoms. */
export function deriveConnectionKeys(
  spec: CipherSpec,
  version: number,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): ConnectionKeys {
  const length = keyBlockLength(spec, version);
  return splitKeyBlock(
    spec,
    version,
    keyBlock(version, spec.prfHash, master, clientRandom, serverRandom, length),
  );
}
