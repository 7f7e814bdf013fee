import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GRADE_RULE_IDS,
  gradeEndpoint,
  letterForScore,
  type GradeInput,
  type GradeResult,
  type ReferenceHandshake,
  type TrustFacts,
  type VulnerabilityFacts,
} from '../../../src/core/assess/grade.js';
import { ecRsaEquivalent } from '../../../src/core/assess/grade/score.js';
import {
  SSL2,
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  TLS13,
  type CipherSuiteInfo,
  type ProtocolVersion,
} from '../../../src/core/scan/types.js';

// -------------------------------------------------------------------------------------------------
// Cipher suite fixtures, written out by hand from the IANA registry (values and properties).
// -------------------------------------------------------------------------------------------------

function suite(
  id: number,
  iana: string,
  name: string,
  props: Partial<Omit<CipherSuiteInfo, 'id' | 'iana' | 'name'>>,
): CipherSuiteInfo {
  return {
    id,
    iana,
    name,
    kx: 'RSA',
    auth: 'RSA',
    cipher: 'AES',
    strength: 128,
    blockBits: 128,
    mode: 'CBC',
    mac: 'SHA',
    export: false,
    forwardSecrecy: false,
    minProtocol: SSL3,
    maxProtocol: TLS12,
    ...props,
  };
}

const AEAD = { mode: 'AEAD', mac: 'AEAD', minProtocol: TLS12 } as const;
const ECDHE = { kx: 'ECDH', forwardSecrecy: true } as const;
const TLS13_SUITE = {
  kx: 'ECDH',
  auth: 'any',
  forwardSecrecy: true,
  mode: 'AEAD',
  mac: 'AEAD',
  minProtocol: TLS13,
  maxProtocol: TLS13,
} as const;

const S = {
  TLS_AES_128_GCM: suite(0x1301, 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256', TLS13_SUITE),
  TLS_AES_256_GCM: suite(0x1302, 'TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384', {
    ...TLS13_SUITE,
    strength: 256,
  }),
  TLS_CHACHA20: suite(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', {
    ...TLS13_SUITE,
    cipher: 'CHACHA20',
    strength: 256,
    blockBits: 0,
  }),
  ECDHE_AES128_GCM: suite(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', {
    ...ECDHE,
    ...AEAD,
  }),
  ECDHE_AES256_GCM: suite(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', {
    ...ECDHE,
    ...AEAD,
    strength: 256,
  }),
  ECDHE_AES128_CBC: suite(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA', {
    ...ECDHE,
    minProtocol: TLS10,
  }),
  ECDHE_3DES: suite(0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-RSA-DES-CBC3-SHA', {
    ...ECDHE,
    cipher: '3DES',
    strength: 112,
    blockBits: 64,
    minProtocol: TLS10,
  }),
  DHE_AES128_GCM: suite(0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256', {
    kx: 'DH',
    forwardSecrecy: true,
    ...AEAD,
  }),
  RSA_AES128_GCM: suite(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256', AEAD),
  RSA_AES128_CBC: suite(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', {}),
  RSA_3DES: suite(0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA', {
    cipher: '3DES',
    strength: 112,
    blockBits: 64,
  }),
  RSA_RC4_128: suite(0x0005, 'TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA', {
    cipher: 'RC4',
    strength: 128,
    blockBits: 0,
    mode: 'stream',
  }),
  RSA_DES: suite(0x0009, 'TLS_RSA_WITH_DES_CBC_SHA', 'DES-CBC-SHA', {
    cipher: 'DES',
    strength: 56,
    blockBits: 64,
  }),
  EXP_RC4_40: suite(0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXP-RC4-MD5', {
    cipher: 'RC4',
    strength: 40,
    blockBits: 0,
    mode: 'stream',
    mac: 'MD5',
    export: true,
  }),
  ADH_AES128: suite(0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ADH-AES128-SHA', { kx: 'DH', auth: 'anon' }),
  RSA_NULL: suite(0x0002, 'TLS_RSA_WITH_NULL_SHA', 'NULL-SHA', {
    cipher: 'NULL',
    strength: 0,
    blockBits: 0,
    mode: 'none',
  }),
} satisfies Record<string, CipherSuiteInfo>;

// -------------------------------------------------------------------------------------------------
// Input builders
// -------------------------------------------------------------------------------------------------

const CLEAN_VULNS: VulnerabilityFacts = {
  insecureClientRenegotiation: false,
  secureRenegotiation: true,
  poodleSsl3: false,
  poodleTls: false,
  heartbleed: false,
  ccsInjection: 'not-vulnerable',
  robot: 'not-vulnerable',
  ticketbleed: false,
  luckyMinus20: false,
  zombiePoodle: 'not-vulnerable',
  goldenDoodle: 'not-vulnerable',
  zeroLengthPaddingOracle: 'not-vulnerable',
  sleepingPoodle: 'not-vulnerable',
  drown: false,
  freak: false,
  logjam: false,
  beast: false,
  compression: false,
  fallbackScsv: true,
};

const TRUSTED: TrustFacts = {
  trusted: true,
  selfSigned: false,
  expired: false,
  notYetValid: false,
  revoked: false,
  weakSignatureHash: null,
  hostnameMismatch: false,
  chainIncomplete: false,
};

