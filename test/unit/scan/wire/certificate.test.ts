import { describe, expect, it } from 'vitest';
import { buildCertificate, parseCertificate, toHex } from '../../../../src/core/scan/wire/index.js';
import { expectWireError, filled, hex } from './helpers.js';

describe('Certificate, TLS ≤ 1.2 form (RFC 5246 §7.4.2)', () => {
  it('builds the exact bytes: u24 list of u24 certificates', () => {
    const msg = buildCertificate({ certs: [hex('aabb'), hex('cc')] });
    expect(toHex(msg)).toBe('0b00000c' + '000009' + '000002aabb' + '000001cc');
  });

  it('round-trips a chain, leaf first', () => {
    const chain = [filled(700, 1), filled(1200, 2), filled(3, 3)];
    const parsed = parseCertificate(buildCertificate({ certs: chain }).subarray(4));
    expect(parsed.certs).toEqual(chain);
    expect(parsed.requestContext).toBeNull();
    expect(parsed.entries.every((e) => e.extensions.length === 0)).toBe(true);
  });

  it('accepts an empty list', () => {
    expect(parseCertificate(hex('000000')).certs).toEqual([]);
  });

  it('refuses lying lengths, empty certificates and trailing bytes', () => {
    expectWireError(
      () => parseCertificate(hex('000006 000002aabb')),
      /certificate_list length 6 exceeds the 5 bytes left/,
    );
    expectWireError(
      () => parseCertificate(hex('000005 000004aabb')),
      /cert_data length 4 exceeds the 2 bytes left/,
    );
    expectWireError(() => parseCertificate(hex('000003 000000')), /cert_data shorter than 1/);
    expectWireError(() => parseCertificate(hex('000000 00')), /trailing/);
    expectWireError(() => parseCertificate(hex('0000')), /certificate_list truncated/);
  });
});

describe('Certificate, TLS 1.3 form (RFC 8446 §4.4.2)', () => {
  it('reads request context and per-entry extensions from a hand-written vector', () => {
    const body = hex(
      '00' + // certificate_request_context: empty
        '000013' + // certificate_list
        '000002 aabb' + // cert_data
        '0006 0012 0002 0102' + // extensions: signed_certificate_timestamp
        '000001 cc 0000', // second entry, no extensions
    );
    const parsed = parseCertificate(body, { tls13: true });
    expect(parsed.requestContext).toEqual(new Uint8Array(0));
    expect(parsed.certs).toEqual([hex('aabb'), hex('cc')]);
    expect(parsed.entries[0]?.extensions).toEqual([{ type: 18, data: hex('0102') }]);
    expect(parsed.entries[1]?.extensions).toEqual([]);
    // The same bytes are not a valid ≤ 1.2 message.
    expectWireError(() => parseCertificate(body));
  });

  it('round-trips through the builder', () => {
    const msg = buildCertificate({
      tls13: true,
      requestContext: hex('0102'),
      certs: [filled(10, 7)],
      entryExtensions: [[{ type: 5, data: hex('01') }]],
    });
    const parsed = parseCertificate(msg.subarray(4), { tls13: true });
    expect(parsed.requestContext).toEqual(hex('0102'));
    expect(parsed.entries).toEqual([{ der: filled(10, 7), extensions: [{ type: 5, data: hex('01') }] }]);
  });

  it('refuses an entry whose extensions run past the list', () => {
    expectWireError(
      () => parseCertificate(hex('00 000006 000001cc 0005'), { tls13: true }),
      /extensions length 5/,
    );
  });
});
