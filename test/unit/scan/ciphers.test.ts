import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  FALLBACK_SCSV,
  SSL2_CIPHER_KINDS,
  cipherSuite,
  is3des,
  is64BitBlock,
  isAead,
  isAnonymous,
  isCbc,
  isExport,
  isNull,
  isRc4,
  suitesForProtocol,
} from '../../../src/core/scan/ciphers.js';
import type { CipherSuiteInfo, ProtocolVersion } from '../../../src/core/scan/types.js';
import { SSL2, SSL3, TLS10, TLS11, TLS12, TLS13 } from '../../../src/core/scan/types.js';

function suite(id: number): CipherSuiteInfo {
  const s = cipherSuite(id);
  if (!s) throw new Error(`no suite 0x${id.toString(16)}`);
  return s;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The assigned values of the IANA TLS Cipher Suites registry, SCSVs excluded. */
const IANA_ASSIGNED = [
  ...range(0x0000, 0x001b),
  ...range(0x001e, 0x0046),
  ...range(0x0067, 0x006d),
  ...range(0x0084, 0x00c7),
  ...range(0x1301, 0x1307),
  ...range(0xc001, 0xc0b5),
  ...range(0xc100, 0xc106),
  ...range(0xcca8, 0xccae),
  0xd001,
  0xd002,
  0xd003,
  0xd005,
];

describe('cipher suite registry: shape', () => {
  it('has unique ids, ordered, two bytes for TLS and three for SSLv2', () => {
    const ids = CIPHER_SUITES.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toBeLessThanOrEqual(0xffff);
    for (const k of SSL2_CIPHER_KINDS) expect(k.id).toBeGreaterThan(0xffff);
    expect(new Set(CIPHER_SUITES.map((s) => s.iana)).size).toBe(CIPHER_SUITES.length);
    expect(new Set(CIPHER_SUITES.map((s) => s.name)).size).toBe(CIPHER_SUITES.length);
  });

  it('holds every IANA-assigned value and the non-IANA suites scanners report', () => {
    for (const id of IANA_ASSIGNED) expect(cipherSuite(id), `0x${id.toString(16)}`).toBeDefined();
    const nonIana = [...range(0x0060, 0x0066), ...range(0x0080, 0x0083), 0xcc13, 0xcc14, 0xcc15, 0xff85];
    for (const id of nonIana) expect(cipherSuite(id), `0x${id.toString(16)}`).toBeDefined();
    expect(CIPHER_SUITES).toHaveLength(378);
    expect(cipherSuite(0x0047)).toBeUndefined(); // reserved, never assigned
    expect(cipherSuite(0x0a0a)).toBeUndefined(); // GREASE
  });

  it('keeps the SCSVs out of the suite list', () => {
    expect(EMPTY_RENEGOTIATION_INFO_SCSV).toBe(0x00ff);
    expect(FALLBACK_SCSV).toBe(0x5600);
    expect(cipherSuite(0x00ff)).toBeUndefined();
    expect(cipherSuite(0x5600)).toBeUndefined();
    for (const v of [SSL3, TLS10, TLS11, TLS12, TLS13] as const) {
      const ids = suitesForProtocol(v).map((s) => s.id);
      expect(ids).not.toContain(0x00ff);
      expect(ids).not.toContain(0x5600);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CIPHER_SUITES)).toBe(true);
    expect(Object.isFrozen(suite(0xc02f))).toBe(true);
  });
});

