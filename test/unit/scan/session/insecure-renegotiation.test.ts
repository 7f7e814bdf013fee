import { describe, expect, it } from 'vitest';
import { cipherSuite } from '../../../../src/core/scan/ciphers.js';
import {
  acceptedRenegotiation,
  refusesClientRenegotiation,
  renegotiationAnswered,
  renegotiationHello,
} from '../../../../src/core/scan/probes/insecure-renegotiation.js';
import { HANDSHAKE_TYPE } from '../../../../src/core/scan/wire/index.js';
import {
  SSL2,
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  TLS13,
  type ProtocolSuitesFacts,
  type ProtocolVersion,
} from '../../../../src/core/scan/types.js';
import { reaction } from './helpers.js';

const facts = (protocol: ProtocolVersion, ids: readonly number[]): ProtocolSuitesFacts => ({
  protocol,
  suites: ids.map((id) => ({ suite: cipherSuite(id)! })),
  preference: null,
});

describe('renegotiationHello: what the legacy client offers', () => {
  it('the best TLS 1.0–1.2 protocol, with the accepted suites the session engine runs, in the found order', () => {
    const hello = renegotiationHello([
      facts(TLS10, [0x002f]),
      facts(TLS12, [0xc02f, 0x0041, 0x0035]),
      facts(TLS13, [0x1301]),
    ]);
    // 0x0041 (Camellia) has no record protection in the engine.
    expect(hello).toEqual({ version: TLS12, suites: [0xc02f, 0x0035] });
  });

  it('falls back to an older protocol when the best one has no suite the engine runs', () => {
    expect(renegotiationHello([facts(TLS11, [0x002f]), facts(TLS12, [0x0041])])).toEqual({
      version: TLS11,
      suites: [0x002f],
    });
  });

  it('null without a TLS 1.0–1.2 suite the engine runs (TLS 1.3 only, SSL only, nothing usable)', () => {
    expect(renegotiationHello([facts(TLS13, [0x1301])])).toBeNull();
    expect(renegotiationHello([facts(SSL2, [0x002f]), facts(SSL3, [0x002f])])).toBeNull();
    expect(renegotiationHello([facts(TLS12, [0x0041])])).toBeNull();
    expect(renegotiationHello([])).toBeNull();
  });
});

describe('how the answer to the renegotiation ClientHello reads', () => {
  it('a ServerHello is an accepted renegotiation, and answers at once', () => {
    const r = reaction({ handshakeTypes: [HANDSHAKE_TYPE.server_hello] });
    expect(acceptedRenegotiation(r)).toBe(true);
    expect(renegotiationAnswered(r)).toBe(true);
  });

  it('an alert (no_renegotiation warning, handshake_failure) is an answer, and a refusal', () => {
    for (const [level, levelName, description, name] of [
      [1, 'warning', 100, 'no_renegotiation'],
      [2, 'fatal', 40, 'handshake_failure'],
    ] as const) {
      const r = reaction({ alerts: [{ level, levelName, description, name, encrypted: true }] });
      expect(renegotiationAnswered(r)).toBe(true);
      expect(acceptedRenegotiation(r)).toBe(false);
    }
  });

  it('silence or a close: no answer yet, and no renegotiation', () => {
    for (const end of ['timeout', 'closed', 'reset'] as const) {
      const r = reaction({ end });
      expect(renegotiationAnswered(r)).toBe(false);
      expect(acceptedRenegotiation(r)).toBe(false);
    }
  });
});

describe('refusesClientRenegotiation: when the scan need not ask', () => {
  it('only an RFC 5746 server that refused a secure client-initiated renegotiation', () => {
    expect(refusesClientRenegotiation(true, false)).toBe(true);
    // Accepted securely: a legacy client may be accepted too (s_server -legacy_renegotiation).
    expect(refusesClientRenegotiation(true, true)).toBe(false);
    // Not tested (node:tls could not connect): ask.
    expect(refusesClientRenegotiation(true, null)).toBe(false);
    // No RFC 5746: the secure attempt proves nothing about a legacy one.
    expect(refusesClientRenegotiation(false, false)).toBe(false);
    expect(refusesClientRenegotiation(null, false)).toBe(false);
  });
});
