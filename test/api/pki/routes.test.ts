import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  id_pkix_ocsp_basic,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  SingleResponse,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheHeaders, decodeGetRequest } from '../../../src/api/pki/routes.js';
import type { PkiPublisher } from '../../../src/core/ca/publisher.js';
import type { GridService } from '../../../src/core/grid/types.js';
import { buildApp } from '../../../src/server/app.js';

/** The PKI routes over a scripted publisher; the real CA answers openssl in pki-openssl.test.ts. */

const thisUpdate = new Date('2030-01-01T00:00:00Z');
const nextUpdate = new Date('2030-01-02T00:00:00Z');

function ocspResponse(next: Date | null = nextUpdate): Buffer {
  const single = new SingleResponse({
    certID: new CertID({
      hashAlgorithm: new AlgorithmIdentifier({ algorithm: '1.3.14.3.2.26' }),
      issuerNameHash: new OctetString(new Uint8Array(20)),
      issuerKeyHash: new OctetString(new Uint8Array(20)),
      serialNumber: new Uint8Array([1]).buffer,
    }),
    certStatus: new CertStatus({ good: null }),
    thisUpdate,
    ...(next === null ? {} : { nextUpdate: next }),
  });
  const basic = new BasicOCSPResponse({
    tbsResponseData: new ResponseData({
      responderID: new ResponderID({ byKey: new OctetString(new Uint8Array(20)) }),
      producedAt: thisUpdate,
      responses: [single],
    }),
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }),
    signature: new Uint8Array(8).buffer,
  });
  const resp = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({
      responseType: id_pkix_ocsp_basic,
      response: new OctetString(AsnConvert.serialize(basic)),
    }),
  });
  return Buffer.from(AsnConvert.serialize(resp));
}

const MALFORMED = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]);

describe('PKI routes over a scripted publisher', () => {
  let app: FastifyInstance;
  const pki = {
    crl: vi.fn(async (id: string) => (id === 'issuing-1' ? Buffer.from('CRL-DER') : null)),
    caCertificate: vi.fn(async (id: string) => (id === 'root' ? Buffer.from('ROOT-DER') : null)),
    ocsp: vi.fn(async (_der: Buffer): Promise<Buffer> => ocspResponse()),
  } satisfies PkiPublisher;

  beforeAll(async () => {
    app = await buildApp({ grid: {} as GridService, pki });
  });
  afterAll(() => app.close());
  beforeEach(() => vi.clearAllMocks());

  it('serves CRLs and CA certificates as DER with their media types', async () => {
    const crl = await app.inject({ method: 'GET', url: '/crl/issuing-1.crl' });
    expect(crl.statusCode).toBe(200);
    expect(crl.headers['content-type']).toBe('application/pkix-crl');
    expect(crl.rawPayload).toEqual(Buffer.from('CRL-DER'));
    const ca = await app.inject({ method: 'GET', url: '/ca/root.crt' });
    expect(ca.headers['content-type']).toBe('application/pkix-cert');
    expect(ca.rawPayload).toEqual(Buffer.from('ROOT-DER'));
  });

  it('unknown CAs, wrong suffixes and odd names are 404', async () => {
    for (const url of [
      '/crl/nope.crl',
      '/crl/root.crt',
      '/ca/root.crl',
      '/ca/issuing-1',
      '/crl/..%2Fx.crl',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    expect(pki.crl).toHaveBeenCalledTimes(1);
    expect(pki.caCertificate).not.toHaveBeenCalled();
  });

  it('POST /ocsp hands the raw body to the responder', async () => {
    const req = Buffer.from([0x30, 0x01, 0xff]);
    const res = await app.inject({
      method: 'POST',
      url: '/ocsp',
      headers: { 'content-type': 'application/ocsp-request' },
      payload: req,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/ocsp-response');
    expect(pki.ocsp).toHaveBeenCalledWith(req);
    expect(res.headers['cache-control']).toBeUndefined();
    const wrong = await app.inject({
      method: 'POST',
      url: '/ocsp',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(wrong.statusCode).toBe(415);
  });

  it('GET /ocsp/<url-encoded base64> decodes slashes and escapes, with RFC 5019 caching headers', async () => {
    const der = Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x00, 0x10]); // base64 "+/+/PgAQ"
    const b64 = der.toString('base64');
    expect(b64).toContain('/');
    const res = await app.inject({
      method: 'GET',
      url: `/ocsp/${encodeURIComponent(b64).replace(/%2F/g, '/')}`,
    });
    expect(res.statusCode).toBe(200);
    expect(pki.ocsp).toHaveBeenCalledWith(der);
    expect(res.headers['content-type']).toBe('application/ocsp-response');
    expect(res.headers['cache-control']).toMatch(/^max-age=\d+, public, no-transform, must-revalidate$/);
    expect(res.headers.expires).toBe(nextUpdate.toUTCString());
    expect(res.headers['last-modified']).toBe(thisUpdate.toUTCString());
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it('a responder failure answers OCSP internalError, logged, not a 500', async () => {
    pki.ocsp.mockRejectedValueOnce(new Error('boom'));
    const res = await app.inject({ method: 'GET', url: '/ocsp/MAA%3D' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x02]));
    expect(res.headers['cache-control']).toBe('no-cache, no-store');
  });
});

describe('decodeGetRequest and cacheHeaders', () => {
  it('decodes the path after /ocsp/, ignoring the query; garbage becomes an empty request', () => {
    expect(decodeGetRequest('/ocsp/MEow%2BSA%3D%3D?x=1')).toEqual(Buffer.from('MEow+SA==', 'base64'));
    expect(decodeGetRequest('/ocsp/ME/ow+SA==')).toEqual(Buffer.from('ME/ow+SA==', 'base64'));
    expect(decodeGetRequest('/ocsp/%E0%A4%A')).toEqual(Buffer.alloc(0));
    expect(decodeGetRequest('/ocsp/not*base64')).toEqual(Buffer.alloc(0));
    expect(decodeGetRequest('/ocsp/')).toEqual(Buffer.alloc(0));
  });

  it('max-age runs to nextUpdate; no nextUpdate or a failure status is not cacheable', () => {
    expect(cacheHeaders(ocspResponse(), new Date('2030-01-01T12:00:00Z'))['cache-control']).toBe(
      'max-age=43200, public, no-transform, must-revalidate',
    );
    expect(cacheHeaders(ocspResponse(), new Date('2031-01-01T00:00:00Z'))['cache-control']).toMatch(
      /^max-age=0,/,
    );
    expect(cacheHeaders(ocspResponse(null), new Date())).toEqual({
      'cache-control': 'no-cache, no-store',
    });
    expect(cacheHeaders(MALFORMED, new Date())).toEqual({ 'cache-control': 'no-cache, no-store' });
    expect(cacheHeaders(Buffer.from('junk'), new Date())).toEqual({ 'cache-control': 'no-cache, no-store' });
  });
});
