/**
 * The named group registry: every assigned value of the IANA "TLS Supported Groups" registry
 * (https://www.iana.org/assignments/tls-parameters, table tls-parameters-8), under the names IANA,
 * OpenSSL and SSL Labs share (secp256r1, x25519, ffdhe2048, X25519MLKEM768 …).
 *
 * `bits` is SSL Labs' `namedGroupBits`: the field size for the prime and binary curves and the modulus
 * size for the FFDHE groups. SSL Labs' API reports x25519 as 256 and x448 as 224 (seen in its
 * `namedGroups` and `suites` output), not the 255/448 of the field sizes, so those two follow it.
 * Hybrid groups take the bits of their classical half; the pure ML-KEM groups, which SSL Labs does not
 * know, take twice their NIST category's AES key bits, the same ratio as the curves (ML-KEM-512 ~
 * AES-128 ~ 256-bit curve).
 */
import type { NamedGroupInfo } from './types.js';

/** EC: elliptic curve; FFDHE: finite-field DH (RFC 7919); HYBRID: classical + ML-KEM; PQ: ML-KEM alone. */
export type NamedGroupKind = 'EC' | 'FFDHE' | 'HYBRID' | 'PQ';

type Row = readonly [id: number, name: string, bits: number, kind: NamedGroupKind];

// prettier-ignore
const ROWS: readonly Row[] = [
  // RFC 8422, which deprecates all but secp256r1, secp384r1, secp521r1, x25519 and x448
  [1, 'sect163k1', 163, 'EC'],
  [2, 'sect163r1', 163, 'EC'],
  [3, 'sect163r2', 163, 'EC'],
  [4, 'sect193r1', 193, 'EC'],
  [5, 'sect193r2', 193, 'EC'],
  [6, 'sect233k1', 233, 'EC'],
  [7, 'sect233r1', 233, 'EC'],
  [8, 'sect239k1', 239, 'EC'],
  [9, 'sect283k1', 283, 'EC'],
  [10, 'sect283r1', 283, 'EC'],
  [11, 'sect409k1', 409, 'EC'],
  [12, 'sect409r1', 409, 'EC'],
  [13, 'sect571k1', 571, 'EC'],
  [14, 'sect571r1', 571, 'EC'],
  [15, 'secp160k1', 160, 'EC'],
  [16, 'secp160r1', 160, 'EC'],
  [17, 'secp160r2', 160, 'EC'],
  [18, 'secp192k1', 192, 'EC'],
  [19, 'secp192r1', 192, 'EC'],
  [20, 'secp224k1', 224, 'EC'],
  [21, 'secp224r1', 224, 'EC'],
  [22, 'secp256k1', 256, 'EC'],
  [23, 'secp256r1', 256, 'EC'],
  [24, 'secp384r1', 384, 'EC'],
  [25, 'secp521r1', 521, 'EC'],
  [26, 'brainpoolP256r1', 256, 'EC'], // RFC 7027
  [27, 'brainpoolP384r1', 384, 'EC'],
  [28, 'brainpoolP512r1', 512, 'EC'],
  [29, 'x25519', 256, 'EC'], // SSL Labs' figure, see above
  [30, 'x448', 224, 'EC'], // SSL Labs' figure, see above
  [31, 'brainpoolP256r1tls13', 256, 'EC'], // RFC 8734
  [32, 'brainpoolP384r1tls13', 384, 'EC'],
  [33, 'brainpoolP512r1tls13', 512, 'EC'],
  [34, 'GC256A', 256, 'EC'], // RFC 9189 (GOST R 34.10-2012 curves)
  [35, 'GC256B', 256, 'EC'],
  [36, 'GC256C', 256, 'EC'],
  [37, 'GC256D', 256, 'EC'],
  [38, 'GC512A', 512, 'EC'],
  [39, 'GC512B', 512, 'EC'],
  [40, 'GC512C', 512, 'EC'],
  [41, 'curveSM2', 256, 'EC'], // RFC 8998
  [256, 'ffdhe2048', 2048, 'FFDHE'], // RFC 7919
  [257, 'ffdhe3072', 3072, 'FFDHE'],
  [258, 'ffdhe4096', 4096, 'FFDHE'],
  [259, 'ffdhe6144', 6144, 'FFDHE'],
  [260, 'ffdhe8192', 8192, 'FFDHE'],
  [0x0200, 'MLKEM512', 256, 'PQ'], // draft-connolly-tls-mlkem-key-agreement
  [0x0201, 'MLKEM768', 384, 'PQ'],
  [0x0202, 'MLKEM1024', 512, 'PQ'],
  [0x11eb, 'SecP256r1MLKEM768', 256, 'HYBRID'], // draft-ietf-tls-ecdhe-mlkem
  [0x11ec, 'X25519MLKEM768', 256, 'HYBRID'],
  [0x11ed, 'SecP384r1MLKEM1024', 384, 'HYBRID'],
  [0x11ee, 'curveSM2MLKEM768', 256, 'HYBRID'], // draft-yang-tls-hybrid-sm2-mlkem (OpenSSL 3.6)
  [0x6399, 'X25519Kyber768Draft00', 256, 'HYBRID'], // obsolete pre-standard Kyber, still offered by some clients
  [0x639a, 'SecP256r1Kyber768Draft00', 256, 'HYBRID'],
  // Deprecated by RFC 8422: the peer would send explicit curve parameters, so no size is known here.
  [0xff01, 'arbitrary_explicit_prime_curves', 0, 'EC'],
  [0xff02, 'arbitrary_explicit_char2_curves', 0, 'EC'],
];

const KIND = new Map<number, NamedGroupKind>(ROWS.map(([id, , , kind]) => [id, kind]));

/** Every registered named group, ordered by id. */
export const NAMED_GROUPS: readonly NamedGroupInfo[] = Object.freeze(
  ROWS.map(([id, name, bits]) => Object.freeze({ id, name, bits })),
);

const BY_ID: ReadonlyMap<number, NamedGroupInfo> = new Map(NAMED_GROUPS.map((g) => [g.id, g]));

/** The named group with this wire value, or undefined (GREASE, private use, unassigned). */
export function namedGroup(id: number): NamedGroupInfo | undefined {
  return BY_ID.get(id);
}

/** The group's kind, or undefined for an unknown value. */
export function namedGroupKind(id: number): NamedGroupKind | undefined {
  return KIND.get(id);
}

/** A classical elliptic-curve group (ECDHE); hybrids are not, see isHybridGroup. */
export function isEcGroup(id: number): boolean {
  return KIND.get(id) === 'EC';
}

/** A finite-field Diffie-Hellman group (RFC 7919). */
export function isFfdheGroup(id: number): boolean {
  return KIND.get(id) === 'FFDHE';
}

/** A classical ECDH share combined with ML-KEM (or its Kyber draft). */
export function isHybridGroup(id: number): boolean {
  return KIND.get(id) === 'HYBRID';
}

/** Resists a quantum adversary: the hybrids and pure ML-KEM. */
export function isPostQuantumGroup(id: number): boolean {
  const kind = KIND.get(id);
  return kind === 'HYBRID' || kind === 'PQ';
}
