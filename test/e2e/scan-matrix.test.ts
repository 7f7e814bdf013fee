/**
 * The scanner and the assessment against the real TLS servers of test/helpers/tls-servers.ts: every kind is
 * scanned once with `scanEndpoint` (one scheduler for the file, all servers at once) and assessed with the
 * Mozilla store and the test root's store ("certgrid-test"). Each kind is checked against the facts its
 * `expected` records (verified with `openssl s_client` by tls-servers.test.ts) and against what its
 * configuration makes of the grade.
 *
 * Grades here depend on certgrid's two A- conditions (docs/grading.md): every server but nginx sends no HSTS
 * over the HTTP it answers (`warn-no-hsts`), and TLS 1.2-only servers lack TLS 1.3 (`warn-no-tls13`).
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grade, SecurityGrade } from '../../src/core/assess/grade.js';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import { TLS13 } from '../../src/core/scan/types.js';
import {
  INFORMATIONAL_QIDS,
  MOZILLA_STORE,
  TEST_STORE,
  assess,
  capIds,
  dhSizes,
  has3des,
  hasCbc,
  keyExchanges,
  protocolIds,
  qids,
  reportTimings,
  scanAndAssess,
  trustIn,
  warningIds,
  withoutAnonymousSuites,
  type ScannedEndpoint,
} from '../helpers/scan.js';
import { tlsFixtures } from '../helpers/tls-fixtures.js';
import {
  TLS_SERVER_KINDS,
  TLS_VERSION_WIRE,
  startTlsServer,
  tlsServerTool,
  type RunningTlsServer,
  type TlsServerKind,
  type TlsServerTool,
} from '../helpers/tls-servers.js';
import { requireTool } from '../helpers/tools.js';

// The test PKI is made with the openssl CLI, so every kind (node's too) needs it.
const opensslReady = requireTool('openssl', ['version']);
const available: Readonly<Record<TlsServerTool, boolean>> = {
  openssl: opensslReady,
  nginx: opensslReady && requireTool('nginx', ['-v']),
  'gnutls-serv': opensslReady && requireTool('gnutls-serv', ['--version']),
  node: opensslReady,
};
const kinds = TLS_SERVER_KINDS.filter((kind) => available[tlsServerTool(kind)]);

/** What each kind's configuration makes of the assessment, beyond the facts in `expected`. */
interface Case {
  /**
   * The server picks suites by its own order: s_server without -serverpref and gnutls-serv follow the
   * client; nginx has `ssl_prefer_server_ciphers on`, node:tls `honorCipherOrder: true`.
   */
  readonly serverPreference: boolean;
  readonly grade: Grade;
  readonly gradeTrustIgnored: SecurityGrade;
  /** Every cap that fires (`GradeResult.caps` ids). */
  readonly caps: readonly string[];
  /** Every warning that fires (`GradeResult.warnings` ids). */
  readonly warnings: readonly string[];
  /** The certgrid-test store's verdict on the chain and leaf (`TrustEntry.isTrusted`). */
  readonly trustedByTestStore: boolean;
  /** SSL Labs chain issue bits of the served chain (assessed without extra intermediates). */
  readonly chainIssues: number;
  /** 'http' when the server answers a request over TLS. */
  readonly service: 'http' | 'tcp';
  /** QIDs beyond the informational three. */
  readonly qids?: readonly number[];
}

const NO_HSTS = ['warn-no-hsts'];
const TLS12_ONLY = ['warn-no-hsts', 'warn-no-tls13'];
const TRUST_CASE = {
  serverPreference: false,
  gradeTrustIgnored: 'A-',
  warnings: NO_HSTS,
  chainIssues: 0,
  service: 'http',
} as const;
// An s_server answers `GET /` (-www) without HSTS: A- at best.
const GOOD_OPENSSL: Case = { ...TRUST_CASE, grade: 'A-', caps: [], trustedByTestStore: true };
// Client order (gnutls-serv, s_server): IE 11 offers CBC suites before its AEAD ones. On Windows Phone 8.1 it
// gets AES128-SHA(256) although it offers ECDHE with RSA (no-fs); on Windows 7 and 8.1 an ECDHE-RSA CBC suite
// although it offers GCM with RSA (no-aead).
const CLIENT_ORDER_CAPS = ['cap-no-aead-b', 'cap-no-fs-b'];
// `ALL` and `kDHE` include the anonymous (aNULL) suites: ADH-* and AECDH-* are accepted (s_client -cipher aNULL
// completes against these servers), which scores the key exchange 0 % and makes the grade F.
const ANON_CAPS = ['cap-anon-suites-f', 'score-zero-category'];