describe('cipher suite registry: well-known suites', () => {
  it('0xC02F ECDHE-RSA-AES128-GCM-SHA256', () => {
    expect(suite(0xc02f)).toEqual({
      id: 0xc02f,
      iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      name: 'ECDHE-RSA-AES128-GCM-SHA256',
      kx: 'ECDH',
      auth: 'RSA',
      cipher: 'AES',
      strength: 128,
      blockBits: 128,
      mode: 'AEAD',
      mac: 'AEAD',
      export: false,
      forwardSecrecy: true,
      minProtocol: TLS12,
      maxProtocol: TLS12,
    });
  });

  it('0x009E DHE-RSA-AES128-GCM-SHA256', () => {
    expect(suite(0x009e)).toMatchObject({
      iana: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
      name: 'DHE-RSA-AES128-GCM-SHA256',
      kx: 'DH',
      auth: 'RSA',
      strength: 128,
      mode: 'AEAD',
      forwardSecrecy: true,
      minProtocol: TLS12,
    });
  });

  it('0x0067 and 0x006B, the DHE CBC SHA-256 suites of the CertView sample', () => {
    expect(suite(0x0067)).toEqual({
      id: 0x0067,
      iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
      name: 'DHE-RSA-AES128-SHA256',
      kx: 'DH',
      auth: 'RSA',
      cipher: 'AES',
      strength: 128,
      blockBits: 128,
      mode: 'CBC',
      mac: 'SHA256',
      export: false,
      forwardSecrecy: true,
      minProtocol: TLS12,
      maxProtocol: TLS12,
    });
    expect(suite(0x006b)).toMatchObject({ name: 'DHE-RSA-AES256-SHA256', strength: 256, mac: 'SHA256' });
  });

  it('0xC013 ECDHE-RSA-AES128-SHA runs from SSLv3', () => {
    expect(suite(0xc013)).toMatchObject({
      name: 'ECDHE-RSA-AES128-SHA',
      kx: 'ECDH',
      mode: 'CBC',
      mac: 'SHA',
      forwardSecrecy: true,
      minProtocol: SSL3,
      maxProtocol: TLS12,
    });
  });

  it('0x000A DES-CBC3-SHA counts 112 bits', () => {
    expect(suite(0x000a)).toEqual({
      id: 0x000a,
      iana: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
      name: 'DES-CBC3-SHA',
      kx: 'RSA',
      auth: 'RSA',
      cipher: '3DES',
      strength: 112,
      blockBits: 64,
      mode: 'CBC',
      mac: 'SHA',
      export: false,
      forwardSecrecy: false,
      minProtocol: SSL3,
      maxProtocol: TLS12,
    });
  });

  it('RC4, export and NULL suites', () => {
    expect(suite(0x0004)).toMatchObject({
      name: 'RC4-MD5',
      cipher: 'RC4',
      strength: 128,
      mode: 'stream',
      mac: 'MD5',
    });
    expect(suite(0x0005)).toMatchObject({ name: 'RC4-SHA', cipher: 'RC4', strength: 128, blockBits: 0 });
    expect(suite(0x0003)).toMatchObject({
      iana: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
      name: 'EXP-RC4-MD5',
      cipher: 'RC4',
      strength: 40,
      export: true,
      forwardSecrecy: false,
    });
    expect(suite(0x0000)).toEqual({
      id: 0,
      iana: 'TLS_NULL_WITH_NULL_NULL',
      name: 'TLS_NULL_WITH_NULL_NULL',
      kx: 'NULL',
      auth: 'NULL',
      cipher: 'NULL',
      strength: 0,
      blockBits: 0,
      mode: 'none',
      mac: 'NULL',
      export: false,
      forwardSecrecy: false,
      minProtocol: SSL3,
      maxProtocol: TLS12,
    });
    expect(suite(0x0002)).toMatchObject({ name: 'NULL-SHA', cipher: 'NULL', strength: 0, mac: 'SHA' });
  });

  it('export1024 and single DES', () => {
    expect(suite(0x0062)).toMatchObject({
      name: 'EXP1024-DES-CBC-SHA',
      cipher: 'DES',
      strength: 56,
      export: true,
    });
    expect(suite(0x0064)).toMatchObject({
      name: 'EXP1024-RC4-SHA',
      cipher: 'RC4',
      strength: 56,
      export: true,
    });
    expect(suite(0x0066)).toMatchObject({ name: 'DHE-DSS-RC4-SHA', strength: 128, export: false });
    expect(suite(0x0009)).toMatchObject({ name: 'DES-CBC-SHA', cipher: 'DES', strength: 56, export: false });
    expect(suite(0x0014)).toMatchObject({
      name: 'EXP-DHE-RSA-DES-CBC-SHA',
      strength: 40,
      forwardSecrecy: true,
    });
    expect(suite(0x0016)).toMatchObject({
      name: 'DHE-RSA-DES-CBC3-SHA',
      strength: 112,
      forwardSecrecy: true,
    });
    expect(suite(0x0007)).toMatchObject({
      name: 'IDEA-CBC-SHA',
      cipher: 'IDEA',
      strength: 128,
      blockBits: 64,
    });
  });

  it('TLS 1.3 suites', () => {
    expect(suite(0x1301)).toEqual({
      id: 0x1301,
      iana: 'TLS_AES_128_GCM_SHA256',
      name: 'TLS_AES_128_GCM_SHA256',
      kx: 'ECDH',
      auth: 'any',
      cipher: 'AES',
      strength: 128,
      blockBits: 128,
      mode: 'AEAD',
      mac: 'AEAD',
      export: false,
      forwardSecrecy: true,
      minProtocol: TLS13,
      maxProtocol: TLS13,
    });
    expect(suite(0x1303)).toMatchObject({
      name: 'TLS_CHACHA20_POLY1305_SHA256',
      cipher: 'CHACHA20',
      strength: 256,
      blockBits: 0,
      minProtocol: TLS13,
      maxProtocol: TLS13,
    });
    for (const s of CIPHER_SUITES.filter((x) => x.id >> 8 === 0x13)) {
      expect(s).toMatchObject({ minProtocol: TLS13, maxProtocol: TLS13, forwardSecrecy: true, auth: 'any' });
    }
  });

  it('0xCCA8 ECDHE-RSA-CHACHA20-POLY1305 and its draft predecessor', () => {
    expect(suite(0xcca8)).toMatchObject({
      iana: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      name: 'ECDHE-RSA-CHACHA20-POLY1305',
      cipher: 'CHACHA20',
      strength: 256,
      mode: 'AEAD',
      forwardSecrecy: true,
      minProtocol: TLS12,
    });
    expect(suite(0xcc13)).toMatchObject({ name: 'ECDHE-RSA-CHACHA20-POLY1305-OLD', cipher: 'CHACHA20' });
  });

  it('GOST suites', () => {
    expect(suite(0x0081)).toMatchObject({
      name: 'GOST2001-GOST89-GOST89',
      kx: 'GOST',
      cipher: 'GOST',
      strength: 256,
    });
    expect(suite(0xff85)).toMatchObject({ name: 'LEGACY-GOST2012-GOST8912-GOST8912', kx: 'GOST' });
    expect(suite(0xc100)).toMatchObject({ name: 'GOST2012-KUZNYECHIK-KUZNYECHIKOMAC', minProtocol: TLS12 });
  });
});