function handshake(
  client: string,
  protocol: ProtocolVersion,
  negotiated: CipherSuiteInfo | null,
  offers: { fs?: boolean; aead?: boolean } = {},
): ReferenceHandshake {
  return {
    client,
    clientOffersForwardSecrecy: offers.fs ?? true,
    clientOffersAead: offers.aead ?? true,
    negotiated: negotiated === null ? null : { protocol, suite: negotiated },
  };
}

/**
 * A typical modern server: TLS 1.2 and 1.3, ECDHE + AEAD only, RSA 2048, x25519, HSTS for a year,
 * every reference client on TLS 1.3.
 */
function modern(): GradeInput {
  return {
    protocols: [TLS12, TLS13],
    suites: [
      { protocol: TLS12, suites: [S.ECDHE_AES128_GCM, S.ECDHE_AES256_GCM] },
      { protocol: TLS13, suites: [S.TLS_AES_128_GCM, S.TLS_AES_256_GCM, S.TLS_CHACHA20] },
    ],
    certificateKey: { type: 'RSA', bits: 2048, knownWeak: false },
    keyExchange: { weakestDhBits: null, weakestEcdhBits: 255 },
    referenceHandshakes: [
      handshake('Chrome 120 / Win 10', TLS13, S.TLS_AES_128_GCM),
      handshake('Firefox 121 / Win 11', TLS13, S.TLS_AES_128_GCM),
      handshake('Safari 17 / iOS 17', TLS13, S.TLS_AES_128_GCM),
    ],
    vulnerabilities: CLEAN_VULNS,
    trust: TRUSTED,
    hsts: { status: 'present', maxAge: 31_536_000 },
  };
}

type Patch = Partial<Omit<GradeInput, 'vulnerabilities' | 'trust'>> & {
  vulnerabilities?: Partial<VulnerabilityFacts>;
  trust?: Partial<TrustFacts>;
};

/** The modern server with some facts changed. */
function grade(patch: Patch = {}, base: GradeInput = modern()): GradeResult {
  const { vulnerabilities, trust, ...rest } = patch;
  return gradeEndpoint({
    ...base,
    ...rest,
    vulnerabilities: { ...base.vulnerabilities, ...vulnerabilities },
    trust: { ...base.trust, ...trust },
  });
}

const capIds = (r: GradeResult): string[] => r.caps.map((c) => c.id);
const warningIds = (r: GradeResult): string[] => r.warnings.map((w) => w.id);

/** TLS 1.2 plus TLS 1.3 with extra TLS 1.2 suites accepted (nothing else changes). */
function withTls12Suites(...extra: CipherSuiteInfo[]): Patch {
  return {
    suites: [
      { protocol: TLS12, suites: [S.ECDHE_AES128_GCM, S.ECDHE_AES256_GCM, ...extra] },
      { protocol: TLS13, suites: [S.TLS_AES_128_GCM, S.TLS_AES_256_GCM, S.TLS_CHACHA20] },
    ],
  };
}

// -------------------------------------------------------------------------------------------------
// Scores
// -------------------------------------------------------------------------------------------------