const CASES: Readonly<Record<TlsServerKind, Case>> = {
  // TLS 1.3 only: no warn-no-tls13, fallback SCSV untestable; the missing HSTS is the only warning.
  'openssl-modern': GOOD_OPENSSL,
  'openssl-intermediate': GOOD_OPENSSL,
  'openssl-legacy': {
    ...GOOD_OPENSSL,
    grade: 'F',
    gradeTrustIgnored: 'F',
    caps: [...ANON_CAPS, 'cap-tls10-b', 'cap-tls11-b', ...CLIENT_ORDER_CAPS],
    warnings: TLS12_ONLY,
    qids: [38628],
  },
  'openssl-weak-dh': {
    ...GOOD_OPENSSL,
    grade: 'F',
    gradeTrustIgnored: 'F',
    // Firefox offers DHE only as DHE-RSA-AES128-SHA (its AEAD suites are ECDHE ones): it gets CBC, no-aead.
    caps: [...ANON_CAPS, 'cap-no-aead-b', 'cap-weak-dh-b'],
    warnings: TLS12_ONLY,
  },
  // RSA key exchange only, CBC and GCM: every client gets RSA (no-fs); Firefox, which offers GCM only with
  // ECDHE, gets AES128-SHA (no-aead).
  'openssl-no-fs': {
    ...GOOD_OPENSSL,
    grade: 'B',
    gradeTrustIgnored: 'B',
    caps: CLIENT_ORDER_CAPS,
    warnings: TLS12_ONLY,
  },
  'openssl-ecdsa': GOOD_OPENSSL,
  'openssl-self-signed': {
    ...TRUST_CASE,
    grade: 'T',
    caps: ['trust-self-signed-t', 'trust-untrusted-t'],
    trustedByTestStore: false,
    qids: [38169],
  },
  'openssl-expired': {
    ...TRUST_CASE,
    grade: 'T',
    caps: ['trust-expired-t'],
    trustedByTestStore: false,
    qids: [38167],
  },
  'openssl-wrong-host': {
    ...TRUST_CASE,
    grade: 'M',
    caps: ['trust-mismatch-m'],
    trustedByTestStore: false,
    qids: [38170],
  },
  // Without the intermediate among `intermediates` the chain cannot be completed: untrusted (T), issue bits 0.
  'openssl-incomplete-chain': {
    ...TRUST_CASE,
    grade: 'T',
    caps: ['trust-untrusted-t'],
    trustedByTestStore: false,
  },
  // Leaf, root, intermediate: out of order (8), and the root is sent (16).
  'openssl-chain-wrong-order': { ...GOOD_OPENSSL, chainIssues: 8 | 16 },
  // Leaf, intermediate, an unrelated self-signed CA: unrelated (4), and a self-signed root is sent (16).
  'openssl-chain-extra-cert': { ...GOOD_OPENSSL, chainIssues: 4 | 16 },
  'openssl-sha1': {
    ...TRUST_CASE,
    grade: 'T',
    caps: ['trust-sha1-signature-t'],
    trustedByTestStore: false,
  },
  // OpenSSL's level-2 verification refuses the 1024-bit key; the assessment trusts it and caps the grade at B.
  'openssl-rsa1024': {
    ...GOOD_OPENSSL,
    grade: 'B',
    gradeTrustIgnored: 'B',
    caps: ['cap-key-lt-2048-b'],
  },
  // No HTTP answer without a client certificate: no HSTS warning (nothing seen), but no A+ either (HSTS unknown).
  'openssl-client-cert': {
    ...GOOD_OPENSSL,
    grade: 'A',
    gradeTrustIgnored: 'A',
    warnings: [],
    service: 'tcp',
  },
  // HSTS max-age=63072000 (two years), TLS 1.3, fallback SCSV, server order with FS AEAD suites only: A+.
  'nginx-intermediate': {
    ...GOOD_OPENSSL,
    serverPreference: true,
    grade: 'A+',
    gradeTrustIgnored: 'A+',
    warnings: [],
  },
  'nginx-legacy': {
    ...GOOD_OPENSSL,
    serverPreference: true,
    grade: 'F',
    gradeTrustIgnored: 'F',
    // Server order gives every reference client ECDHE with AEAD where it can have it. IE 11 / Windows Phone
    // 8.1 gets ECDHE-RSA-AES128-SHA256, but it offers AEAD only with ECDSA, which this RSA certificate cannot
    // give it: no cap for that (a client "can do better" only with suites this server's key allows).
    caps: [...ANON_CAPS, 'cap-tls10-b', 'cap-tls11-b'],
    warnings: TLS12_ONLY,
    qids: [38628],
  },
  'gnutls-normal': {
    ...GOOD_OPENSSL,
    grade: 'B',
    gradeTrustIgnored: 'B',
    caps: ['cap-tls10-b', 'cap-tls11-b', ...CLIENT_ORDER_CAPS],
    qids: [38628],
  },
  'gnutls-tls12': {
    ...GOOD_OPENSSL,
    grade: 'B',
    gradeTrustIgnored: 'B',
    caps: CLIENT_ORDER_CAPS,
    warnings: TLS12_ONLY,
  },
  'gnutls-3des': {
    ...GOOD_OPENSSL,
    grade: 'B',
    gradeTrustIgnored: 'B',
    caps: ['cap-tls10-b', 'cap-tls11-b', ...CLIENT_ORDER_CAPS],
    warnings: TLS12_ONLY,
    qids: [38628],
  },
  'node-modern': { ...GOOD_OPENSSL, serverPreference: true },
  'node-intermediate': { ...GOOD_OPENSSL, serverPreference: true },
  'node-no-tickets': { ...GOOD_OPENSSL, serverPreference: true },
};