describe('cipher suite registry: invariants', () => {
  it('export suites are exactly the EXPORT ones, at 40 or 56 bits', () => {
    const exp = CIPHER_SUITES.filter(isExport);
    expect(exp.map((s) => s.iana)).toEqual(
      CIPHER_SUITES.filter((s) => /_EXPORT(1024)?_/.test(s.iana)).map((s) => s.iana),
    );
    expect(exp).toHaveLength(21);
    for (const s of exp) {
      expect([40, 56]).toContain(s.strength);
      expect(s.strength).toBe(/EXPORT1024/.test(s.iana) ? 56 : 40);
      expect(s.minProtocol).toBe(SSL3);
    }
  });

  it('forward secrecy follows the key exchange', () => {
    for (const s of CIPHER_SUITES) {
      const msg = s.iana;
      if (/^(OLD_)?TLS_(ECDHE|DHE|PSK_DHE|DH_anon|ECDH_anon|SRP|ECCPWD|CECPQ1)_/.test(s.iana)) {
        expect(s.forwardSecrecy, msg).toBe(true);
      } else if (s.maxProtocol === TLS13 && s.minProtocol === TLS13) {
        expect(s.forwardSecrecy, msg).toBe(true);
      } else {
        expect(s.forwardSecrecy, msg).toBe(false);
      }
    }
    expect(suite(0x000d).forwardSecrecy).toBe(false); // static DH_DSS
    expect(suite(0xc004).forwardSecrecy).toBe(false); // static ECDH_ECDSA
  });

  it('protocol ranges follow the MAC and the AEAD', () => {
    for (const s of CIPHER_SUITES) {
      const msg = s.iana;
      expect(s.minProtocol, msg).toBeLessThanOrEqual(s.maxProtocol);
      if (s.id >> 8 === 0x13) {
        expect([s.minProtocol, s.maxProtocol], msg).toEqual([TLS13, TLS13]);
        continue;
      }
      if (s.maxProtocol === TLS13) expect(s.minProtocol, msg).toBeGreaterThanOrEqual(TLS12);
      else expect(s.maxProtocol, msg).toBe(TLS12);
      if (isAead(s)) expect(s.minProtocol, msg).toBeGreaterThanOrEqual(TLS12);
      if (s.mac === 'SHA256' || s.mac === 'SHA384') {
        expect(s.minProtocol, msg).toBe(
          s.kx === 'PSK' ? TLS10 : s.id >= 0xc0b4 && s.id <= 0xc0b5 ? TLS13 : TLS12,
        );
      }
      if ((s.mac === 'SHA' || s.mac === 'MD5') && s.kx !== 'GOST' && !s.iana.includes('28147')) {
        expect(s.minProtocol, msg).toBe(SSL3);
      }
    }
  });

  it('strength, cipher and mode agree', () => {
    for (const s of CIPHER_SUITES) {
      const msg = s.iana;
      expect(isNull(s), msg).toBe(s.strength === 0);
      if (is3des(s)) expect(s.strength, msg).toBe(112);
      if (s.cipher === 'DES' && !s.export) expect(s.strength, msg).toBe(56);
      if (isCbc(s)) expect(s.blockBits, msg).toBeGreaterThan(0);
      if (s.mode === 'stream' && s.cipher === 'RC4') expect(s.blockBits, msg).toBe(0);
      if (isAead(s)) expect(s.mac, msg).toBe('AEAD');
      const bits = /_(128|256)_/.exec(s.iana);
      if (bits && !s.export && !isNull(s)) expect(s.strength, msg).toBe(Number(bits[1]));
    }
  });

  it('a suite without an OpenSSL label carries its registry name', () => {
    expect(suite(0xc07a).name).toBe('TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256');
    expect(suite(0xc03c).name).toBe('TLS_RSA_WITH_ARIA_128_CBC_SHA256');
    expect(suite(0x1306).name).toBe('TLS_AEGIS_256_SHA512');
  });
});

