import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse } from '@peculiar/asn1-ocsp';
import { afterAll, describe, expect, it } from 'vitest';
import { explicit, octetString, oid, readRoot, sequence } from '../../../src/core/ca/der.js';
import { caDetails } from '../../../src/core/ca/names.js';
import { ocspResponseStatus, parseOcspRequest, respondOcsp } from '../../../src/core/ca/ocsp.js';
import { extension } from '../../../src/core/ca/tbs.js';
import type { CaHierarchy, CertStatus, IssuedCertificate, KeyType } from '../../../src/core/ca/types.js';
import {
  chainFiles,
  hierarchy,
  issue,
  leafKeyPair,
  openssl,
  pem,
  request,
  scratch,
  spkiOf,
} from './ca-fixtures.js';

const s = scratch();
const dirs = [s];
afterAll(() => dirs.forEach((d) => d.cleanup()));

const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';

interface Setup {
  h: CaHierarchy;
  leaf: IssuedCertificate;
  files: { root: string; inter: string; leaf: string };
}

const setups = new Map<KeyType, Setup>();
function setup(kt: KeyType = 'p256'): Setup {
  let x = setups.get(kt);
  if (!x) {
    const h = hierarchy(kt);
    const leaf = issue(h, request(spkiOf(leafKeyPair('p256').publicKey)));
    const dir = scratch();
    dirs.push(dir);
    x = { h, leaf, files: chainFiles(dir, h, leaf.der) };
    setups.set(kt, x);
  }
  return x;
}

let reqCounter = 0;
/** An OCSP request made by openssl for `cert` issued by `issuer`. */
function opensslRequest(
  issuer: string,
  certs: readonly string[],
  extra: readonly string[] = ['-no_nonce'],
): Buffer {
  const out = join(s.dir, `req-${reqCounter++}.der`);
  const args = ['ocsp', ...extra, '-issuer', issuer, ...certs.flatMap((c) => ['-cert', c]), '-reqout', out];
  const r = openssl(args);
  if (r.status !== 0) throw new Error(r.out);
  return readFileSync(out);
}

/** `openssl ocsp -respin` against the chain; returns its combined output. */
function opensslCheck(
  resp: Buffer,
  x: Setup,
  certs: readonly string[],
  extra: readonly string[] = ['-no_nonce'],
): string {
  const respPath = s.file(`resp-${reqCounter++}.der`, resp);
  const args = ['ocsp', '-respin', respPath, ...extra, '-issuer', x.files.inter, '-CAfile', x.files.root];
  return openssl([...args, ...certs.flatMap((c) => ['-cert', c])]).out;
}

const minutes = (n: number): Date => new Date(Date.now() + n * 60_000);

function respond(x: Setup, requestDer: Buffer, lookup: (serial: string) => CertStatus): Buffer {
  return respondOcsp({ ca: x.h.issuing, requestDer, lookup, now: new Date(), nextUpdate: minutes(60) });
}

function basic(resp: Buffer): BasicOCSPResponse {
  const r = AsnConvert.parse(resp, OCSPResponse);
  return AsnConvert.parse(r.responseBytes!.response.buffer, BasicOCSPResponse);
}

describe('parseOcspRequest', () => {
  it('reads the CertID openssl sends, and its nonce', () => {
    const x = setup();
    const d = caDetails(x.h.issuing);
    const parsed = parseOcspRequest(opensslRequest(x.files.inter, [x.files.leaf]));
    expect(parsed.nonce).toBeUndefined();
    expect(parsed.certIds).toHaveLength(1);
    const id = parsed.certIds[0]!;
    expect(id.hashAlgorithmOid).toBe(SHA1);
    expect(id.issuerNameHash).toEqual(createHash('sha1').update(d.subjectDer).digest());
    expect(id.issuerKeyHash).toEqual(createHash('sha1').update(d.publicKeyBits).digest());
    expect(id.serialHex).toBe(x.leaf.serialHex);
    expect(readRoot(id.der, 0x30).end).toBe(id.der.length);

    const withNonce = parseOcspRequest(opensslRequest(x.files.inter, [x.files.leaf], ['-nonce']));
    expect(withNonce.nonce).toBeDefined();
    expect(withNonce.nonce![0]).toBe(0x04); // RFC 8954: the nonce is a DER OCTET STRING inside extnValue
    expect(withNonce.nonce!.length).toBe(18);
  });

  it('throws INVALID_FORMAT on garbage', () => {
    for (const bad of [Buffer.from('hello'), Buffer.alloc(0), sequence(), sequence(sequence(sequence()))]) {
      expect(() => parseOcspRequest(bad)).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
    }
  });
});