const derOf = (pem: string): Buffer => new X509Certificate(pem).raw;

describe.skipIf(kinds.length === 0)('scanning the real TLS servers', () => {
  const servers = new Map<TlsServerKind, RunningTlsServer>();
  const scans = new Map<TlsServerKind, ScannedEndpoint>();
  const scheduler = createScheduler();

  beforeAll(async () => {
    const started = await Promise.allSettled(kinds.map((kind) => startTlsServer(kind)));
    for (const result of started) {
      if (result.status === 'fulfilled') servers.set(result.value.kind, result.value);
    }
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(
      [...servers.values()].map(async (server) => {
        scans.set(server.kind, await scanAndAssess(scheduler, server));
      }),
    );
    reportTimings('real servers', scans);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  });

  const scanOf = (kind: TlsServerKind): ScannedEndpoint => {
    const scan = scans.get(kind);
    if (scan === undefined) throw new Error(`${kind} was not scanned`);
    return scan;
  };
  const expectedOf = (kind: TlsServerKind) => servers.get(kind)!.expected;

  describe.each(kinds)('%s', (kind) => {
    const want = CASES[kind];

    it('finds exactly the protocols it completes a handshake with', () => {
      const { facts, assessment } = scanOf(kind);
      const protocols = expectedOf(kind).protocols;
      expect(protocolIds(facts)).toEqual(protocols.map((v) => TLS_VERSION_WIRE[v]));
      expect(assessment.sslProtocols).toEqual(protocols.map((v) => (v === 'TLSv1' ? 'TLSv1.0' : v)));
      for (const p of facts.protocols)
        expect(p.suites.length, `suites of 0x${p.protocol.toString(16)}`).toBeGreaterThan(0);
    });

    it('finds its key exchanges, CBC and 3DES among the accepted suites', () => {
      const { facts, details } = scanOf(kind);
      const expected = expectedOf(kind);
      expect(keyExchanges(facts)).toEqual(expected.keyExchanges);
      expect(hasCbc(facts)).toBe(expected.cbc);
      expect(details.supportsCBC).toBe(expected.cbc);
      expect(has3des(facts)).toBe(expected.tripleDes);
    });

    it('reads the DH group size of every DHE suite', () => {
      const { facts } = scanOf(kind);
      const bits = expectedOf(kind).dhBits;
      expect(dhSizes(facts)).toEqual(bits === undefined ? [] : [bits]);
    });

    it('tells whose suite order counts', () => {
      const { facts, details } = scanOf(kind);
      for (const p of facts.protocols) {
        expect(p.preference, `preference at 0x${p.protocol.toString(16)}`).toBe(want.serverPreference);
      }
      expect(details.suites.map((s) => s.preference)).toEqual(
        facts.protocols.map(() => want.serverPreference),
      );
    });

    it('reads the chain it serves, and its issues', () => {
      const { facts, details } = scanOf(kind);
      const served = expectedOf(kind).chain.map(derOf);
      // The same chain with and without SNI: one chain, not marked noSni.
      expect(facts.chains).toHaveLength(1);
      expect(facts.chains[0]!.noSni).toBe(false);
      expect(facts.chains[0]!.certs.map((c) => Buffer.from(c))).toEqual(served);
      expect(details.certChains[0]!.certIds).toHaveLength(served.length);
      expect(details.certChains[0]!.issues).toBe(want.chainIssues);
    });

    it('is trusted by the certgrid-test store only when its certificate is good, never by Mozilla', () => {
      const { details } = scanOf(kind);
      expect(trustIn(details, MOZILLA_STORE)?.isTrusted).toBe(false);
      expect(trustIn(details, TEST_STORE)?.isTrusted).toBe(want.trustedByTestStore);
    });

    it(`grades ${want.grade} (${want.gradeTrustIgnored} with trust ignored)`, () => {
      const { grade } = scanOf(kind);
      expect({
        grade: grade.grade,
        gradeTrustIgnored: grade.gradeTrustIgnored,
        caps: capIds(grade),
        warnings: warningIds(grade),
      }).toEqual({
        grade: want.grade,
        gradeTrustIgnored: want.gradeTrustIgnored,
        caps: [...want.caps].sort(),
        warnings: [...want.warnings].sort(),
      });
      expect(grade.hasWarnings).toBe(want.warnings.length > 0);
      expect(grade.isExceptional).toBe(want.gradeTrustIgnored === 'A+');
    });

    it(`is assessed as service '${want.service}'`, () => {
      const { facts, assessment, details } = scanOf(kind);
      expect(assessment.service).toBe(want.service);
      if (want.service === 'http') {
        expect(facts.session?.http?.statusCode).toBe(200);
        expect(details.httpStatusCode).toBe(200);
      } else {
        // node:tls finishes a TLS 1.3 handshake before the server refuses the missing client certificate, so
        // the session exists; the request over it gets no answer.
        expect(facts.session?.http ?? null).toBeNull();
        expect(details.httpStatusCode).toBeUndefined();
      }
    });

    it('reports RFC 5077 session tickets as the server issues them', () => {
      const expected = expectedOf(kind).sessionTickets;
      // Absent for TLS 1.3-only servers: RFC 5077 tickets do not exist there.
      if (expected === undefined) return;
      expect(scanOf(kind).details.sessionTickets).toBe(expected ? 1 : 0);
    });

    it('finds none of the implementation bugs the active probes look for', () => {
      const { facts, details } = scanOf(kind);
      const tls12OrOlder = facts.protocols.some((p) => p.protocol !== TLS13);
      expect(details.heartbleed).toBe(false);
      expect(facts.heartbleed.status).toBe(tls12OrOlder ? 'not-vulnerable' : 'not-applicable');
      expect(details.openSslCcs).toBe(1);
      expect(details.compressionMethods).toBe(0);
      expect(details.protocolIntolerance).toBe(0);
      expect(details.drownVulnerable).toBe(false);
      expect(details.poodle).toBe(false);
      // Without a TLS 1.2 session (client certificate required) the Ticketbleed probe has no ticket to send.
      if (kind === 'openssl-client-cert') expect(details.ticketbleed).not.toBe(2);
      else expect(details.ticketbleed).toBe(1);
    });

    it('reports the informational QIDs and the ones its flaws call for', () => {
      const found = qids(scanOf(kind).assessment);
      expect(found).toEqual(expect.arrayContaining([...INFORMATIONAL_QIDS, ...(want.qids ?? [])]));
      for (const qid of [38628, 38167, 38169, 38170]) {
        if (!want.qids?.includes(qid)) expect(found, `QID ${qid}`).not.toContain(qid);
      }
    });
  });

  describe('what each case comes down to', () => {
    const only = (...wanted: TlsServerKind[]) => wanted.some((k) => !kinds.includes(k));

    it.skipIf(only('openssl-modern', 'openssl-intermediate', 'node-modern', 'node-intermediate'))(
      'modern and intermediate servers are A-: HTTP is answered without HSTS, nothing else is wrong',
      () => {
        for (const kind of [
          'openssl-modern',
          'openssl-intermediate',
          'node-modern',
          'node-intermediate',
        ] as const) {
          const { facts, details, grade } = scanOf(kind);
          expect(
            grade.warnings.map((w) => w.id),
            kind,
          ).toEqual(['warn-no-hsts']);
          expect(facts.session?.http?.hsts, kind).toBeNull();
          expect(details.hstsPolicy.status, kind).toBe('absent');
          expect(details.forwardSecrecy, kind).toBe(4);
          expect(details.supportsAead, kind).toBe(true);
        }
      },
    );

    it.skipIf(only('nginx-intermediate'))(
      'nginx-intermediate sends a two-year HSTS policy and earns A+',
      () => {
        const { details, grade } = scanOf('nginx-intermediate');
        expect(details.hstsPolicy).toMatchObject({
          status: 'present',
          maxAge: 63072000,
          header: 'max-age=63072000',
        });
        expect(details.fallbackScsv).toBe(true);
        expect(grade.grade).toBe('A+');
      },
    );

    it.skipIf(only('openssl-no-fs'))('openssl-no-fs gives no client forward secrecy: cap B', () => {
      const { details, grade } = scanOf('openssl-no-fs');
      expect(details.forwardSecrecy).toBe(0);
      expect(capIds(grade)).toContain('cap-no-fs-b');
      expect(grade.grade).toBe('B');
    });

    it.skipIf(only('openssl-weak-dh'))(
      'openssl-weak-dh: 1024-bit DH caps at B, is not Logjam (1024 is not < 1024); its anonymous suites make it F',
      () => {
        const { facts, details, grade } = scanOf('openssl-weak-dh');
        expect(details.logjam).toBe(false);
        expect(capIds(grade)).toContain('cap-weak-dh-b');
        expect(capIds(grade)).not.toContain('cap-dh-lt-1024-f');
        expect(grade.grade).toBe('F');
        const withoutAnon = assess(withoutAnonymousSuites(facts)).grade;
        expect(withoutAnon.grade).toBe('B');
        expect(capIds(withoutAnon)).toContain('cap-weak-dh-b');
      },
    );

    it.skipIf(only('openssl-legacy', 'nginx-legacy', 'gnutls-normal', 'gnutls-3des'))(
      'TLS 1.0/1.1 cap at B and show BEAST',
      () => {
        for (const kind of ['openssl-legacy', 'nginx-legacy', 'gnutls-normal', 'gnutls-3des'] as const) {
          const { facts, details, grade } = scanOf(kind);
          expect(details.vulnBeast, kind).toBe(true);
          expect(capIds(grade), kind).toEqual(expect.arrayContaining(['cap-tls10-b', 'cap-tls11-b']));
          // Without the anonymous suites of `ALL`, the legacy servers come out B.
          expect(assess(withoutAnonymousSuites(facts)).grade.grade, kind).toBe('B');
        }
      },
    );

    it.skipIf(only('openssl-rsa1024'))('openssl-rsa1024: a 1024-bit key caps at B', () => {
      const { details, grade } = scanOf('openssl-rsa1024');
      expect(capIds(grade)).toEqual(['cap-key-lt-2048-b']);
      expect(details.certChains[0]!.issues).toBe(0);
    });

    it.skipIf(only('openssl-expired', 'openssl-self-signed', 'openssl-sha1', 'openssl-wrong-host'))(
      'certificate flaws replace the grade (T, M) and keep the configuration grade apart',
      () => {
        const reasons = {
          'openssl-expired': 'invalid certificate: expired',
          'openssl-wrong-host': 'invalid certificate: hostname mismatch',
          'openssl-sha1': 'invalid certificate: insecure SHA1 signature',
        } as const;
        for (const [kind, reason] of Object.entries(reasons) as [TlsServerKind, string][]) {
          expect(trustIn(scanOf(kind).details, TEST_STORE)?.trustErrorMessage, kind).toBe(reason);
        }
        expect(scanOf('openssl-self-signed').details.certChains[0]!.certIds).toHaveLength(1);
        expect(scanOf('openssl-expired').grade.gradeTrustIgnored).toBe('A-');
      },
    );

    it.skipIf(only('openssl-incomplete-chain'))(
      'openssl-incomplete-chain: completed from a known intermediate it is trusted, issue bit 2 and cap B',
      () => {
        const { facts } = scanOf('openssl-incomplete-chain');
        const completed = assess(facts, [new X509Certificate(tlsFixtures().intermediate.pem)]);
        expect(completed.details.certChains[0]!.issues).toBe(2);
        expect(trustIn(completed.details, TEST_STORE)?.isTrusted).toBe(true);
        expect(capIds(completed.grade)).toEqual(['cap-chain-incomplete-b']);
        expect(completed.grade.grade).toBe('B');
      },
    );

    it.skipIf(only('openssl-client-cert', 'openssl-intermediate'))(
      'openssl-client-cert: the handshake needs a client certificate, the wire probes see it all the same',
      () => {
        const { facts } = scanOf('openssl-client-cert');
        const reference = scanOf('openssl-intermediate').facts;
        const names = (f: typeof facts) => f.protocols.map((p) => p.suites.map((a) => a.suite.name));
        expect(names(facts)).toEqual(names(reference));
        expect(facts.session?.http ?? null).toBeNull();
      },
    );
  });
});
