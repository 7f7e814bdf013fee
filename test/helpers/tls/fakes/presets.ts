/**
 * Ready configurations for the scanner's tests, one flaw each where that is possible: a modern TLS 1.2
 * base (ECDHE/DHE with AES-GCM and ChaCha20, ffdhe2048, secure renegotiation, fallback SCSV, the test
 * PKI's RSA leaf and intermediate) with one thing changed. Spread one to vary it:
 * `startFakeTlsServer({ ...heartbleedServer, protocols: [TLS10, TLS12] })`.
 */
import { SSL2_KINDS, SSL2, SSL3, TLS10, TLS12, type FakeServerConfig } from './config.js';

/** Suite ids used by the presets (OpenSSL names). */
export const SUITES = {
  'EXP-RC4-MD5': 0x0003,
  'RC4-MD5': 0x0004,
  'RC4-SHA': 0x0005,
  'EXP-DES-CBC-SHA': 0x0008,
  'DES-CBC3-SHA': 0x000a,
  'EXP-EDH-RSA-DES-CBC-SHA': 0x0014,
  'AES128-SHA': 0x002f,
  'DHE-RSA-AES128-SHA': 0x0033,
  'AES256-SHA': 0x0035,
  'DHE-RSA-AES256-SHA': 0x0039,
  'DHE-RSA-AES128-GCM-SHA256': 0x009e,
  'DHE-RSA-AES256-GCM-SHA384': 0x009f,
  'ECDHE-RSA-AES128-SHA': 0xc013,
  'ECDHE-RSA-AES256-SHA': 0xc014,
  'ECDHE-RSA-AES128-GCM-SHA256': 0xc02f,
  'ECDHE-RSA-AES256-GCM-SHA384': 0xc030,
  'ECDHE-RSA-CHACHA20-POLY1305': 0xcca8,
} as const;

const S = SUITES;

/** The base's TLS 1.2 suites, in its order of preference. */
export const MODERN_SUITES: readonly number[] = [
  S['ECDHE-RSA-AES128-GCM-SHA256'],
  S['ECDHE-RSA-AES256-GCM-SHA384'],
  S['ECDHE-RSA-CHACHA20-POLY1305'],
  S['DHE-RSA-AES128-GCM-SHA256'],
  S['DHE-RSA-AES256-GCM-SHA384'],
];

const frozen = (c: FakeServerConfig): FakeServerConfig => Object.freeze(c);

/** TLS 1.2 only, forward-secret AEAD suites, server preference: the "nothing wrong" base. */
export const modernServer = frozen({
  protocols: [TLS12],
  suites: { [TLS12]: MODERN_SUITES },
  serverPreference: true,
  dhPrime: 'ffdhe2048',
  secureRenegotiation: true,
  fallbackScsv: true,
});

/** SSLv2 (RC4-MD5, EXP-RC4-MD5, DES-CBC3-MD5, DES-CBC-MD5) next to a modern TLS 1.2. */
export const sslv2Server = frozen({
  ...modernServer,
  protocols: [SSL2, TLS12],
  ssl2: {
    kinds: [
      SSL2_KINDS.RC4_128_WITH_MD5,
      SSL2_KINDS.RC4_128_EXPORT40_WITH_MD5,
      SSL2_KINDS.DES_192_EDE3_CBC_WITH_MD5,
      SSL2_KINDS.DES_64_CBC_WITH_MD5,
    ],
  },
});

/** SSLv2 spoken with every cipher kind disabled: SERVER-HELLO with an empty list (SSL Labs' v2SuitesDisabled). */
export const sslv2NoCiphersServer = frozen({ ...sslv2Server, ssl2: { kinds: [] } });

const OLD_SUITES: readonly number[] = [
  S['RC4-SHA'],
  S['RC4-MD5'],
  S['AES128-SHA'],
  S['AES256-SHA'],
  S['DES-CBC3-SHA'],
];

/**
 * SSLv3 and TLS 1.0 only, RC4 first then CBC suites, no ECDHE/DHE, no fallback SCSV: POODLE (SSLv3 + CBC),
 * BEAST (TLS 1.0 + CBC), RC4 and 3DES material.
 */
export const sslv3Rc4Server = frozen({
  protocols: [SSL3, TLS10],
  suites: { [SSL3]: OLD_SUITES, [TLS10]: OLD_SUITES },
  serverPreference: true,
  secureRenegotiation: true,
  fallbackScsv: false,
});

/**
 * TLS 1.0 with export suites only: EXP-RC4-MD5, EXP-DES-CBC-SHA (FREAK material) and
 * EXP-EDH-RSA-DES-CBC-SHA with a 512-bit DH prime (Logjam material). The RSA export suites send no
 * ServerKeyExchange (the fake has no 512-bit temporary RSA key).
 */
export const exportServer = frozen({
  protocols: [TLS10],
  suites: { [TLS10]: [S['EXP-RC4-MD5'], S['EXP-DES-CBC-SHA'], S['EXP-EDH-RSA-DES-CBC-SHA']] },
  serverPreference: true,
  dhPrime: 'dh512',
  secureRenegotiation: true,
});

/** Heartbeat negotiated and answered, but malformed requests are dropped as RFC 6520 says: not vulnerable. */
export const heartbeatServer = frozen({ ...modernServer, heartbeat: true, heartbleed: false });

/** Heartbeat negotiated, and a request claiming more than it carries is answered in full (CVE-2014-0160). */
export const heartbleedServer = frozen({ ...modernServer, heartbeat: true, heartbleed: true });

/** Accepts a ChangeCipherSpec before any ClientKeyExchange (CVE-2014-0224), then bad_record_mac. */
export const ccsServer = frozen({ ...modernServer, ccsInjection: true });

/** Closes the connection without answering a client_version of TLS 1.3, "TLS 1.152" or "TLS 2.152". */
export const intolerantServer = frozen({
  ...modernServer,
  intolerance: { versions: [0x0304, 0x0398, 0x0498] },
});

/** Never answers renegotiation_info (RFC 5746): insecure renegotiation. */
export const noSecureRenegotiationServer = frozen({ ...modernServer, secureRenegotiation: false });

/** Picks DEFLATE when offered (CRIME). */
export const compressionServer = frozen({ ...modernServer, compression: true });

/** Session tickets with the F5 session id bug (CVE-2016-9244). */
export const ticketbleedServer = frozen({ ...modernServer, sessionTickets: true, ticketbleed: true });

/** Session tickets without the bug: a fresh session id. */
export const ticketServer = frozen({ ...modernServer, sessionTickets: true, ticketbleed: false });

/** DHE suites only, with the 1024-bit Oakley group 2 prime. */
export const weakDhServer = frozen({
  ...modernServer,
  suites: {
    [TLS12]: [
      S['DHE-RSA-AES128-GCM-SHA256'],
      S['DHE-RSA-AES256-GCM-SHA384'],
      S['DHE-RSA-AES128-SHA'],
      S['DHE-RSA-AES256-SHA'],
    ],
  },
  dhPrime: 'modp1024',
});

/** RC4 suites only (RC4-SHA, RC4-MD5). */
export const rc4OnlyServer = frozen({
  ...modernServer,
  suites: { [TLS12]: [S['RC4-SHA'], S['RC4-MD5']] },
});

/** Follows the client's order for suites and groups. */
export const clientPreferenceServer = frozen({
  ...modernServer,
  suites: {
    [TLS12]: [...MODERN_SUITES, S['ECDHE-RSA-AES128-SHA'], S['ECDHE-RSA-AES256-SHA']],
  },
  serverPreference: false,
  groupPreference: false,
});