describe('predicates', () => {
  it('classify the obvious cases', () => {
    expect(isRc4(suite(0x0005))).toBe(true);
    expect(isRc4(suite(0xc02f))).toBe(false);
    expect(is3des(suite(0xc012))).toBe(true);
    expect(is3des(suite(0x0009))).toBe(false);
    expect(isExport(suite(0x0008))).toBe(true);
    expect(isExport(suite(0x0009))).toBe(false);
    expect(isAnonymous(suite(0x0034))).toBe(true); // ADH-AES128-SHA
    expect(isAnonymous(suite(0xc018))).toBe(true); // AECDH-AES128-SHA
    expect(isAnonymous(suite(0x0000))).toBe(true);
    expect(isAnonymous(suite(0x002f))).toBe(false);
    expect(isNull(suite(0xc010))).toBe(true);
    expect(isNull(suite(0xc0b4))).toBe(true); // TLS_SHA256_SHA256, integrity only
    expect(isNull(suite(0x0004))).toBe(false);
    expect(isCbc(suite(0x002f))).toBe(true);
    expect(isCbc(suite(0x0005))).toBe(false);
    expect(isCbc(suite(0xc02f))).toBe(false);
    expect(isAead(suite(0xc02f))).toBe(true);
    expect(isAead(suite(0xcca9))).toBe(true);
    expect(isAead(suite(0xc0ac))).toBe(true); // CCM
    expect(isAead(suite(0xc027))).toBe(false);
    expect(is64BitBlock(suite(0x000a))).toBe(true);
    expect(is64BitBlock(suite(0x0007))).toBe(true); // IDEA
    expect(is64BitBlock(suite(0x002f))).toBe(false);
    expect(is64BitBlock(suite(0x0005))).toBe(false);
  });
});

