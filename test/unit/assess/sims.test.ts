import { describe, expect, it } from 'vitest';
import {
  REFERENCE_CLIENTS,
  ecRsaEquivalent,
  keyAlgorithmForSuite,
  simulateHandshakes,
  type ClientProfile,
  type ServerCertificate,
  type ServerProfile,
  type Simulation,
} from '../../../src/core/assess/sims/index.js';
import {
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  TLS13,
  type AcceptedSuite,
  type AuthType,
  type CipherSuiteInfo,
  type KxType,
  type NamedGroupInfo,
  type ProtocolVersion,
} from '../../../src/core/scan/types.js';
import { cipherSuite } from '../../../src/core/scan/ciphers.js';

// ---- hand-built server facts -------------------------------------------------------------------------

function row(
  id: number,
  name: string,
  kx: KxType,
  auth: AuthType,
  cipher: string,
  forwardSecrecy: boolean,
  minProtocol: ProtocolVersion = SSL3,
): CipherSuiteInfo {
  const tls13 = minProtocol === TLS13;
  const aead = /GCM|CHACHA/.test(name);
  return {
    id,
    iana: name,
    name,
    kx,
    auth,
    cipher,
    strength: cipher === 'RC4' || cipher === 'AES128' ? 128 : 256,
    blockBits: cipher === 'RC4' ? 0 : 128,
    mode: aead ? 'AEAD' : cipher === 'RC4' ? 'stream' : 'CBC',
    mac: aead ? 'AEAD' : 'SHA',
    export: false,
    forwardSecrecy,
    minProtocol,
    maxProtocol: tls13 ? TLS13 : TLS12,
  };
}

