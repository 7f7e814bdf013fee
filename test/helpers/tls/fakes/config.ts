/**
 * What a fake TLS server does, and the same with every default filled in (`resolveConfig`). See
 * `server.ts` for how a connection is answered.
 */
import { X509Certificate } from 'node:crypto';
import { SSL2, SSL3, TLS10, TLS11, TLS12 } from '../../../../src/core/scan/types.js';
import { NAMED_GROUP } from '../../../../src/core/scan/wire/index.js';
import { tlsFixtures, type TlsFixtures } from '../../tls-fixtures.js';
import { dhPrimeBytes, type DhPrimeName } from './dh-primes.js';
import { supportsGroup } from './key-exchange.js';

export { SSL2, SSL3, TLS10, TLS11, TLS12 };

/** Versions a fake answers with TLS framing. TLS 1.3 is out of scope: a TLS 1.3 hello gets TLS 1.2. */
export type FakeTlsVersion = typeof SSL3 | typeof TLS10 | typeof TLS11 | typeof TLS12;
/** SSL Labs protocol ids: 0x0200 SSLv2, 0x0300 SSLv3, 0x0301–0x0303 TLS 1.0–1.2. */
export type FakeProtocol = typeof SSL2 | FakeTlsVersion;

/** Accepted suites: one list for every TLS version, or a list per version (missing version: none). */
export type FakeSuites = readonly number[] | Readonly<Partial<Record<FakeTlsVersion, readonly number[]>>>;

/** One of the test PKI's leaves (`tlsFixtures().leaves`). */
export type FixtureLeaf = keyof TlsFixtures['leaves'];

export interface FakeServerConfig {
  /** Versions spoken. SSLv2 is also on when `ssl2` is given. */
  readonly protocols: readonly FakeProtocol[];
  /** Accepted cipher suite ids per TLS version, in the server's preference order. Default: none. */
  readonly suites?: FakeSuites;
  /** Pick by the server's order (default true) or take the client's first accepted suite (false). */
  readonly serverPreference?: boolean;
  /**
   * Named groups accepted for ECDHE, in the server's preference order. Default x25519, secp256r1,
   * secp384r1. Supported: x25519, x448 and the NIST, brainpool and secp256k1/secp224r1/secp192r1 curves.
   */
  readonly groups?: readonly number[];
  /** Pick the group by the server's order; default: same as `serverPreference`. */
  readonly groupPreference?: boolean;
  /** Prime of the DHE ServerKeyExchange (g = 2). Default ffdhe2048. */
  readonly dhPrime?: DhPrimeName | Uint8Array;
  /** DER certificates sent in Certificate, leaf first. Default: the `leaf` fixture's chain. */
  readonly chain?: readonly Uint8Array[];
  /** Fixture leaf whose chain (leaf + intermediate) is sent when `chain` is omitted. Default 'rsa'. */
  readonly leaf?: FixtureLeaf;
  /** Answer renegotiation_info (RFC 5746) when the client signals it. Default true. */
  readonly secureRenegotiation?: boolean;
  /** Choose DEFLATE (method 1) when the client offers it (CRIME). Default false. */
  readonly compression?: boolean;
  /** Negotiate the heartbeat extension (mode 1) and answer well-formed heartbeat requests. Default false. */
  readonly heartbeat?: boolean;
  /**
   * Answer a heartbeat request that claims more payload than it carries with that many bytes
   * (CVE-2014-0160). Implies `heartbeat`.
   */
  readonly heartbleed?: boolean;
  /** Refuse a TLS_FALLBACK_SCSV hello below the highest version: inappropriate_fallback (RFC 7507). Default false. */
  readonly fallbackScsv?: boolean;
  /** Accept a ChangeCipherSpec before any ClientKeyExchange (CVE-2014-0224). Default false. */
  readonly ccsInjection?: boolean;
  /** Answer an offered session_ticket extension with an empty one (RFC 5077). Default: `ticketbleed`. */
  readonly sessionTickets?: boolean;
  /** Pad a short client session id to 32 bytes of "memory" when it comes with a ticket (CVE-2016-9244). */
  readonly ticketbleed?: boolean;
  /** client_version values that make the server close the connection without a word. */
  readonly intolerance?: { readonly versions: readonly number[] };
  /**
   * SSLv2 cipher kinds (3-byte values) accepted; `[]` is an SSLv2 server with every kind disabled.
   * Default: all seven when `protocols` has SSL2.
   */
  readonly ssl2?: { readonly kinds: readonly number[] };
  /** Connections idle this long are dropped. Default 30 s. */
  readonly idleTimeoutMs?: number;
}

/** The seven SSLv2 cipher kinds (draft-hickman-netscape-ssl-00). */
export const SSL2_KINDS = {
  RC4_128_WITH_MD5: 0x010080,
  RC4_128_EXPORT40_WITH_MD5: 0x020080,
  RC2_128_CBC_WITH_MD5: 0x030080,
  RC2_128_CBC_EXPORT40_WITH_MD5: 0x040080,
  IDEA_128_CBC_WITH_MD5: 0x050080,
  DES_64_CBC_WITH_MD5: 0x060040,
  DES_192_EDE3_CBC_WITH_MD5: 0x0700c0,
} as const;

export const DEFAULT_GROUPS: readonly number[] = [
  NAMED_GROUP.x25519,
  NAMED_GROUP.secp256r1,
  NAMED_GROUP.secp384r1,
];

/** The leaf's key, which sets the shape of the (random) ServerKeyExchange signature. */
export interface LeafKeyInfo {
  readonly type: 'rsa' | 'ec' | 'ed25519' | 'ed448';
  /** Signature length in bytes: the modulus size for RSA, a DER ECDSA signature's usual size for EC. */
  readonly signatureLength: number;
}