describe('SSLv2 cipher kinds', () => {
  it('are the seven kinds, SSLv2 only', () => {
    expect(SSL2_CIPHER_KINDS.map((k) => [k.id, k.name, k.strength, k.export])).toEqual([
      [0x010080, 'RC4-MD5', 128, false],
      [0x020080, 'EXP-RC4-MD5', 40, true],
      [0x030080, 'RC2-CBC-MD5', 128, false],
      [0x040080, 'EXP-RC2-CBC-MD5', 40, true],
      [0x050080, 'IDEA-CBC-MD5', 128, false],
      [0x060040, 'DES-CBC-MD5', 56, false],
      [0x0700c0, 'DES-CBC3-MD5', 112, false],
    ]);
    for (const k of SSL2_CIPHER_KINDS) {
      expect(k.minProtocol).toBe(SSL2);
      expect(k.maxProtocol).toBe(SSL2);
      expect(k.mac).toBe('MD5');
      expect(cipherSuite(k.id)).toBe(k);
    }
    expect(suite(0x0700c0)).toMatchObject({ iana: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5', cipher: '3DES' });
    expect(suitesForProtocol(SSL2)).toBe(SSL2_CIPHER_KINDS);
  });

  it('are not offered in SSLv3 or TLS hellos', () => {
    const tls = new Set(suitesForProtocol(TLS12).map((s) => s.id));
    for (const k of SSL2_CIPHER_KINDS) expect(tls.has(k.id)).toBe(false);
  });
});

describe('suitesForProtocol', () => {
  const ids = (v: ProtocolVersion): number[] => suitesForProtocol(v).map((s) => s.id);

  it('offers per version what the version can negotiate, ordered by id', () => {
    for (const v of [SSL3, TLS10, TLS11, TLS12, TLS13] as const) {
      const list = ids(v);
      expect(list).toEqual([...list].sort((a, b) => a - b));
      expect(list).not.toContain(0x0000); // TLS_NULL_WITH_NULL_NULL is never offered
      for (const s of suitesForProtocol(v)) {
        expect(s.minProtocol).toBeLessThanOrEqual(v);
        expect(s.maxProtocol).toBeGreaterThanOrEqual(v);
      }
    }
    expect(ids(SSL3)).toEqual(expect.arrayContaining([0x000a, 0x0004, 0xc013, 0x0003]));
    expect(ids(SSL3)).not.toContain(0xc02f);
    expect(ids(SSL3)).not.toContain(0x00ae); // PSK-AES128-CBC-SHA256 starts at TLS 1.0
    expect(ids(TLS10)).toContain(0x00ae);
    expect(ids(TLS11)).toEqual(ids(TLS10));
    expect(ids(TLS12)).toEqual(expect.arrayContaining([0xc02f, 0x009e, 0x0067, 0xcca8, 0x000a]));
    expect(ids(TLS12)).not.toContain(0x1301);
    expect(ids(TLS13)).toEqual(expect.arrayContaining([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]));
    expect(ids(TLS13)).not.toContain(0xc02f);
    expect(suitesForProtocol(TLS13).every((s) => s.maxProtocol === TLS13)).toBe(true);
  });

  it('returns the same list each time', () => {
    expect(suitesForProtocol(TLS12)).toBe(suitesForProtocol(TLS12));
  });
});

/** `openssl ciphers -V` rows: id, OpenSSL name, registry name (with -stdname), protocol, Kx, Au, Enc, Mac. */
function opensslListing(): string | null {
  const args = ['ciphers', '-V', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'];
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    try {
      return execFileSync(
        'openssl',
        args.filter((a) => a !== '-stdname'),
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
    } catch {
      return null;
    }
  }
}

describe('agreement with the local OpenSSL', () => {
  const listing = opensslListing();

  it('names, key exchange, strength and protocol floor match `openssl ciphers -V`', (ctx) => {
    if (listing === null) {
      console.warn('skipped: no openssl binary on PATH to compare cipher names with');
      ctx.skip();
      return;
    }
    const kxMap: Record<string, string> = {
      RSA: 'RSA',
      DH: 'DH',
      ECDH: 'ECDH',
      PSK: 'PSK',
      DHEPSK: 'PSK',
      ECDHEPSK: 'PSK',
      RSAPSK: 'PSK',
      SRP: 'SRP',
      any: 'ECDH',
    };
    const auMap: Record<string, string> = {
      RSA: 'RSA',
      DSS: 'DSS',
      ECDSA: 'ECDSA',
      PSK: 'PSK',
      SRP: 'SRP',
      None: 'anon',
      any: 'any',
    };
    const macMap: Record<string, string> = {
      SHA1: 'SHA',
      MD5: 'MD5',
      SHA256: 'SHA256',
      SHA384: 'SHA384',
      AEAD: 'AEAD',
    };
    let checked = 0;
    for (const line of listing.trim().split('\n')) {
      const f = line.trim().split(/\s+/);
      const [hi, lo] = (f[0] ?? '').split(',').map((b) => parseInt(b, 16));
      if (hi === undefined || lo === undefined) continue;
      const id = (hi << 8) | lo;
      const at = f.findIndex((t) => /^(SSLv3|TLSv1(\.\d)?)$/.test(t));
      const name = f[at - 1];
      const field = (key: string): string =>
        (f.find((t) => t.startsWith(`${key}=`)) ?? '').slice(key.length + 1);
      const s = cipherSuite(id);
      const msg = `${f[0]} ${name}`;
      expect(s, msg).toBeDefined();
      if (!s) continue;
      expect(s.name, msg).toBe(name);
      if (at === 5) expect(s.iana, msg).toBe(f[2]); // with -stdname: id - STDNAME - NAME VERSION …
      expect(s.kx, msg).toBe(kxMap[field('Kx')]);
      expect(s.auth, msg).toBe(auMap[field('Au')]);
      expect(s.mac, msg).toBe(macMap[field('Mac')]);
      const enc = /\((\d+)\)$/.exec(field('Enc'));
      expect(s.strength, msg).toBe(field('Enc') === 'None' ? 0 : is3des(s) ? 112 : Number(enc?.[1]));
      expect(s.forwardSecrecy, msg).toBe(/^(DH|ECDH|DHEPSK|ECDHEPSK|SRP|any)$/.test(field('Kx')));
      const proto = f[at];
      if (proto === 'TLSv1.3') expect([s.minProtocol, s.maxProtocol], msg).toEqual([TLS13, TLS13]);
      else if (proto === 'TLSv1.2') expect(s.minProtocol, msg).toBe(TLS12);
      else if (proto === 'SSLv3') expect(s.minProtocol, msg).toBe(SSL3);
      // OpenSSL 1.1+ puts ECDHE at TLS 1.0 because SSLv3 has no extensions; SSL Labs sees them on SSLv3.
      else expect([SSL3, TLS10], msg).toContain(s.minProtocol);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