const SUITES = {
  TLS_AES_128_GCM_SHA256: row(0x1301, 'TLS_AES_128_GCM_SHA256', 'ECDH', 'any', 'AES128', true, TLS13),
  TLS_AES_256_GCM_SHA384: row(0x1302, 'TLS_AES_256_GCM_SHA384', 'ECDH', 'any', 'AES256', true, TLS13),
  TLS_CHACHA20_POLY1305_SHA256: row(
    0x1303,
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDH',
    'any',
    'CHACHA20',
    true,
    TLS13,
  ),
  ECDHE_ECDSA_AES128_GCM: row(
    0xc02b,
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDH',
    'ECDSA',
    'AES128',
    true,
    TLS12,
  ),
  ECDHE_RSA_AES128_GCM: row(0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDH', 'RSA', 'AES128', true, TLS12),
  ECDHE_RSA_AES256_GCM: row(0xc030, 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDH', 'RSA', 'AES256', true, TLS12),
  DHE_RSA_AES128_GCM: row(0x009e, 'DHE-RSA-AES128-GCM-SHA256', 'DH', 'RSA', 'AES128', true, TLS12),
  DHE_RSA_AES128_SHA: row(0x0033, 'DHE-RSA-AES128-SHA', 'DH', 'RSA', 'AES128', true),
  RSA_AES128_GCM: row(0x009c, 'AES128-GCM-SHA256', 'RSA', 'RSA', 'AES128', false, TLS12),
  RSA_AES128_SHA: row(0x002f, 'AES128-SHA', 'RSA', 'RSA', 'AES128', false),
  RSA_AES256_SHA: row(0x0035, 'AES256-SHA', 'RSA', 'RSA', 'AES256', false),
  RSA_RC4_SHA: row(0x0005, 'RC4-SHA', 'RSA', 'RSA', 'RC4', false),
  RSA_RC4_MD5: row(0x0004, 'RC4-MD5', 'RSA', 'RSA', 'RC4', false),
} as const;

const X25519: NamedGroupInfo = { id: 29, name: 'x25519', bits: 255 };
const P256: NamedGroupInfo = { id: 23, name: 'secp256r1', bits: 256 };
const P384: NamedGroupInfo = { id: 24, name: 'secp384r1', bits: 384 };

const RSA2048: ServerCertificate = {
  keyAlg: 'RSA',
  keySize: 2048,
  sigAlg: 'SHA256withRSA',
  certChainId: 'rsa',
};
const EC256: ServerCertificate = { keyAlg: 'EC', keySize: 256, sigAlg: 'SHA256withECDSA', certChainId: 'ec' };

const accepted = (suites: readonly CipherSuiteInfo[]): AcceptedSuite[] => suites.map((suite) => ({ suite }));

function server(opts: {
  protocols: readonly ProtocolVersion[];
  suites: readonly CipherSuiteInfo[];
  tls13Suites?: readonly CipherSuiteInfo[];
  preference?: boolean | null;
  groups?: readonly NamedGroupInfo[];
  groupPreference?: boolean | null;
  dhBits?: number;
  certificates?: readonly ServerCertificate[];
}): ServerProfile {
  return {
    protocols: opts.protocols.map((protocol) => ({
      protocol,
      suites: accepted(
        protocol === TLS13
          ? (opts.tls13Suites ?? [])
          : opts.suites.filter((s) => s.minProtocol <= protocol && s.minProtocol !== TLS13),
      ),
      preference: opts.preference === undefined ? true : opts.preference,
    })),
    namedGroups: { list: opts.groups ?? [], preference: opts.groupPreference ?? true },
    ...(opts.dhBits !== undefined && { dhBits: opts.dhBits }),
    certificates: opts.certificates ?? [RSA2048],
  };
}

// ---- looking clients up --------------------------------------------------------------------------------

/** The client by name and version (and platform when the table has several). */
function client(name: string, version: string, platform?: string): ClientProfile {
  const found = REFERENCE_CLIENTS.filter(
    (c) => c.name === name && c.version === version && (platform === undefined || c.platform === platform),
  );
  if (found.length !== 1)
    throw new Error(`${found.length} clients ${name} ${version} ${platform ?? ''} in the table`);
  return found[0]!;
}

function simOf(sims: readonly Simulation[], name: string, version: string, platform?: string): Simulation {
  const c = client(name, version, platform);
  const found = sims.find((s) => s.client.id === c.id);
  if (found === undefined) throw new Error(`no simulation for ${name} ${version}`);
  return found;
}

const offers = (c: ClientProfile, id: number): boolean => c.suites.includes(id);
const highest = (c: ClientProfile): ProtocolVersion => c.protocols[1];

/** Current clients: every client whose newest protocol is TLS 1.3 (final). */
const TLS13_CLIENTS = REFERENCE_CLIENTS.filter((c) => highest(c) === TLS13);

// ---- the table ------------------------------------------------------------------------------------------

describe('REFERENCE_CLIENTS', () => {
  it('has unique ids and unique name/platform/version triples', () => {
    const ids = REFERENCE_CLIENTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = REFERENCE_CLIENTS.map((c) => `${c.name}|${c.platform ?? ''}|${c.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every client at least one suite usable at its own protocols, and a sane protocol range', () => {
    for (const c of REFERENCE_CLIENTS) {
      const [lowest, top] = c.protocols;
      expect(lowest, c.name + c.version).toBeLessThanOrEqual(top);
      expect(lowest).toBeGreaterThanOrEqual(SSL3);
      expect(c.suites.some((id) => id >> 8 !== 0x13)).toBe(true);
      // a TLS 1.3 client offers TLS 1.3 suites and key-share groups, and signature algorithms
      if (top === TLS13) {
        expect(
          c.suites.some((id) => id >> 8 === 0x13),
          `${c.name} ${c.version}`,
        ).toBe(true);
        expect(c.groups.length).toBeGreaterThan(0);
        expect(c.signatureAlgorithms.length).toBeGreaterThan(0);
      }
      // GREASE and signalling suites were stripped when the hellos were decoded
      for (const id of c.suites) {
        expect(id === 0x00ff || id === 0x5600 || (id & 0x0f0f) === 0x0a0a).toBe(false);
      }
    }
  });

  it('marks modern browsers as reference and Android, Java and crawlers as not', () => {
    const refs = REFERENCE_CLIENTS.filter((c) => c.isReference);
    expect(refs.length).toBeGreaterThan(10);
    for (const family of ['Chrome', 'Firefox', 'Safari', 'Edge', 'IE']) {
      expect(refs.some((c) => c.name === family)).toBe(true);
    }
    for (const c of REFERENCE_CLIENTS) {
      if (['Android', 'Java', 'Googlebot', 'BingPreview', 'YandexBot', 'Yahoo Slurp'].includes(c.name)) {
        expect(c.isReference, `${c.name} ${c.version}`).toBe(false);
      }
      if (c.version.includes('ESR') || c.platform === 'XP' || c.platform === 'XP SP3') {
        expect(c.isReference, `${c.name} ${c.version}`).toBe(false);
      }
    }
    expect(client('IE', '11', 'Win 7').isReference).toBe(true);
    expect(client('Chrome', '101').isReference).toBe(true);
  });

  it('carries the decoded ClientHello of known clients', () => {
    const chrome = client('Chrome', '101');
    expect(chrome.protocols).toEqual([TLS12, TLS13]);
    expect(chrome.suites.slice(0, 5)).toEqual([0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f]);
    expect(chrome.groups).toEqual([29, 23, 24]);
    expect(chrome.sni).toBe(true);
    const ie8xp = client('IE', '8', 'XP');
    expect(ie8xp.platform).toBe('XP');
    expect(ie8xp.sni).toBe(false);
    expect(ie8xp.protocols).toEqual([SSL3, TLS10]);
    expect(client('Java', '7u25').maxDhBits).toBe(1024);
    expect(client('Java', '6u45').maxDhBits).toBe(1024);
    expect(client('Java', '8u161').maxDhBits).toBe(2048);
    expect(client('Apple ATS', '9').minRsaBits).toBe(2048);
  });
});

// ---- negotiation ---------------------------------------------------------------------------------------

describe('simulateHandshakes', () => {
  it('TLS 1.2-only ECDHE server: every TLS 1.2 client negotiates ECDHE-GCM on the server-preferred curve', () => {
    const profile = server({
      protocols: [TLS12],
      suites: [SUITES.ECDHE_RSA_AES128_GCM, SUITES.ECDHE_RSA_AES256_GCM],
      groups: [P256, X25519],
      groupPreference: true,
    });
    const sims = simulateHandshakes(profile);
    expect(sims).toHaveLength(REFERENCE_CLIENTS.length);
    const modern = REFERENCE_CLIENTS.filter((c) => highest(c) >= TLS12 && offers(c, 0xc02f));
    expect(modern.length).toBeGreaterThan(20);
    for (const c of modern) {
      const s = sims.find((x) => x.client.id === c.id)!;
      expect(s, `${c.name} ${c.version}`).toMatchObject({
        errorCode: 0,
        protocolId: TLS12,
        suiteId: 0xc02f,
        suiteName: 'ECDHE-RSA-AES128-GCM-SHA256',
        kxType: 'ECDH',
        kxStrength: 3072,
        namedGroupId: 23,
        namedGroupName: 'secp256r1',
        namedGroupBits: 256,
        keyAlg: 'RSA',
        keySize: 2048,
        sigAlg: 'SHA256withRSA',
        certChainId: 'rsa',
      });
    }
    // clients that top out below TLS 1.2 cannot connect at all
    expect(simOf(sims, 'IE', '8', 'XP')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/Protocol/),
    });
    expect(simOf(sims, 'Java', '7u25').errorCode).toBe(1);
    // Windows 7 SChannel has no ECDHE_RSA with GCM: IE 11 there finds no common suite
    expect(offers(client('IE', '11', 'Win 7'), 0xc02f)).toBe(false);
    expect(simOf(sims, 'IE', '11', 'Win 7')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/suite/),
    });
  });

  it('picks the curve by the server preference, else by the client order', () => {
    const base = { protocols: [TLS12], suites: [SUITES.ECDHE_RSA_AES128_GCM] } as const;
    const serverX25519 = simulateHandshakes(
      server({ ...base, groups: [X25519, P256], groupPreference: true }),
    );
    expect(simOf(serverX25519, 'Chrome', '101').namedGroupName).toBe('x25519');
    expect(simOf(serverX25519, 'Chrome', '101').kxStrength).toBe(3072);
    // IE 11 offers no x25519: it falls back to secp256r1
    expect(simOf(serverX25519, 'IE', '11', 'Win 10').namedGroupName).toBe('secp256r1');

    // the server lists P-384 first but follows the client: Chrome's first shared group wins
    const clientOrder = simulateHandshakes(
      server({ ...base, groups: [P384, X25519], groupPreference: false }),
    );
    expect(simOf(clientOrder, 'Chrome', '101').namedGroupName).toBe('x25519');
    expect(simOf(clientOrder, 'IE', '11', 'Win 10').namedGroupName).toBe('secp384r1');
    expect(simOf(clientOrder, 'IE', '11', 'Win 10').kxStrength).toBe(7680);
    const serverP384 = simulateHandshakes(server({ ...base, groups: [P384, X25519], groupPreference: true }));
    expect(simOf(serverP384, 'Chrome', '101').namedGroupName).toBe('secp384r1');
  });

  it('skips an ECDHE suite when no curve is shared, taking the next acceptable suite', () => {
    const sims = simulateHandshakes(
      server({
        protocols: [TLS12],
        suites: [SUITES.ECDHE_RSA_AES128_GCM, SUITES.RSA_AES128_GCM],
        groups: [P384],
      }),
    );
    // Android 7.0 supports secp256r1 only
    expect(client('Android', '7.0').groups).toEqual([23]);
    expect(simOf(sims, 'Android', '7.0')).toMatchObject({
      errorCode: 0,
      suiteId: 0x009c,
      kxType: 'RSA',
      kxStrength: 2048,
    });
    expect(simOf(sims, 'Android', '7.0').namedGroupId).toBeUndefined();
    expect(simOf(sims, 'Android', '8.1')).toMatchObject({ suiteId: 0xc02f, namedGroupId: 24 });
  });

  it('server preference versus client preference changes the chosen suite', () => {
    const suites = [SUITES.ECDHE_RSA_AES256_GCM, SUITES.ECDHE_RSA_AES128_GCM];
    const groups = [X25519, P256];
    const serverOrder = simulateHandshakes(server({ protocols: [TLS12], suites, groups, preference: true }));
    const clientOrder = simulateHandshakes(server({ protocols: [TLS12], suites, groups, preference: false }));
    // Chrome 101 lists AES128-GCM before AES256-GCM
    const chrome = client('Chrome', '101');
    expect(chrome.suites.indexOf(0xc02f)).toBeLessThan(chrome.suites.indexOf(0xc030));
    expect(simOf(serverOrder, 'Chrome', '101').suiteId).toBe(0xc030);
    expect(simOf(clientOrder, 'Chrome', '101').suiteId).toBe(0xc02f);
    // Android 4.4.2 lists AES256-GCM first: it gets the same suite either way
    expect(simOf(serverOrder, 'Android', '4.4.2').suiteId).toBe(0xc030);
    expect(simOf(clientOrder, 'Android', '4.4.2').suiteId).toBe(0xc030);
  });

  it('a DHE-2048 server fails the Java 6/7 clients, which reject DH primes over 1024 bits', () => {
    const dhe = (dhBits: number) =>
      simulateHandshakes(
        server({
          protocols: [TLS10, TLS11, TLS12],
          suites: [SUITES.DHE_RSA_AES128_GCM, SUITES.DHE_RSA_AES128_SHA],
          dhBits,
        }),
      );
    const sims2048 = dhe(2048);
    for (const version of ['6u45', '7u25']) {
      expect(simOf(sims2048, 'Java', version)).toEqual({
        client: expect.objectContaining({ name: 'Java', version, isReference: false }),
        errorCode: 1,
        errorMessage: expect.stringMatching(
          /DH parameters \(2048 bits\) exceed the client's maximum of 1024/,
        ),
        attempts: 1,
      });
    }
    expect(simOf(sims2048, 'Java', '8u161')).toMatchObject({
      errorCode: 0,
      protocolId: TLS12,
      suiteId: 0x009e,
      kxType: 'DH',
      kxStrength: 2048,
      dhBits: 2048,
    });
    // the same clients connect when the prime is 1024 bits: the failure is the prime size, nothing else
    const sims1024 = dhe(1024);
    expect(simOf(sims1024, 'Java', '7u25')).toMatchObject({
      errorCode: 0,
      protocolId: TLS10,
      suiteId: 0x0033,
    });
    expect(simOf(sims1024, 'Java', '6u45')).toMatchObject({ errorCode: 0, dhBits: 1024 });
    // and the per-suite prime seen by the scan wins over the profile default
    const perSuite = server({ protocols: [TLS10], suites: [SUITES.DHE_RSA_AES128_SHA], dhBits: 2048 });
    const withKx: ServerProfile = {
      ...perSuite,
      protocols: [
        { ...perSuite.protocols[0]!, suites: [{ suite: SUITES.DHE_RSA_AES128_SHA, kx: { dhBits: 1024 } }] },
      ],
    };
    expect(simOf(simulateHandshakes(withKx), 'Java', '7u25')).toMatchObject({ errorCode: 0, dhBits: 1024 });
  });

  it('a client with a DH floor fails on a weak prime', () => {
    const sims = simulateHandshakes(
      server({ protocols: [TLS10, TLS11, TLS12], suites: [SUITES.DHE_RSA_AES128_SHA], dhBits: 768 }),
    );
    expect(client('Firefox', '47').minDhBits).toBe(1023);
    expect(simOf(sims, 'Firefox', '47')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/below the client's minimum of 1023/),
    });
    // Android 4.4.2 has no known floor
    expect(simOf(sims, 'Android', '4.4.2')).toMatchObject({ errorCode: 0, dhBits: 768 });
  });

  it('an RC4-only server is reachable only by old clients', () => {
    const sims = simulateHandshakes(
      server({ protocols: [SSL3, TLS10, TLS11, TLS12], suites: [SUITES.RSA_RC4_SHA, SUITES.RSA_RC4_MD5] }),
    );
    const ok = sims.filter((s) => s.errorCode === 0);
    expect(ok.length).toBeGreaterThan(0);
    for (const s of ok) {
      expect([0x0005, 0x0004]).toContain(s.suiteId);
      const c = REFERENCE_CLIENTS.find((x) => x.id === s.client.id)!;
      expect(offers(c, s.suiteId!)).toBe(true);
      expect(highest(c), `${c.name} ${c.version}`).toBeLessThan(TLS13);
    }
    for (const c of TLS13_CLIENTS) expect(simOf(sims, c.name, c.version, c.platform).errorCode).toBe(1);
    expect(simOf(sims, 'Chrome', '101').errorMessage).toMatch(/Cipher suite mismatch/);
    expect(simOf(sims, 'Android', '4.4.2')).toMatchObject({
      errorCode: 0,
      protocolId: TLS12,
      suiteId: 0x0005,
    });
    expect(simOf(sims, 'IE', '6')).toMatchObject({ errorCode: 0, protocolId: SSL3, suiteId: 0x0005 });
    expect(simOf(sims, 'Java', '7u25')).toMatchObject({ errorCode: 0, protocolId: TLS10 });
  });

  it('a TLS 1.3 server: TLS 1.3 clients negotiate 1.3 with x25519, the others stay on TLS 1.2', () => {
    const sims = simulateHandshakes(
      server({
        protocols: [TLS12, TLS13],
        suites: [SUITES.ECDHE_RSA_AES128_GCM],
        tls13Suites: [
          SUITES.TLS_AES_128_GCM_SHA256,
          SUITES.TLS_AES_256_GCM_SHA384,
          SUITES.TLS_CHACHA20_POLY1305_SHA256,
        ],
        groups: [X25519, P256],
      }),
    );
    expect(TLS13_CLIENTS.length).toBeGreaterThan(8);
    for (const c of TLS13_CLIENTS) {
      const s = simOf(sims, c.name, c.version, c.platform);
      expect(s, `${c.name} ${c.version}`).toMatchObject({
        errorCode: 0,
        protocolId: TLS13,
        suiteId: 0x1301,
        kxType: 'ECDH',
        keyAlg: 'RSA',
      });
      // x25519 for every client that offers it; Java 11 does not and gets the next server choice
      expect(s.namedGroupName).toBe(c.groups.includes(29) ? 'x25519' : 'secp256r1');
    }
    expect(simOf(sims, 'Chrome', '101')).toMatchObject({
      namedGroupId: 29,
      namedGroupBits: 255,
      kxStrength: 3072,
    });
    expect(simOf(sims, 'Java', '11.0.2').namedGroupName).toBe('secp256r1');
    expect(simOf(sims, 'IE', '11', 'Win 10')).toMatchObject({
      errorCode: 0,
      protocolId: TLS12,
      suiteId: 0xc02f,
    });
  });

  it('TLS 1.3 fails when no group is shared', () => {
    const sims = simulateHandshakes(
      server({
        protocols: [TLS13],
        suites: [],
        tls13Suites: [SUITES.TLS_AES_128_GCM_SHA256],
        groups: [{ id: 30, name: 'x448', bits: 448 }],
      }),
    );
    expect(simOf(sims, 'Chrome', '101')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/group/),
    });
    // OpenSSL 1.1.1 offers x448
    expect(simOf(sims, 'OpenSSL', '1.1.1d')).toMatchObject({
      errorCode: 0,
      namedGroupId: 30,
      kxStrength: 7680,
    });
  });

  it('no shared suite or protocol gives errorCode 1 with a message and no negotiated fields', () => {
    const only: ClientProfile = {
      id: 9001,
      name: 'Test',
      version: '1',
      isReference: false,
      protocols: [TLS10, TLS12],
      suites: [0x002f],
      groups: [],
      signatureAlgorithms: [],
      sni: true,
      requiresSha2: false,
    };
    const [suiteMismatch] = simulateHandshakes(
      server({ protocols: [TLS12], suites: [SUITES.RSA_AES256_SHA] }),
      [only],
    );
    expect(suiteMismatch).toEqual({
      client: { id: 9001, name: 'Test', version: '1', isReference: false },
      errorCode: 1,
      errorMessage: 'Cipher suite mismatch: no suite in common at TLS 1.2',
      attempts: 1,
    });
    const [versionMismatch] = simulateHandshakes(
      server({ protocols: [TLS13], suites: [], tls13Suites: [SUITES.TLS_AES_128_GCM_SHA256] }),
      [only],
    );
    expect(versionMismatch).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/^Protocol mismatch/),
    });
    // the same client succeeds once the suite is there
    const [fine] = simulateHandshakes(server({ protocols: [TLS12], suites: [SUITES.RSA_AES128_SHA] }), [
      only,
    ]);
    expect(fine).toMatchObject({ errorCode: 0, protocolId: TLS12, suiteId: 0x002f, kxStrength: 2048 });
  });

  it('negotiates the highest shared version, not the server maximum', () => {
    const sims = simulateHandshakes(
      server({
        protocols: [TLS10, TLS11, TLS12],
        suites: [SUITES.RSA_AES128_SHA, SUITES.ECDHE_RSA_AES128_GCM],
      }),
    );
    expect(simOf(sims, 'IE', '8-10')).toMatchObject({ errorCode: 0, protocolId: TLS10, suiteId: 0x002f });
    expect(simOf(sims, 'IE', '11', 'Win 7').protocolId).toBe(TLS12);
  });

  it('applies the clients certificate limits', () => {
    const weakRsa: ServerCertificate = { keyAlg: 'RSA', keySize: 1024, sigAlg: 'SHA256withRSA' };
    const sims = simulateHandshakes(
      server({
        protocols: [TLS12],
        suites: [SUITES.ECDHE_RSA_AES128_GCM],
        groups: [P256],
        certificates: [weakRsa],
      }),
    );
    expect(simOf(sims, 'Apple ATS', '9')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/RSA key \(1024 bits\) below the client's minimum of 2048/),
    });
    expect(simOf(sims, 'Safari', '9', 'iOS 9').errorCode).toBe(0);

    const sha1: ServerCertificate = { keyAlg: 'RSA', keySize: 2048, sigAlg: 'SHA1withRSA' };
    const sha1Sims = simulateHandshakes(
      server({
        protocols: [TLS12],
        suites: [SUITES.ECDHE_RSA_AES128_GCM],
        groups: [P256],
        certificates: [sha1],
      }),
    );
    expect(simOf(sha1Sims, 'Chrome', '101')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/SHA1/),
    });
    expect(simOf(sha1Sims, 'Chrome', '79')).toMatchObject({ errorCode: 0, sigAlg: 'SHA1withRSA' });
  });

  it('serves the chain that matches the suite (TLS 1.2) or the client signature algorithms (TLS 1.3)', () => {
    const sims = simulateHandshakes(
      server({
        protocols: [TLS12, TLS13],
        suites: [SUITES.ECDHE_ECDSA_AES128_GCM, SUITES.ECDHE_RSA_AES128_GCM],
        tls13Suites: [SUITES.TLS_AES_128_GCM_SHA256],
        groups: [P256],
        certificates: [EC256, RSA2048],
      }),
    );
    expect(simOf(sims, 'IE', '11', 'Win 7')).toMatchObject({
      suiteId: 0xc02b,
      keyAlg: 'EC',
      keySize: 256,
      certChainId: 'ec',
    });
    expect(simOf(sims, 'Chrome', '101')).toMatchObject({
      protocolId: TLS13,
      keyAlg: 'EC',
      certChainId: 'ec',
    });
    // Android 4.4.2 offers ECDHE-RSA-AES128-GCM before the ECDSA one, but the server order wins
    expect(simOf(sims, 'Android', '4.4.2')).toMatchObject({ suiteId: 0xc02b, keyAlg: 'EC' });

    const clientOrder = simulateHandshakes(
      server({
        protocols: [TLS12],
        suites: [SUITES.ECDHE_ECDSA_AES128_GCM, SUITES.ECDHE_RSA_AES128_GCM],
        groups: [P256],
        preference: false,
        certificates: [EC256, RSA2048],
      }),
    );
    expect(simOf(clientOrder, 'Android', '4.4.2')).toMatchObject({
      suiteId: 0xc02f,
      keyAlg: 'RSA',
      keySize: 2048,
    });
  });

  it('in TLS 1.3 skips a chain the client cannot verify (Ed25519 for Chrome)', () => {
    const ed25519: ServerCertificate = {
      keyAlg: 'Ed25519',
      keySize: 256,
      sigAlg: 'Ed25519',
      certChainId: 'ed',
    };
    const tls13 = {
      protocols: [TLS13],
      suites: [],
      tls13Suites: [SUITES.TLS_AES_128_GCM_SHA256],
      groups: [X25519],
    } as const;
    const both = simulateHandshakes(server({ ...tls13, certificates: [ed25519, RSA2048] }));
    expect(client('Chrome', '101').signatureAlgorithms).not.toContain(0x0807);
    expect(simOf(both, 'Chrome', '101')).toMatchObject({ errorCode: 0, keyAlg: 'RSA', certChainId: 'rsa' });
    expect(simOf(both, 'OpenSSL', '3.0.3')).toMatchObject({
      errorCode: 0,
      keyAlg: 'Ed25519',
      certChainId: 'ed',
    });
    const edOnly = simulateHandshakes(server({ ...tls13, certificates: [ed25519] }));
    expect(simOf(edOnly, 'Chrome', '101')).toMatchObject({
      errorCode: 1,
      errorMessage: expect.stringMatching(/certificate/),
    });
  });

  it('is pure: the same input gives the same output', () => {
    const profile = server({ protocols: [TLS12], suites: [SUITES.ECDHE_RSA_AES128_GCM], groups: [X25519] });
    expect(simulateHandshakes(profile)).toEqual(simulateHandshakes(profile));
  });
});

describe('ecRsaEquivalent', () => {
  it('maps EC sizes to RSA-equivalent bits (NIST SP 800-57 Part 1)', () => {
    expect(ecRsaEquivalent(255)).toBe(3072);
    expect(ecRsaEquivalent(256)).toBe(3072);
    expect(ecRsaEquivalent(384)).toBe(7680);
    expect(ecRsaEquivalent(521)).toBe(15360);
    expect(ecRsaEquivalent(224)).toBe(2048);
    expect(ecRsaEquivalent(192)).toBe(1024);
  });
});

describe('the certificate key a suite needs', () => {
  const of = (id: number) => keyAlgorithmForSuite(cipherSuite(id)!);
  it('follows the suite authentication before TLS 1.3, and any key does for TLS 1.3 and anonymous suites', () => {
    expect(of(0xc02f)).toBe('RSA'); // ECDHE-RSA-AES128-GCM-SHA256
    expect(of(0x009c)).toBe('RSA'); // AES128-GCM-SHA256 (RSA key exchange)
    expect(of(0xc02b)).toBe('EC'); // ECDHE-ECDSA-AES128-GCM-SHA256
    expect(of(0xc00e)).toBe('EC'); // ECDH-RSA-AES128-SHA: static ECDH needs an EC key
    expect(of(0x0032)).toBe('DSA'); // DHE-DSS-AES128-SHA
    expect(of(0x1301)).toBeNull(); // TLS_AES_128_GCM_SHA256
    expect(of(0xc018)).toBeNull(); // AECDH-AES128-SHA
  });
});
