/**
 * The scanner and the assessment against the wire-level fake servers of test/helpers/tls/fakes (what OpenSSL
 * can no longer serve: SSLv2, SSLv3 with RC4, export suites, Heartbleed, CCS injection, Ticketbleed …). Every
 * preset is scanned once with `scanEndpoint` (one scheduler for the file, all fakes at once) and assessed with
 * the Mozilla store and the test root's store; each test checks the flaw its preset is built to show, and the
 * presets without it show that the flag is not raised for nothing.
 *
 * Fakes never complete a handshake: the node:tls session (tickets, resumption, HTTP) fails against them, so
 * `facts.session` is null and the service is 'tcp'. That is the fakes' nature, not a finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/core/scan/scheduler.js';
import { SSL2, SSL3, TLS10, TLS12 } from '../../src/core/scan/types.js';
import {
  INFORMATIONAL_QIDS,
  TEST_STORE,
  capIds,
  dhSizes,
  legacySuites,
  protocolIds,
  qids,
  reportTimings,
  scanAndAssess,
  trustIn,
  warningIds,
  type ScannedEndpoint,
} from '../helpers/scan.js';
import {
  SUITES,
  ccsServer,
  clientPreferenceServer,
  compressionServer,
  exportServer,
  heartbeatServer,
  heartbleedServer,
  intolerantServer,
  modernServer,
  noSecureRenegotiationServer,
  rc4OnlyServer,
  sslv2NoCiphersServer,
  sslv2Server,
  sslv3Rc4Server,
  startFakeTlsServer,
  ticketServer,
  ticketbleedServer,
  weakDhServer,
  type FakeServerConfig,
  type FakeTlsServer,
} from '../helpers/tls/fakes/index.js';
import { requireTool } from '../helpers/tools.js';

// The fakes serve the test PKI's chain, which is made with the openssl CLI.
const opensslReady = requireTool('openssl', ['version']);

const PRESETS = {
  sslv2: sslv2Server,
  sslv2NoCiphers: sslv2NoCiphersServer,
  sslv3Rc4: sslv3Rc4Server,
  export: exportServer,
  heartbleed: heartbleedServer,
  heartbeat: heartbeatServer,
  ccs: ccsServer,
  intolerant: intolerantServer,
  noSecureRenegotiation: noSecureRenegotiationServer,
  compression: compressionServer,
  ticketbleed: ticketbleedServer,
  tickets: ticketServer,
  weakDh: weakDhServer,
  rc4Only: rc4OnlyServer,
  clientPreference: clientPreferenceServer,
  modern: modernServer,
} as const satisfies Record<string, FakeServerConfig>;
type Preset = keyof typeof PRESETS;
const PRESET_NAMES = Object.keys(PRESETS) as Preset[];

describe.skipIf(!opensslReady)('scanning the fake TLS servers', () => {
  const fakes = new Map<Preset, FakeTlsServer>();
  const scans = new Map<Preset, ScannedEndpoint>();
  const scheduler = createScheduler();

  beforeAll(async () => {
    const started = await Promise.allSettled(
      PRESET_NAMES.map(async (name) => fakes.set(name, await startFakeTlsServer(PRESETS[name]))),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(
      PRESET_NAMES.map(async (name) => scans.set(name, await scanAndAssess(scheduler, fakes.get(name)!))),
    );
    reportTimings('fakes', scans);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...fakes.values()].map((f) => f.stop()));
  });

  const scanOf = (name: Preset): ScannedEndpoint => {
    const scan = scans.get(name);
    if (scan === undefined) throw new Error(`${name} was not scanned`);
    return scan;
  };
  /** A flag over every preset: `flagged` are the presets that must show it, the others must not. */
  const onlyFor = <T>(
    read: (scan: ScannedEndpoint) => T,
    flagged: Partial<Record<Preset, T>>,
    otherwise: T,
  ): void => {
    for (const name of PRESET_NAMES) {
      expect(read(scanOf(name)), name).toEqual(name in flagged ? flagged[name] : otherwise);
    }
  };

  describe('every preset', () => {
    it('is assessed, with the test chain trusted by the certgrid-test store', () => {
      for (const name of PRESET_NAMES) {
        const { assessment, details } = scanOf(name);
        expect(assessment.statusMessage, name).toBe('Ready');
        expect(trustIn(details, TEST_STORE)?.isTrusted, name).toBe(true);
        expect(qids(assessment), name).toEqual(expect.arrayContaining([...INFORMATIONAL_QIDS]));
      }
    });

    it('gives no node:tls session, so no HTTP: the fakes never complete a handshake', () => {
      for (const name of PRESET_NAMES) {
        const { facts, assessment } = scanOf(name);
        expect(facts.session, name).toBeNull();
        expect(assessment.service, name).toBe('tcp');
      }
    });
  });

  describe('protocols and suites', () => {
    it('SSLv2: protocol 512 is listed with its cipher kinds; DROWN; F', () => {
      const { facts, details, grade } = scanOf('sslv2');
      expect(protocolIds(facts)).toEqual([SSL2, TLS12]);
      expect(facts.protocols[0]!.suites).toHaveLength(4);
      expect(details.protocols[0]).toMatchObject({ id: 512, name: 'SSL', version: '2.0', q: 0 });
      expect(details.drownVulnerable).toBe(true);
      expect(capIds(grade)).toEqual(expect.arrayContaining(['cap-ssl2-f', 'cap-drown-f']));
      expect(grade.grade).toBe('F');
    });

    it('SSLv2 with every kind disabled: v2SuitesDisabled, not DROWN, still F', () => {
      const { facts, details, grade } = scanOf('sslv2NoCiphers');
      expect(protocolIds(facts)).toEqual([SSL2, TLS12]);
      expect(facts.protocols[0]!.v2SuitesDisabled).toBe(true);
      expect(details.protocols[0]).toMatchObject({ id: 512, v2SuitesDisabled: true });
      expect(details.drownVulnerable).toBe(false);
      expect(capIds(grade)).toEqual(['cap-ssl2-f']);
      expect(grade.grade).toBe('F');
    });

    it('only the SSLv2 preset is DROWN-vulnerable', () => {
      onlyFor((s) => s.details.drownVulnerable, { sslv2: true }, false);
    });

    it('SSLv3 + RC4: POODLE, RC4, BEAST; C', () => {
      const { facts, details, grade } = scanOf('sslv3Rc4');
      expect(protocolIds(facts)).toEqual([SSL3, TLS10]);
      expect(details.poodle).toBe(true);
      expect(details.supportsRc4).toBe(true);
      expect(details.rc4Only).toBe(false);
      expect(details.vulnBeast).toBe(true);
      // Two versions and no TLS_FALLBACK_SCSV support.
      expect(details.fallbackScsv).toBe(false);
      expect(capIds(grade)).toEqual(
        expect.arrayContaining(['cap-poodle-ssl3-c', 'cap-no-tls12-c', 'cap-ssl3-b', 'cap-rc4-b']),
      );
      expect(grade.grade).toBe('C');
    });

    it('only the SSLv3 preset is POODLE-vulnerable, and BEAST needs TLS 1.0/SSLv3 with CBC', () => {
      onlyFor((s) => s.details.poodle, { sslv3Rc4: true }, false);
      onlyFor((s) => s.details.vulnBeast, { sslv3Rc4: true, export: true }, false);
    });

    it('export suites: FREAK, Logjam (512-bit DH); F', () => {
      const { facts, details, grade } = scanOf('export');
      expect(protocolIds(facts)).toEqual([TLS10]);
      expect(legacySuites(facts).map((a) => a.suite.id)).toEqual([
        SUITES['EXP-RC4-MD5'],
        SUITES['EXP-DES-CBC-SHA'],
        SUITES['EXP-EDH-RSA-DES-CBC-SHA'],
      ]);
      expect(dhSizes(facts)).toEqual([512]);
      expect(details.freak).toBe(true);
      expect(details.logjam).toBe(true);
      expect(capIds(grade)).toEqual(expect.arrayContaining(['cap-export-f', 'cap-dh-lt-1024-f']));
      expect(grade.grade).toBe('F');
    });

    it('weak DH: 1024-bit Oakley group 2 on every DHE suite; B, not Logjam', () => {
      const { facts, details, grade } = scanOf('weakDh');
      expect(legacySuites(facts)).toHaveLength(4);
      expect(dhSizes(facts)).toEqual([1024]);
      expect(details.logjam).toBe(false);
      expect(details.dhUsesKnownPrimes).toBeGreaterThan(0);
      expect(capIds(grade)).toContain('cap-weak-dh-b');
      expect(grade.grade).toBe('B');
    });

    it('only the export preset is FREAK- or Logjam-vulnerable', () => {
      onlyFor((s) => s.details.freak, { export: true }, false);
      onlyFor((s) => s.details.logjam, { export: true }, false);
    });

    it('RC4 only: rc4Only; F', () => {
      const { details, grade } = scanOf('rc4Only');
      expect(details.rc4Only).toBe(true);
      expect(details.supportsRc4).toBe(true);
      expect(capIds(grade)).toContain('cap-rc4-only-f');
      expect(grade.grade).toBe('F');
      onlyFor((s) => s.details.rc4Only, { rc4Only: true }, false);
    });

    it('client preference: preference false for suites and groups', () => {
      const { facts, details } = scanOf('clientPreference');
      expect(facts.protocols.map((p) => p.preference)).toEqual([false]);
      expect(details.suites[0]!.preference).toBe(false);
      expect(facts.namedGroups.preference).toBe(false);
      // The presets that keep the modern base's server order.
      for (const name of ['modern', 'weakDh', 'heartbleed', 'ccs'] as const) {
        expect(
          scanOf(name).facts.protocols.map((p) => p.preference),
          name,
        ).toEqual([true]);
      }
    });

    it('the modern base: A- only for lacking TLS 1.3', () => {
      const { grade } = scanOf('modern');
      expect(capIds(grade)).toEqual([]);
      expect(warningIds(grade)).toEqual(['warn-no-tls13']);
      expect(grade.grade).toBe('A-');
    });
  });

  describe('active probes', () => {
    it('Heartbleed: heartbeat and heartbleed; F', () => {
      const { facts, details, grade } = scanOf('heartbleed');
      expect(details.heartbeat).toBe(true);
      expect(details.heartbleed).toBe(true);
      expect(facts.heartbleed.status).toBe('vulnerable');
      expect(capIds(grade)).toEqual(['cap-heartbleed-f']);
      expect(grade.grade).toBe('F');
    });

    it('heartbeat without the bug: heartbeat, not heartbleed', () => {
      const { facts, details } = scanOf('heartbeat');
      expect(details.heartbeat).toBe(true);
      expect(details.heartbleed).toBe(false);
      expect(facts.heartbleed.status).toBe('not-vulnerable');
      onlyFor((s) => s.details.heartbeat, { heartbleed: true, heartbeat: true }, false);
      onlyFor((s) => s.details.heartbleed, { heartbleed: true }, false);
    });

    it('CCS injection: the early CCS is taken and the next record fails to decrypt (3); F', () => {
      // ccs-injection.ts: silence to the early ChangeCipherSpec, then bad_record_mac for the record after it.
      const { grade } = scanOf('ccs');
      expect(scanOf('ccs').details.openSslCcs).toBe(3);
      expect(capIds(grade)).toEqual(['cap-ccs-injection-f']);
      expect(grade.grade).toBe('F');
      onlyFor((s) => s.details.openSslCcs, { ccs: 3 }, 1);
    });

    it('version intolerance: TLS 1.3, "TLS 1.152" and "TLS 2.152" client_versions go unanswered', () => {
      // protocolIntolerance bits 3, 4, 5 (8 | 16 | 32).
      onlyFor((s) => s.details.protocolIntolerance, { intolerant: 8 | 16 | 32 }, 0);
    });

    it('no secure renegotiation: renegSupport bit 1 clear, a warning', () => {
      const { facts, details, grade } = scanOf('noSecureRenegotiation');
      expect(facts.serverHello.secureRenegotiation).toBe(false);
      expect(warningIds(grade)).toContain('warn-no-secure-renegotiation');
      expect(details.renegSupport & 2).toBe(0);
      onlyFor((s) => s.details.renegSupport & 2, { noSecureRenegotiation: 0 }, 2);
    });

    it('compression: DEFLATE chosen (compressionMethods 1); B', () => {
      const { grade } = scanOf('compression');
      expect(capIds(grade)).toEqual(['cap-compression-b']);
      expect(grade.grade).toBe('B');
      onlyFor((s) => s.details.compressionMethods, { compression: 1 }, 0);
    });

    it('Ticketbleed without a real ticket: no node:tls session, and the patched counterpart is untested, not cleared', () => {
      // The fakes never finish a handshake, so node:tls gets no ticket; the probe sends a made-up one.
      expect(scanOf('ticketbleed').facts.session).toBeNull();
      // A made-up ticket proves nothing when the answer is not the leak: "test failed", not "not vulnerable".
      expect(scanOf('tickets').details.ticketbleed).toBe(-1);
    });

    it('Ticketbleed: the session id comes back padded with server memory (2); F', () => {
      const { details, grade } = scanOf('ticketbleed');
      expect(details.ticketbleed).toBe(2);
      expect(capIds(grade)).toContain('cap-ticketbleed-f');
    });

    it('session tickets: the ServerHello of the ticket presets acknowledges session_ticket', () => {
      onlyFor((s) => s.details.sessionTickets, { ticketbleed: 1, tickets: 1 }, 0);
    });
  });
});