describe('score (guide, section Scoring)', () => {
  it('a typical modern server scores 100 / 90 / 90 = 93 and gets A+ (score-protocol, -key-exchange, -cipher-strength)', () => {
    const r = grade();
    expect(r.score).toEqual({ protocol: 100, keyExchange: 90, cipherStrength: 90, total: 93 });
    expect(r.grade).toBe('A+');
    expect(r.gradeTrustIgnored).toBe('A+');
    expect(r.isExceptional).toBe(true);
    expect(r.hasWarnings).toBe(false);
    expect(r.caps).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('score-protocol: (best + worst) / 2 with SSL 2 20, SSL 3 80, TLS 1.0 90, TLS 1.1 95, TLS 1.2 100, TLS 1.3 100', () => {
    const p = (protocols: ProtocolVersion[]) => grade({ protocols }).score.protocol;
    expect(p([TLS12])).toBe(100);
    expect(p([TLS13])).toBe(100);
    expect(p([TLS11, TLS12])).toBe(97.5);
    expect(p([TLS10, TLS12, TLS13])).toBe(95);
    expect(p([SSL3, TLS12])).toBe(90);
    expect(p([SSL2, TLS12])).toBe(60);
    expect(p([SSL2, SSL3])).toBe(50);
  });

  it('score-key-exchange: the weakest of certificate key and DH / ECDH groups, by the guide table', () => {
    const kx = (patch: Patch) => grade(patch).score.keyExchange;
    const rsa = (bits: number) => ({ type: 'RSA', bits, knownWeak: false }) as const;
    const noEphemeral = { weakestDhBits: null, weakestEcdhBits: null };
    expect(kx({ certificateKey: rsa(384), keyExchange: noEphemeral })).toBe(20);
    expect(kx({ certificateKey: rsa(512), keyExchange: noEphemeral })).toBe(40);
    expect(kx({ certificateKey: rsa(1024), keyExchange: noEphemeral })).toBe(80);
    expect(kx({ certificateKey: rsa(2048), keyExchange: noEphemeral })).toBe(90);
    expect(kx({ certificateKey: rsa(3072), keyExchange: noEphemeral })).toBe(90);
    expect(kx({ certificateKey: rsa(4096), keyExchange: noEphemeral })).toBe(100);
    // The ephemeral exchange caps a stronger key (guide, note under the key exchange table).
    expect(
      kx({ certificateKey: rsa(4096), keyExchange: { weakestDhBits: 1024, weakestEcdhBits: null } }),
    ).toBe(80);
    expect(
      kx({ certificateKey: rsa(4096), keyExchange: { weakestDhBits: null, weakestEcdhBits: 256 } }),
    ).toBe(90);
    expect(
      kx({ certificateKey: rsa(4096), keyExchange: { weakestDhBits: null, weakestEcdhBits: 384 } }),
    ).toBe(100);
    // EC and EdDSA keys count in RSA-equivalent bits.
    expect(kx({ certificateKey: { type: 'EC', bits: 256, knownWeak: false } })).toBe(90);
    expect(
      kx({ certificateKey: { type: 'EC', bits: 384, knownWeak: false }, keyExchange: noEphemeral }),
    ).toBe(100);
    expect(kx({ certificateKey: { type: 'Ed25519', bits: 256, knownWeak: false } })).toBe(90);
  });

  it('score-key-exchange: export key exchange scores at most 40, anonymous and known-weak keys 0', () => {
    expect(grade(withTls12Suites(S.EXP_RC4_40)).score.keyExchange).toBe(40);
    expect(grade(withTls12Suites(S.ADH_AES128)).score.keyExchange).toBe(0);
    expect(grade({ certificateKey: { type: 'RSA', bits: 2048, knownWeak: true } }).score.keyExchange).toBe(0);
  });

  it('score-cipher-strength: (strongest + weakest) / 2 with 0 → 0, < 128 → 20, < 256 → 80, ≥ 256 → 100', () => {
    const c = (...suites: CipherSuiteInfo[]) =>
      grade({ protocols: [TLS12], suites: [{ protocol: TLS12, suites }] }).score.cipherStrength;
    expect(c(S.ECDHE_AES256_GCM)).toBe(100);
    expect(c(S.ECDHE_AES128_GCM)).toBe(80);
    expect(c(S.ECDHE_AES128_GCM, S.ECDHE_AES256_GCM)).toBe(90);
    expect(c(S.ECDHE_AES256_GCM, S.RSA_3DES)).toBe(60); // 3DES counts 112 bits
    expect(c(S.ECDHE_AES256_GCM, S.RSA_DES)).toBe(60);
    expect(c(S.ECDHE_AES256_GCM, S.EXP_RC4_40)).toBe(60);
    expect(c(S.ECDHE_AES256_GCM, S.RSA_NULL)).toBe(50);
    expect(c(S.RSA_NULL)).toBe(0);
  });

  it('score-zero-category: a zero in any category makes the total zero, hence F', () => {
    const r = grade({ protocols: [TLS12], suites: [{ protocol: TLS12, suites: [S.RSA_NULL] }] });
    expect(r.score.cipherStrength).toBe(0);
    expect(r.score.total).toBe(0);
    expect(capIds(r)).toContain('score-zero-category');
    expect(r.gradeTrustIgnored).toBe('F');

    const anon = grade(withTls12Suites(S.ADH_AES128));
    expect(anon.score.total).toBe(0);
    expect(capIds(anon)).toContain('score-zero-category');
  });

  it('score-letter: A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E ≥ 20, F below', () => {
    expect(letterForScore(100)).toBe('A');
    expect(letterForScore(80)).toBe('A');
    expect(letterForScore(79.9)).toBe('B');
    expect(letterForScore(65)).toBe('B');
    expect(letterForScore(64.5)).toBe('C');
    expect(letterForScore(50)).toBe('C');
    expect(letterForScore(49)).toBe('D');
    expect(letterForScore(35)).toBe('D');
    expect(letterForScore(34)).toBe('E');
    expect(letterForScore(20)).toBe('E');
    expect(letterForScore(19.5)).toBe('F');
    expect(letterForScore(0)).toBe('F');
  });

  it('score-letter: a low total lowers the grade with no cap involved (RSA 512-bit DH-free server, 64-bit ciphers)', () => {
    // protocol 100, key exchange 40 (512-bit key), cipher (20 + 20) / 2 = 20 → 30 + 12 + 8 = 50 → C before caps.
    const r = grade({
      protocols: [TLS12],
      suites: [{ protocol: TLS12, suites: [S.RSA_3DES] }],
      certificateKey: { type: 'RSA', bits: 512, knownWeak: false },
      keyExchange: { weakestDhBits: null, weakestEcdhBits: null },
      referenceHandshakes: [],
    });
    expect(r.score).toEqual({ protocol: 100, keyExchange: 40, cipherStrength: 20, total: 50 });
    expect(r.gradeTrustIgnored).toBe('F'); // the key rule (below 1024) then fails it
    expect(capIds(r)).toContain('cap-key-lt-1024-f');
  });

  it('the EC to RSA-equivalent table follows NIST SP 800-57 (x25519 with the 256-bit curves)', () => {
    expect([159, 160, 224, 255, 256, 384, 521].map(ecRsaEquivalent)).toEqual([
      159, 1024, 2048, 3072, 3072, 7680, 15360,
    ]);
  });

  it('rejects an endpoint with no protocol', () => {
    expect(() => grade({ protocols: [] })).toThrow(TypeError);
  });
});

// -------------------------------------------------------------------------------------------------
// Worked examples
// -------------------------------------------------------------------------------------------------

describe('worked examples', () => {
  it('SSL 3 only: 80 / 90 / 50, total 71 (B by score), F by rule', () => {
    const r = grade({
      protocols: [SSL3],
      suites: [{ protocol: SSL3, suites: [S.RSA_RC4_128, S.RSA_3DES] }],
      keyExchange: { weakestDhBits: null, weakestEcdhBits: null },
      referenceHandshakes: [],
      vulnerabilities: { poodleSsl3: true, secureRenegotiation: false, fallbackScsv: null },
    });
    expect(r.score).toEqual({ protocol: 80, keyExchange: 90, cipherStrength: 50, total: 71 });
    expect(letterForScore(r.score.total)).toBe('B');
    expect(r.grade).toBe('F');
    expect(capIds(r)).toEqual(
      expect.arrayContaining([
        'cap-ssl3-only-f',
        'cap-no-tls12-c',
        'cap-poodle-ssl3-c',
        'cap-ssl3-b',
        'cap-rc4-b',
      ]),
    );
  });

  it('RSA 1024 key: 100 / 80 / 90, total 90 (A by score), B by rule', () => {
    const r = grade({ certificateKey: { type: 'RSA', bits: 1024, knownWeak: false } });
    expect(r.score).toEqual({ protocol: 100, keyExchange: 80, cipherStrength: 90, total: 90 });
    expect(r.grade).toBe('B');
    expect(capIds(r)).toEqual(['cap-key-lt-2048-b']);
  });

  it('DHE with 1024-bit DH parameters: 100 / 80 / 90, B', () => {
    const r = grade({
      ...withTls12Suites(S.DHE_AES128_GCM),
      keyExchange: { weakestDhBits: 1024, weakestEcdhBits: 255 },
    });
    expect(r.score).toEqual({ protocol: 100, keyExchange: 80, cipherStrength: 90, total: 90 });
    expect(r.grade).toBe('B');
    expect(capIds(r)).toEqual(['cap-weak-dh-b']);
  });

  it('a 2015-era server (TLS 1.0–1.2, RSA and ECDHE CBC suites, 3DES last): B', () => {
    const r = grade({
      protocols: [TLS10, TLS11, TLS12],
      suites: [TLS10, TLS11, TLS12].map((protocol) => ({
        protocol: protocol as ProtocolVersion,
        suites: [S.ECDHE_AES128_CBC, S.RSA_AES128_CBC, S.RSA_3DES],
      })),
      referenceHandshakes: [handshake('Chrome 120 / Win 10', TLS12, S.ECDHE_AES128_CBC)],
    });
    expect(r.score).toEqual({ protocol: 95, keyExchange: 90, cipherStrength: 50, total: 75.5 });
    expect(r.grade).toBe('B');
    expect(capIds(r)).toEqual(['cap-tls10-b', 'cap-tls11-b', 'cap-no-aead-b']);
  });
});

// -------------------------------------------------------------------------------------------------
// F rules
// -------------------------------------------------------------------------------------------------

describe('rules that give F', () => {
  const cases: [string, Patch][] = [
    ['cap-ssl2-f', { protocols: [SSL2, TLS12, TLS13] }],
    ['cap-insecure-renegotiation-f', { vulnerabilities: { insecureClientRenegotiation: true } }],
    ['cap-poodle-tls-f', { vulnerabilities: { poodleTls: true } }],
    ['cap-heartbleed-f', { vulnerabilities: { heartbleed: true } }],
    ['cap-ccs-injection-f', { vulnerabilities: { ccsInjection: 'exploitable' } }],
    ['cap-robot-f', { vulnerabilities: { robot: 'strong-oracle' } }],
    ['cap-robot-f', { vulnerabilities: { robot: 'weak-oracle' } }],
    ['cap-ticketbleed-f', { vulnerabilities: { ticketbleed: true } }],
    ['cap-lucky-minus20-f', { vulnerabilities: { luckyMinus20: true } }],
    ['cap-zombie-poodle-f', { vulnerabilities: { zombiePoodle: 'exploitable' } }],
    ['cap-goldendoodle-f', { vulnerabilities: { goldenDoodle: 'exploitable' } }],
    ['cap-zero-length-padding-oracle-f', { vulnerabilities: { zeroLengthPaddingOracle: 'exploitable' } }],
    ['cap-sleeping-poodle-f', { vulnerabilities: { sleepingPoodle: 'exploitable' } }],
    ['cap-drown-f', { vulnerabilities: { drown: true } }],
    ['cap-export-f', withTls12Suites(S.EXP_RC4_40)],
    ['cap-export-f', { vulnerabilities: { freak: true } }],
    ['cap-dh-lt-1024-f', { keyExchange: { weakestDhBits: 768, weakestEcdhBits: 255 } }],
    ['cap-dh-lt-1024-f', { vulnerabilities: { logjam: true } }],
    ['cap-anon-suites-f', withTls12Suites(S.ADH_AES128)],
    ['cap-key-lt-1024-f', { certificateKey: { type: 'RSA', bits: 768, knownWeak: false } }],
    ['cap-key-lt-1024-f', { certificateKey: { type: 'EC', bits: 112, knownWeak: false } }],
    ['cap-known-weak-key-f', { certificateKey: { type: 'RSA', bits: 2048, knownWeak: true } }],
    ['cap-md5-signature-f', { trust: { weakSignatureHash: 'MD5' } }],
    ['cap-md5-signature-f', { trust: { weakSignatureHash: 'MD2' } }],
  ];

  it.each(cases)('%s', (id, patch) => {
    const r = grade(patch);
    expect(capIds(r)).toContain(id);
    expect(r.caps.find((c) => c.id === id)?.cap).toBe('F');
    expect(r.gradeTrustIgnored).toBe('F');
    expect(r.grade).toBe('F');
    expect(r.isExceptional).toBe(false);
  });

  it('cap-ssl3-only-f: SSL 3 as the best protocol fails, SSL 3 next to TLS 1.2 does not', () => {
    const only = grade({ protocols: [SSL3], suites: [{ protocol: SSL3, suites: [S.RSA_AES128_CBC] }] });
    expect(capIds(only)).toContain('cap-ssl3-only-f');
    expect(only.grade).toBe('F');
    const mixed = grade({ protocols: [SSL3, TLS12, TLS13] });
    expect(capIds(mixed)).not.toContain('cap-ssl3-only-f');
    expect(mixed.grade).toBe('B');
  });

  it('cap-rc4-only-f: RC4 as the only cipher fails', () => {
    const r = grade({
      protocols: [TLS12],
      suites: [{ protocol: TLS12, suites: [S.RSA_RC4_128] }],
      referenceHandshakes: [],
    });
    expect(capIds(r)).toEqual(expect.arrayContaining(['cap-rc4-only-f', 'cap-rc4-b']));
    expect(r.grade).toBe('F');
  });

  it('cap-no-secure-suites-f: a server with only 56-bit DES fails although its score says B', () => {
    const r = grade({
      protocols: [TLS12],
      suites: [{ protocol: TLS12, suites: [S.RSA_DES] }],
      keyExchange: { weakestDhBits: null, weakestEcdhBits: null },
      referenceHandshakes: [],
    });
    expect(r.score.total).toBe(65);
    expect(capIds(r)).toEqual(['cap-no-secure-suites-f']);
    expect(r.grade).toBe('F');
  });

  it('vulnerability results that are not confirmed do not penalise', () => {
    const r = grade({
      vulnerabilities: {
        ccsInjection: 'unknown',
        robot: 'unknown',
        zombiePoodle: 'unknown',
        goldenDoodle: 'not-vulnerable',
        zeroLengthPaddingOracle: 'unknown',
        sleepingPoodle: 'unknown',
      },
    });
    expect(r.grade).toBe('A+');
  });
});

// -------------------------------------------------------------------------------------------------
// C and B caps
// -------------------------------------------------------------------------------------------------

describe('rules that cap to C', () => {
  it('cap-no-tls12-c: TLS 1.0 / 1.1 at best is C; TLS 1.3 alone is not penalised', () => {
    const old = grade({
      protocols: [TLS10, TLS11],
      suites: [
        { protocol: TLS10, suites: [S.ECDHE_AES128_CBC] },
        { protocol: TLS11, suites: [S.ECDHE_AES128_CBC] },
      ],
      referenceHandshakes: [],
    });
    expect(capIds(old)).toEqual(['cap-no-tls12-c', 'cap-tls10-b', 'cap-tls11-b']);
    expect(old.grade).toBe('C');

    const tls13only = grade({
      protocols: [TLS13],
      suites: [{ protocol: TLS13, suites: [S.TLS_AES_128_GCM, S.TLS_AES_256_GCM] }],
      vulnerabilities: { fallbackScsv: null, secureRenegotiation: null },
    });
    expect(capIds(tls13only)).toEqual([]);
    expect(tls13only.grade).toBe('A+');
  });

  it('cap-poodle-ssl3-c: SSL 3 with CBC is C, SSL 3 without the POODLE flag is B', () => {
    const poodle = grade({ protocols: [SSL3, TLS12, TLS13], vulnerabilities: { poodleSsl3: true } });
    expect(capIds(poodle)).toEqual(['cap-poodle-ssl3-c', 'cap-ssl3-b']);
    expect(poodle.grade).toBe('C');
  });

  it('cap-rc4-modern-c: RC4 negotiated by a reference client with TLS 1.1+ is C; with TLS 1.0 only B', () => {
    const modernRc4 = grade({
      ...withTls12Suites(S.RSA_RC4_128),
      referenceHandshakes: [handshake('IE 11 / Win 7', TLS12, S.RSA_RC4_128, { fs: false, aead: false })],
    });
    expect(capIds(modernRc4)).toEqual(['cap-rc4-modern-c', 'cap-rc4-b']);
    expect(modernRc4.grade).toBe('C');

    const oldRc4 = grade({
      ...withTls12Suites(S.RSA_RC4_128),
      referenceHandshakes: [handshake('IE 8 / XP', TLS10, S.RSA_RC4_128, { fs: false, aead: false })],
    });
    expect(capIds(oldRc4)).toEqual(['cap-rc4-b']);
    expect(oldRc4.grade).toBe('B');
  });

  it('cap-64bit-block-modern-c: 3DES negotiated with TLS 1.1+ is C; accepted but never negotiated is not', () => {
    const negotiated = grade({
      ...withTls12Suites(S.ECDHE_3DES),
      referenceHandshakes: [handshake('Chrome 120 / Win 10', TLS12, S.ECDHE_3DES, { aead: false })],
    });
    expect(capIds(negotiated)).toEqual(['cap-64bit-block-modern-c']);
    expect(negotiated.grade).toBe('C');

    const withTls10 = grade({
      ...withTls12Suites(S.ECDHE_3DES),
      protocols: [TLS10, TLS12, TLS13],
      referenceHandshakes: [handshake('Old client', TLS10, S.ECDHE_3DES, { aead: false })],
    });
    expect(capIds(withTls10)).not.toContain('cap-64bit-block-modern-c');

    const lastInList = grade(withTls12Suites(S.ECDHE_3DES));
    expect(capIds(lastInList)).toEqual([]);
    expect(lastInList.grade).toBe('A+');
  });
});

describe('rules that cap to B', () => {
  it('cap-tls10-b', () => {
    const r = grade({ protocols: [TLS10, TLS12, TLS13] });
    expect(capIds(r)).toEqual(['cap-tls10-b']);
    expect(r.grade).toBe('B');
  });

  it('cap-tls11-b', () => {
    const r = grade({ protocols: [TLS11, TLS12, TLS13] });
    expect(capIds(r)).toEqual(['cap-tls11-b']);
    expect(r.grade).toBe('B');
  });

  it('cap-ssl3-b', () => {
    const r = grade({ protocols: [SSL3, TLS12, TLS13] });
    expect(capIds(r)).toEqual(['cap-ssl3-b']);
    expect(r.grade).toBe('B');
  });

  it('cap-rc4-b: RC4 accepted at all, even if no client negotiates it', () => {
    const r = grade(withTls12Suites(S.RSA_RC4_128));
    expect(capIds(r)).toEqual(['cap-rc4-b']);
    expect(r.grade).toBe('B');
  });

  it('cap-no-fs-b: only when a reference client that offers FS negotiates a non-FS suite', () => {
    const rsaKx = withTls12Suites(S.RSA_AES128_GCM);
    const penalised = grade({
      ...rsaKx,
      referenceHandshakes: [
        handshake('Chrome 120 / Win 10', TLS13, S.TLS_AES_128_GCM),
        handshake('Safari 12 / macOS', TLS12, S.RSA_AES128_GCM),
      ],
    });
    expect(capIds(penalised)).toEqual(['cap-no-fs-b']);
    expect(penalised.caps[0]?.reason).toContain('Safari 12 / macOS');
    expect(penalised.grade).toBe('B');

    // Accepted but never negotiated with a capable client: no penalty.
    expect(grade(rsaKx).grade).toBe('A+');
    const incapable = grade({
      ...rsaKx,
      referenceHandshakes: [handshake('Legacy', TLS12, S.RSA_AES128_GCM, { fs: false })],
    });
    expect(capIds(incapable)).toEqual([]);
    const failed = grade({ ...rsaKx, referenceHandshakes: [handshake('Failed', TLS12, null)] });
    expect(capIds(failed)).toEqual([]);
  });

  it('cap-no-aead-b: only when a reference client that offers AEAD negotiates a non-AEAD suite', () => {
    const cbc = withTls12Suites(S.ECDHE_AES128_CBC);
    const penalised = grade({
      ...cbc,
      referenceHandshakes: [handshake('Firefox 121 / Win 11', TLS12, S.ECDHE_AES128_CBC)],
    });
    expect(capIds(penalised)).toEqual(['cap-no-aead-b']);
    expect(penalised.grade).toBe('B');

    expect(grade(cbc).grade).toBe('A+');
    const incapable = grade({
      ...cbc,
      referenceHandshakes: [handshake('IE 11 / Win 7', TLS12, S.ECDHE_AES128_CBC, { aead: false })],
    });
    expect(capIds(incapable)).toEqual([]);
  });

  it('cap-weak-dh-b: DH below 2048 bits; 2048 is fine', () => {
    const weak = grade({
      ...withTls12Suites(S.DHE_AES128_GCM),
      keyExchange: { weakestDhBits: 1536, weakestEcdhBits: 255 },
    });
    expect(capIds(weak)).toEqual(['cap-weak-dh-b']);
    expect(weak.grade).toBe('B');
    const ok = grade({
      ...withTls12Suites(S.DHE_AES128_GCM),
      keyExchange: { weakestDhBits: 2048, weakestEcdhBits: 255 },
    });
    expect(ok.grade).toBe('A+');
  });

  it('cap-key-lt-2048-b: RSA 1024 and EC 192 (RSA-equivalent 1024) are B; EC 256 is fine', () => {
    expect(capIds(grade({ certificateKey: { type: 'EC', bits: 192, knownWeak: false } }))).toEqual([
      'cap-key-lt-2048-b',
    ]);
    expect(grade({ certificateKey: { type: 'EC', bits: 256, knownWeak: false } }).grade).toBe('A+');
    expect(grade({ certificateKey: { type: 'DSA', bits: 1024, knownWeak: false } }).grade).toBe('B');
  });

  it('cap-compression-b', () => {
    const r = grade({ vulnerabilities: { compression: true } });
    expect(capIds(r)).toEqual(['cap-compression-b']);
    expect(r.grade).toBe('B');
  });

  it('cap-chain-incomplete-b', () => {
    const r = grade({ trust: { chainIncomplete: true } });
    expect(capIds(r)).toEqual(['cap-chain-incomplete-b']);
    expect(r.grade).toBe('B');
    expect(r.gradeTrustIgnored).toBe('B');
  });

  it('BEAST is reported but not graded (removed in 2009d)', () => {
    expect(grade({ vulnerabilities: { beast: true } }).grade).toBe('A+');
  });

  it('the lowest cap wins and every cap that holds is listed', () => {
    const r = grade({
      protocols: [TLS10, TLS12, TLS13],
      vulnerabilities: { heartbleed: true, compression: true },
    });
    expect(capIds(r)).toEqual(['cap-heartbleed-f', 'cap-tls10-b', 'cap-compression-b']);
    expect(r.grade).toBe('F');
  });
});

// -------------------------------------------------------------------------------------------------
// A- and A+
// -------------------------------------------------------------------------------------------------

describe('A- (warnings)', () => {
  it('warn-no-secure-renegotiation turns A into A-', () => {
    const r = grade({ vulnerabilities: { secureRenegotiation: false } });
    expect(warningIds(r)).toEqual(['warn-no-secure-renegotiation']);
    expect(r.grade).toBe('A-');
    expect(r.hasWarnings).toBe(true);
    expect(r.isExceptional).toBe(false);
  });

  it('warn-no-secure-renegotiation does not apply to a TLS 1.3-only server, nor when unknown', () => {
    const tls13only: Patch = {
      protocols: [TLS13],
      suites: [{ protocol: TLS13, suites: [S.TLS_AES_128_GCM] }],
      vulnerabilities: { secureRenegotiation: false, fallbackScsv: null },
    };
    expect(grade(tls13only).warnings).toEqual([]);
    expect(grade({ vulnerabilities: { secureRenegotiation: null } }).grade).toBe('A+');
  });

  it('warn-ccs-not-exploitable', () => {
    const r = grade({ vulnerabilities: { ccsInjection: 'not-exploitable' } });
    expect(warningIds(r)).toEqual(['warn-ccs-not-exploitable']);
    expect(r.grade).toBe('A-');
  });

  it.each([['zombiePoodle'], ['goldenDoodle'], ['zeroLengthPaddingOracle'], ['sleepingPoodle']] as const)(
    'warn-padding-oracle-not-exploitable (%s vulnerable, not exploitable)',
    (field) => {
      const r = grade({ vulnerabilities: { [field]: 'vulnerable' } });
      expect(warningIds(r)).toEqual(['warn-padding-oracle-not-exploitable']);
      expect(r.grade).toBe('A-');
    },
  );

  it('a warning does not raise or lower a capped grade, but hasWarnings is still set', () => {
    const r = grade({ protocols: [TLS10, TLS12, TLS13], vulnerabilities: { secureRenegotiation: false } });
    expect(r.grade).toBe('B');
    expect(r.hasWarnings).toBe(true);
  });

  it('a score-only A (no rule) with a warning is A-, never A+', () => {
    const r = grade({
      vulnerabilities: { secureRenegotiation: false },
      hsts: { status: 'present', maxAge: 63_072_000 },
    });
    expect(r.gradeTrustIgnored).toBe('A-');
  });
});

describe('A+ (isExceptional)', () => {
  it('aplus-hsts: no HTTP answer or a max-age below 180 days leaves A', () => {
    for (const hsts of [
      { status: 'unknown', maxAge: null },
      { status: 'present', maxAge: 15_551_999 },
    ] as const) {
      const r = grade({ hsts });
      expect(r.grade).toBe('A');
      expect(r.isExceptional).toBe(false);
      expect(r.hasWarnings).toBe(false);
    }
    expect(grade({ hsts: { status: 'present', maxAge: 15_552_000 } }).grade).toBe('A+');
  });

  it('warn-no-hsts: an HTTP answer without a valid policy is A- (certgrid policy)', () => {
    for (const hsts of [
      { status: 'absent', maxAge: null },
      { status: 'invalid', maxAge: null },
      { status: 'disabled', maxAge: 0 },
    ] as const) {
      const r = grade({ hsts });
      expect(r.grade).toBe('A-');
      expect(r.hasWarnings).toBe(true);
      expect(r.warnings.map((w) => w.id)).toEqual(['warn-no-hsts']);
    }
  });

  it('warn-no-tls13: a server without TLS 1.3 is A- (certgrid policy)', () => {
    const r = grade({
      protocols: [TLS12],
      suites: [{ protocol: TLS12, suites: [S.ECDHE_AES256_GCM] }],
      vulnerabilities: { fallbackScsv: null },
    });
    expect(r.grade).toBe('A-');
    expect(r.warnings.map((w) => w.id)).toEqual(['warn-no-tls13']);
    expect(r.gradeTrustIgnored).toBe('A-');
  });

  it('aplus-fallback-scsv: no TLS_FALLBACK_SCSV leaves A; untestable (one protocol) does not block A+', () => {
    expect(grade({ vulnerabilities: { fallbackScsv: false } }).grade).toBe('A');
    expect(grade({ vulnerabilities: { fallbackScsv: null } }).grade).toBe('A+');
  });

  it('A+ needs a letter A from the score: a B by score with perfect extras stays B', () => {
    // TLS 1.2 only, AES-128 and 3DES (never negotiated): 100 / 90 / (80 + 20) / 2 = 50 → 77 = B.
    const b = grade({
      protocols: [TLS12],
      suites: [{ protocol: TLS12, suites: [S.ECDHE_AES128_GCM, S.RSA_3DES] }],
      vulnerabilities: { fallbackScsv: null },
    });
    expect(b.score.total).toBe(77);
    expect(b.caps).toEqual([]);
    expect(b.grade).toBe('B');
    expect(b.isExceptional).toBe(false);

    // With AES-256 instead: (100 + 20) / 2 = 60 → 81 = A, and A+ with the rest in place (TLS 1.3 too).
    const a = grade({
      protocols: [TLS12, TLS13],
      suites: [
        { protocol: TLS12, suites: [S.ECDHE_AES256_GCM, S.RSA_3DES] },
        { protocol: TLS13, suites: [] },
      ],
      vulnerabilities: { fallbackScsv: null },
    });
    expect(a.score.total).toBe(81);
    expect(a.grade).toBe('A+');
  });
});

// -------------------------------------------------------------------------------------------------
// T and M
// -------------------------------------------------------------------------------------------------

describe('trust: T and M', () => {
  const trustCases: [string, Partial<TrustFacts>][] = [
    ['trust-untrusted-t', { trusted: false }],
    ['trust-self-signed-t', { selfSigned: true }],
    ['trust-expired-t', { expired: true }],
    ['trust-not-yet-valid-t', { notYetValid: true }],
    ['trust-revoked-t', { revoked: true }],
    ['trust-sha1-signature-t', { weakSignatureHash: 'SHA1' }],
  ];

  it.each(trustCases)('%s gives T; gradeTrustIgnored keeps A+', (id, trust) => {
    const r = grade({ trust });
    expect(capIds(r)).toContain(id);
    expect(r.grade).toBe('T');
    expect(r.gradeTrustIgnored).toBe('A+');
    expect(r.isExceptional).toBe(true);
  });

  it('trust-mismatch-m gives M; gradeTrustIgnored keeps A+', () => {
    const r = grade({ trust: { hostnameMismatch: true } });
    expect(capIds(r)).toEqual(['trust-mismatch-m']);
    expect(r.grade).toBe('M');
    expect(r.gradeTrustIgnored).toBe('A+');
  });

  it('M takes precedence over T', () => {
    const r = grade({ trust: { hostnameMismatch: true, trusted: false, selfSigned: true } });
    expect(r.grade).toBe('M');
    expect(capIds(r)).toEqual(['trust-mismatch-m', 'trust-untrusted-t', 'trust-self-signed-t']);
  });

  it('T replaces F: the F stays visible in gradeTrustIgnored', () => {
    const r = grade({ protocols: [SSL2, TLS12, TLS13], trust: { trusted: false } });
    expect(r.grade).toBe('T');
    expect(r.gradeTrustIgnored).toBe('F');
    expect(capIds(r)).toEqual(['cap-ssl2-f', 'trust-untrusted-t']);
  });

  it('M replaces F too', () => {
    const r = grade({ vulnerabilities: { heartbleed: true }, trust: { hostnameMismatch: true } });
    expect(r.grade).toBe('M');
    expect(r.gradeTrustIgnored).toBe('F');
  });

  it('gradeTrustIgnored is never T or M, and a trust failure keeps the warnings and caps of the configuration', () => {
    const r = grade({
      protocols: [TLS10, TLS12, TLS13],
      vulnerabilities: { secureRenegotiation: false },
      trust: { expired: true },
    });
    expect(r.grade).toBe('T');
    expect(r.gradeTrustIgnored).toBe('B');
    expect(r.hasWarnings).toBe(true);
  });

  it('MD5 is F, not T: the grade stays F when the chain is otherwise trusted', () => {
    const r = grade({ trust: { weakSignatureHash: 'MD5' } });
    expect(r.grade).toBe('F');
  });
});

// -------------------------------------------------------------------------------------------------
// Documentation
// -------------------------------------------------------------------------------------------------

describe('docs/grading.md', () => {
  const doc = readFileSync(new URL('../../../docs/grading.md', import.meta.url), 'utf8');

  it.each(GRADE_RULE_IDS.map((id) => [id]))('has a table row for %s', (id) => {
    expect(doc).toMatch(new RegExp(`^\\| \`${id}\` +\\|`, 'm'));
  });

  it('lists no rule id the code does not know', () => {
    const rows = [...doc.matchAll(/^\| `((?:score|cap|warn|aplus|trust)-[a-z0-9-]+)` +\|/gm)].map(
      (m) => m[1],
    );
    expect(rows.filter((id) => !(GRADE_RULE_IDS as readonly string[]).includes(id ?? ''))).toEqual([]);
  });
});