describe('respondOcsp', () => {
  it('answers good, and openssl verifies the response against the chain', () => {
    const x = setup();
    const seen: string[] = [];
    const resp = respond(x, opensslRequest(x.files.inter, [x.files.leaf]), (serial) => {
      seen.push(serial);
      return { status: 'good' };
    });
    expect(seen).toEqual([x.leaf.serialHex]);
    const out = opensslCheck(resp, x, [x.files.leaf]);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: good`);
    expect(ocspResponseStatus(resp)).toBe('successful');
  });

  it('answers revoked with time and reason', () => {
    const x = setup();
    const revokedAt = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const resp = respond(x, opensslRequest(x.files.inter, [x.files.leaf]), () => ({
      status: 'revoked',
      revokedAt,
      reason: 'keyCompromise',
    }));
    const out = opensslCheck(resp, x, [x.files.leaf]);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: revoked`);
    expect(out).toContain('Reason: keyCompromise');
    expect(out).toContain('Revocation Time: Jan  2 03:04:05 2025 GMT');
    const single = basic(resp).tbsResponseData.responses[0]!;
    expect(single.certStatus.revoked?.revocationTime.getTime()).toBe(revokedAt.getTime());
  });

  it('leaves the reason out for unspecified revocations, like the CRL', () => {
    const x = setup();
    const resp = respond(x, opensslRequest(x.files.inter, [x.files.leaf]), () => ({
      status: 'revoked',
      revokedAt: new Date(),
      reason: 'unspecified',
    }));
    const out = opensslCheck(resp, x, [x.files.leaf]);
    expect(out).toContain(`${x.files.leaf}: revoked`);
    expect(out).not.toContain('Reason:');
    expect(basic(resp).tbsResponseData.responses[0]!.certStatus.revoked?.revocationReason).toBeUndefined();
  });

  it('answers unknown when the CA does not know the serial', () => {
    const x = setup();
    const resp = respond(x, opensslRequest(x.files.inter, [x.files.leaf]), () => ({ status: 'unknown' }));
    const out = opensslCheck(resp, x, [x.files.leaf]);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: unknown`);
  });

  it('answers unknown, without a lookup, for CertIDs of another issuer', () => {
    const x = setup();
    let lookups = 0;
    // Hashes of the root instead of the issuing CA.
    const resp = respond(x, opensslRequest(x.files.root, [x.files.leaf]), () => {
      lookups++;
      return { status: 'good' };
    });
    expect(lookups).toBe(0);
    const single = basic(resp).tbsResponseData.responses[0]!;
    expect(single.certStatus.unknown).toBeNull();
    expect(single.certStatus.good).toBeUndefined();
  });

  it('matches SHA-256 CertIDs too and echoes them', () => {
    const x = setup();
    const req = opensslRequest(x.files.inter, [x.files.leaf], ['-no_nonce', '-sha256']);
    expect(parseOcspRequest(req).certIds[0]!.hashAlgorithmOid).toBe(SHA256);
    const resp = respond(x, req, () => ({ status: 'good' }));
    const out = opensslCheck(resp, x, [x.files.leaf], ['-no_nonce', '-sha256']);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: good`);
    expect(AsnConvert.serialize(basic(resp).tbsResponseData.responses[0]!.certID)).toEqual(
      new Uint8Array(parseOcspRequest(req).certIds[0]!.der).buffer,
    );
  });

  it('answers every CertID of a request in order', () => {
    const x = setup();
    const second = issue(x.h, request(spkiOf(leafKeyPair('p256').publicKey)));
    const secondPath = s.file('second.pem', pem(second.der));
    const req = opensslRequest(x.files.inter, [x.files.leaf, secondPath]);
    const resp = respond(x, req, (serial) =>
      serial === second.serialHex
        ? { status: 'revoked', revokedAt: new Date(), reason: 'superseded' }
        : { status: 'good' },
    );
    const out = opensslCheck(resp, x, [x.files.leaf, secondPath]);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: good`);
    expect(out).toContain(`${secondPath}: revoked`);
    expect(out).toContain('Reason: superseded');
  });

  it('echoes the nonce, and openssl checks it against its own request', () => {
    const x = setup();
    const req = opensslRequest(x.files.inter, [x.files.leaf], ['-nonce']);
    const resp = respond(x, req, () => ({ status: 'good' }));
    const reqPath = s.file('nonce-req.der', req);
    const respPath = s.file('nonce-resp.der', resp);
    const ok = openssl([
      'ocsp',
      '-reqin',
      reqPath,
      '-respin',
      respPath,
      '-CAfile',
      x.files.root,
      '-issuer',
      x.files.inter,
    ]);
    expect(ok.out).toContain('Response verify OK');
    expect(ok.out).not.toMatch(/nonce/i);
    const ext = basic(resp).tbsResponseData.responseExtensions!;
    expect(ext[0]!.extnID).toBe('1.3.6.1.5.5.7.48.1.2');
    expect(Buffer.from(ext[0]!.extnValue.buffer)).toEqual(parseOcspRequest(req).nonce);

    // Without the nonce in the response openssl notices.
    const noNonce = s.file(
      'no-nonce-resp.der',
      respond(x, opensslRequest(x.files.inter, [x.files.leaf]), () => ({ status: 'good' })),
    );
    const warned = openssl([
      'ocsp',
      '-reqin',
      reqPath,
      '-respin',
      noNonce,
      '-CAfile',
      x.files.root,
      '-issuer',
      x.files.inter,
    ]);
    expect(warned.out).toMatch(/no nonce in response/i);
  });

  it('rejects nonces longer than 32 octets (RFC 8954) as malformed', () => {
    const x = setup();
    const certId = parseOcspRequest(opensslRequest(x.files.inter, [x.files.leaf])).certIds[0]!.der;
    const withNonce = (n: number): Buffer =>
      sequence(
        sequence(
          sequence(sequence(certId)),
          explicit(2, sequence(extension('1.3.6.1.5.5.7.48.1.2', false, octetString(Buffer.alloc(n, 7))))),
        ),
      );
    expect(parseOcspRequest(withNonce(32)).nonce).toHaveLength(34);
    expect(ocspResponseStatus(respond(x, withNonce(32), () => ({ status: 'good' })))).toBe('successful');
    expect(ocspResponseStatus(respond(x, withNonce(33), () => ({ status: 'good' })))).toBe(
      'malformedRequest',
    );
  });

  it('answers malformedRequest (and nothing else) to garbage', () => {
    const x = setup();
    const resp = respond(x, Buffer.from('GET / HTTP/1.1\r\n'), () => {
      throw new Error('no lookup expected');
    });
    expect(resp.toString('hex')).toBe('30030a0101');
    expect(ocspResponseStatus(resp)).toBe('malformedRequest');
    const out = openssl(['ocsp', '-respin', s.file('malformed.der', resp), '-no_nonce', '-noverify']).out;
    expect(out).toMatch(/Responder Error: malformedrequest \(1\)/);
    expect(ocspResponseStatus(respond(x, sequence(oid('1.2.3')), () => ({ status: 'good' })))).toBe(
      'malformedRequest',
    );
  });

  it('identifies the responder by key hash and carries producedAt, thisUpdate and nextUpdate', () => {
    const x = setup();
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const nextUpdate = new Date(now.getTime() + 3_600_000);
    const resp = respondOcsp({
      ca: x.h.issuing,
      requestDer: opensslRequest(x.files.inter, [x.files.leaf]),
      lookup: () => ({ status: 'good' }),
      now,
      nextUpdate,
    });
    const b = basic(resp);
    const keyHash = createHash('sha1').update(caDetails(x.h.issuing).publicKeyBits).digest();
    expect(Buffer.from(b.tbsResponseData.responderID.byKey!.buffer)).toEqual(keyHash);
    expect(b.tbsResponseData.producedAt.getTime()).toBe(now.getTime());
    expect(b.tbsResponseData.responses[0]!.thisUpdate.getTime()).toBe(now.getTime());
    expect(b.tbsResponseData.responses[0]!.nextUpdate!.getTime()).toBe(nextUpdate.getTime());
    expect(b.certs).toBeUndefined();
  });

  it('can ship the CA certificate in certs', () => {
    const x = setup();
    const resp = respondOcsp({
      ca: x.h.issuing,
      requestDer: opensslRequest(x.files.inter, [x.files.leaf]),
      lookup: () => ({ status: 'good' }),
      now: new Date(),
      nextUpdate: minutes(60),
      includeCaCert: true,
    });
    const certs = basic(resp).certs!;
    expect(certs).toHaveLength(1);
    expect(Buffer.from(AsnConvert.serialize(certs[0]!))).toEqual(x.h.issuing.certDer);
    expect(opensslCheck(resp, x, [x.files.leaf])).toContain('Response verify OK');
  });

  it.each(['p384', 'rsa2048', 'ed25519'] as const)('signs verifiable responses with a %s CA', (kt) => {
    const x = setup(kt);
    const resp = respond(x, opensslRequest(x.files.inter, [x.files.leaf]), () => ({ status: 'good' }));
    const out = opensslCheck(resp, x, [x.files.leaf]);
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${x.files.leaf}: good`);
  });
});