/** A config with every default applied and the certificate chain loaded. */
export interface ResolvedConfig {
  /** TLS versions spoken, ascending. */
  readonly tlsVersions: readonly FakeTlsVersion[];
  /** SSLv2 cipher kinds, or null when SSLv2 is off. */
  readonly ssl2Kinds: readonly number[] | null;
  suitesFor(version: number): readonly number[];
  readonly serverPreference: boolean;
  readonly groups: readonly number[];
  readonly groupPreference: boolean;
  readonly dhPrime: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly leafKey: LeafKeyInfo;
  readonly secureRenegotiation: boolean;
  readonly compression: boolean;
  /** Heartbeat records are read (heartbeat or heartbleed). */
  readonly heartbeat: boolean;
  readonly heartbleed: boolean;
  readonly fallbackScsv: boolean;
  readonly ccsInjection: boolean;
  readonly sessionTickets: boolean;
  readonly ticketbleed: boolean;
  readonly intolerantVersions: ReadonlySet<number>;
  readonly idleTimeoutMs: number;
}

const TLS_VERSIONS: readonly FakeTlsVersion[] = [SSL3, TLS10, TLS11, TLS12];
const ALL_SSL2_KINDS: readonly number[] = Object.values(SSL2_KINDS);

const isSuiteList = (s: FakeSuites): s is readonly number[] => Array.isArray(s);

const chainCache = new Map<FixtureLeaf, readonly Uint8Array[]>();

/** The fixture leaf's chain as DER, leaf first (the test PKI is generated on first use). */
export function fixtureChain(leaf: FixtureLeaf = 'rsa'): readonly Uint8Array[] {
  let chain = chainCache.get(leaf);
  if (!chain) {
    chain = tlsFixtures().leaves[leaf].chainPems.map((pem) => new Uint8Array(new X509Certificate(pem).raw));
    chainCache.set(leaf, chain);
  }
  return chain;
}

// Typical DER ECDSA signature sizes (two INTEGERs in a SEQUENCE), by curve.
const ECDSA_SIGNATURE_LENGTH: Readonly<Record<string, number>> = {
  prime256v1: 71,
  secp384r1: 103,
  secp521r1: 139,
};

function leafKeyOf(der: Uint8Array | undefined): LeafKeyInfo {
  const rsa2048: LeafKeyInfo = { type: 'rsa', signatureLength: 256 };
  if (der === undefined) return rsa2048;
  try {
    const key = new X509Certificate(der).publicKey;
    const details = key.asymmetricKeyDetails ?? {};
    switch (key.asymmetricKeyType) {
      case 'rsa':
      case 'rsa-pss':
        return { type: 'rsa', signatureLength: Math.ceil((details.modulusLength ?? 2048) / 8) };
      case 'ec':
        return { type: 'ec', signatureLength: ECDSA_SIGNATURE_LENGTH[details.namedCurve ?? ''] ?? 71 };
      case 'ed25519':
        return { type: 'ed25519', signatureLength: 64 };
      case 'ed448':
        return { type: 'ed448', signatureLength: 114 };
      default:
        return rsa2048;
    }
  } catch {
    // Not a certificate (a test may send arbitrary bytes): sign as if with RSA 2048.
    return rsa2048;
  }
}

/** Apply defaults, load the chain and check what can be checked up front. Throws `TypeError` on a bad config. */
export function resolveConfig(config: FakeServerConfig): ResolvedConfig {
  const tlsVersions = TLS_VERSIONS.filter((v) => config.protocols.includes(v));
  const ssl2Kinds =
    config.ssl2 !== undefined ? config.ssl2.kinds : config.protocols.includes(SSL2) ? ALL_SSL2_KINDS : null;
  if (tlsVersions.length === 0 && ssl2Kinds === null) throw new TypeError('fake server speaks no protocol');
  for (const p of config.protocols) {
    if (p !== SSL2 && !TLS_VERSIONS.includes(p))
      throw new TypeError(`unsupported protocol 0x${p.toString(16)}`);
  }
  const groups = config.groups ?? DEFAULT_GROUPS;
  for (const g of groups) {
    if (!supportsGroup(g)) throw new TypeError(`no ECDHE key generator for group 0x${g.toString(16)}`);
  }
  const suites = config.suites ?? [];
  const suitesFor = (version: number): readonly number[] =>
    isSuiteList(suites) ? suites : (suites[version as FakeTlsVersion] ?? []);
  const chain = config.chain ?? fixtureChain(config.leaf);
  const serverPreference = config.serverPreference ?? true;
  return {
    tlsVersions,
    ssl2Kinds,
    suitesFor,
    serverPreference,
    groups,
    groupPreference: config.groupPreference ?? serverPreference,
    dhPrime: dhPrimeBytes(config.dhPrime ?? 'ffdhe2048'),
    chain,
    leafKey: leafKeyOf(chain[0]),
    secureRenegotiation: config.secureRenegotiation ?? true,
    compression: config.compression ?? false,
    heartbeat: (config.heartbeat ?? false) || (config.heartbleed ?? false),
    heartbleed: config.heartbleed ?? false,
    fallbackScsv: config.fallbackScsv ?? false,
    ccsInjection: config.ccsInjection ?? false,
    sessionTickets: config.sessionTickets ?? config.ticketbleed ?? false,
    ticketbleed: config.ticketbleed ?? false,
    intolerantVersions: new Set(config.intolerance?.versions ?? []),
    idleTimeoutMs: config.idleTimeoutMs ?? 30_000,
  };
}
