/**
 * One direction of a protected TLS 1.0–1.2 connection: the keys, the sequence number (RFC 5246
 * §6.1) and, for TLS 1.0 CBC, the chained IV. The same class seals what a client writes and opens
 * what it reads, and does the same for a server, so test servers share the client's code.
 */
import { randomBytes } from 'node:crypto';
import { encodeRecord } from '../wire/index.js';
import { openAead, sealAead, type AeadKeys, type AeadTamper } from './aead.js';
import { openCbc, sealCbc, type BlockKeys, type CbcTamper, type OpenedCbc } from './cbc.js';
import type { CipherSpec } from './cipher-spec.js';
import type { ConnectionKeys, DirectionKeys } from './keys.js';

const TLS11 = 0x0302;

/** Overrides for sealing a malformed record; the fields that apply depend on the suite's protection. */
export type RecordTamper = CbcTamper & AeadTamper;

export type OpenedRecord =
  | { readonly ok: true; readonly content: Uint8Array; readonly cbc?: OpenedCbc }
  | {
      readonly ok: false;
      /** What a conforming receiver would answer: bad_record_mac (RFC 5246 §6.2.3.2, §6.2.3.3). */
      readonly alert: 'bad_record_mac';
      /** For block ciphers: what exactly was wrong (padding, MAC, length). */
      readonly cbc?: OpenedCbc;
    };

export class RecordProtection {
  readonly spec: CipherSpec;
  readonly version: number;
  readonly #keys: DirectionKeys;
  readonly #random: (n: number) => Uint8Array;
  #seq = 0n;
  #chainedIv: Uint8Array;

  constructor(
    spec: CipherSpec,
    version: number,
    keys: DirectionKeys,
    random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
  ) {
    this.spec = spec;
    this.version = version;
    this.#keys = keys;
    this.#random = random;
    this.#chainedIv = keys.iv;
  }

  /** The sequence number of the next record. */
  get sequence(): bigint {
    return this.#seq;
  }

  get #explicitIv(): boolean {
    return this.version >= TLS11;
  }

  #blockKeys(): BlockKeys {
    const p = this.spec.protection;
    if (p.kind !== 'block') throw new TypeError('not a block cipher suite');
    return { spec: p, macKey: this.#keys.macKey, encKey: this.#keys.encKey };
  }

  #aeadKeys(): AeadKeys {
    const p = this.spec.protection;
    if (p.kind !== 'aead') throw new TypeError('not an AEAD suite');
    return { spec: p, encKey: this.#keys.encKey, fixedIv: this.#keys.iv };
  }

  /** The protected fragment for `content`; advances the sequence number. */
  seal(type: number, content: Uint8Array, tamper: RecordTamper = {}): Uint8Array {
    const header = { seq: this.#seq, type, version: this.version };
    this.#seq++;
    if (this.spec.protection.kind === 'aead') return sealAead(this.#aeadKeys(), header, content, tamper);
    const keys = this.#blockKeys();
    const iv = this.#explicitIv ? this.#random(keys.spec.blockSize) : this.#chainedIv;
    const sealed = sealCbc(keys, header, content, iv, this.#explicitIv, tamper);
    this.#chainedIv = sealed.lastBlock;
    return sealed.fragment;
  }

  /** The whole record (header and protected fragment), ready for the socket. */
  sealRecord(type: number, content: Uint8Array, tamper: RecordTamper = {}): Uint8Array {
    return encodeRecord(type, this.version, this.seal(type, content, tamper), { maxFragment: 0xffff });
  }

  /** Open a received fragment; advances the sequence number whatever the outcome. */
  open(type: number, fragment: Uint8Array): OpenedRecord {
    const header = { seq: this.#seq, type, version: this.version };
    this.#seq++;
    if (this.spec.protection.kind === 'aead') {
      const content = openAead(this.#aeadKeys(), header, fragment);
      return content === null ? { ok: false, alert: 'bad_record_mac' } : { ok: true, content };
    }
    const opened = openCbc(this.#blockKeys(), header, fragment, this.#chainedIv, this.#explicitIv);
    this.#chainedIv = opened.lastBlock;
    return opened.content === null
      ? { ok: false, alert: 'bad_record_mac', cbc: opened }
      : { ok: true, content: opened.content, cbc: opened };
  }
}

/** The write and read protection of one side of a connection. */
export interface RecordLayerKeys {
  readonly write: RecordProtection;
  readonly read: RecordProtection;
}

/** Protection for `side`: it writes with its own keys and reads with the peer's. */
export function recordLayerFor(
  side: 'client' | 'server',
  spec: CipherSpec,
  version: number,
  keys: ConnectionKeys,
  random?: (n: number) => Uint8Array,
): RecordLayerKeys {
  const mine = side === 'client' ? keys.client : keys.server;
  const theirs = side === 'client' ? keys.server : keys.client;
  return {
    write: new RecordProtection(spec, version, mine, random),
    read: new RecordProtection(spec, version, theirs, random),
  };
}
