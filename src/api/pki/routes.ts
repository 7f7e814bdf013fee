import { createHash } from 'node:crypto';
import { BasicOCSPResponse, id_pkix_ocsp_basic, OCSPResponse, OCSPResponseStatus } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PkiPublisher } from '../../core/ca/publisher.js';
import { systemClock, type Clock } from '../../core/deps.js';

export interface PkiRoutesOptions {
  readonly pki: PkiPublisher;
  /** For the OCSP GET cache lifetime; the system clock by default. */
  readonly clock?: Clock;
}

/** CA ids are short slugs (`root`, `issuing-1`); anything else is simply not found. */
const FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.(crl|crt)$/;

/** An OCSPResponse with responseStatus internalError and no responseBytes (RFC 6960 §4.2.1). */
const OCSP_INTERNAL_ERROR = Buffer.from([0x30, 0x03, 0x0a, 0x01, OCSPResponseStatus.internalError]);

/**
 * Public PKI endpoints (no authentication, plain HTTP, as relying parties fetch them):
 * - `GET /crl/<ca>.crl` — the CA's current CRL, DER (`application/pkix-crl`, RFC 5280 §4.2.1.13);
 * - `GET /ca/<ca>.crt` — the CA certificate, DER (`application/pkix-cert`, RFC 5280 §4.2.2.1);
 * - `POST /ocsp` (`application/ocsp-request`) and `GET /ocsp/<url-encoded base64 request>` —
 *   OCSP per RFC 6960 Appendix A, answering `application/ocsp-response`. GET answers carry the
 *   RFC 5019 §6.2 caching headers, with max-age running to the response's nextUpdate.
 */
export const pkiRoutes: FastifyPluginAsync<PkiRoutesOptions> = async (app, opts) => {
  const { pki } = opts;
  const clock = opts.clock ?? systemClock;

  app.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/crl/:file', async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const m = FILE.exec(req.params.file);
    const der = m?.[2] === 'crl' ? await pki.crl(m[1] as string) : null;
    if (der === null) return reply.callNotFound();
    // Short-lived: a revocation shows in the next CRL, which relying parties should not miss by hours.
    return reply
      .header('content-type', 'application/pkix-crl')
      .header('cache-control', 'public, max-age=300, no-transform')
      .send(der);
  });

  app.get('/ca/:file', async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const m = FILE.exec(req.params.file);
    const der = m?.[2] === 'crt' ? await pki.caCertificate(m[1] as string) : null;
    if (der === null) return reply.callNotFound();
    return reply
      .header('content-type', 'application/pkix-cert')
      .header('cache-control', 'public, max-age=86400, no-transform')
      .send(der);
  });

  const answer = async (req: FastifyRequest, requestDer: Buffer): Promise<Buffer> => {
    try {
      return await pki.ocsp(requestDer);
    } catch (err) {
      // pki.ocsp answers malformedRequest for bad input itself; a throw is our fault.
      req.log.error({ err }, 'ocsp: responder failed');
      return OCSP_INTERNAL_ERROR;
    }
  };

  const post = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // Other media types reach here through the app's own parsers (text, JSON): not OCSP requests.
    const body = req.body ?? Buffer.alloc(0);
    if (!Buffer.isBuffer(body)) return reply.status(415).send({ error: 'expected application/ocsp-request' });
    return reply.header('content-type', 'application/ocsp-response').send(await answer(req, body));
  };
  app.post('/ocsp', { bodyLimit: 64 * 1024 }, post);
  app.post('/ocsp/', { bodyLimit: 64 * 1024 }, post);

  app.get('/ocsp/*', async (req, reply) => {
    const der = await answer(req, decodeGetRequest(req.raw.url ?? ''));
    reply.header('content-type', 'application/ocsp-response');
    for (const [k, v] of Object.entries(cacheHeaders(der, clock.now()))) reply.header(k, v);
    return reply.send(der);
  });
};

/**
 * RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}.
 * Read from the raw URL, since the base64 may hold `/` and `%2B`/`%2F`/`%3D` escapes.
 * Anything undecodable becomes an empty request, which the responder answers malformedRequest.
 */
export function decodeGetRequest(rawUrl: string): Buffer {
  const path = rawUrl.split('?', 1)[0] as string;
  const encoded = path.slice(path.indexOf('/ocsp/') + '/ocsp/'.length);
  let b64: string;
  try {
    b64 = decodeURIComponent(encoded).replace(/\s+/g, '');
  } catch {
    return Buffer.alloc(0);
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) return Buffer.alloc(0);
  return Buffer.from(b64, 'base64');
}

/** RFC 5019 §6.2 headers for a successful response; failures must not be cached. */
export function cacheHeaders(der: Buffer, now: Date): Record<string, string> {
  const times = responseTimes(der);
  if (times?.nextUpdate === undefined) return { 'cache-control': 'no-cache, no-store' };
  const maxAge = Math.max(0, Math.floor((times.nextUpdate.getTime() - now.getTime()) / 1000));
  return {
    'cache-control': `max-age=${maxAge}, public, no-transform, must-revalidate`,
    'last-modified': times.thisUpdate.toUTCString(),
    expires: times.nextUpdate.toUTCString(),
    etag: `"${createHash('sha256').update(der).digest('hex')}"`,
  };
}

function responseTimes(der: Buffer): { thisUpdate: Date; nextUpdate?: Date | undefined } | undefined {
  try {
    const resp = AsnConvert.parse(der, OCSPResponse);
    const bytes = resp.responseBytes;
    if (resp.responseStatus !== OCSPResponseStatus.successful || bytes?.responseType !== id_pkix_ocsp_basic) {
      return undefined;
    }
    const basic = AsnConvert.parse(bytes.response.buffer, BasicOCSPResponse);
    const singles = basic.tbsResponseData.responses;
    if (singles.length === 0) return undefined;
    // With several certificates in one response, the earliest nextUpdate bounds the cache.
    const next = singles.map((s) => s.nextUpdate?.getTime());
    return {
      thisUpdate: new Date(Math.max(...singles.map((s) => s.thisUpdate.getTime()))),
      nextUpdate: next.some((t) => t === undefined)
        ? undefined
        : new Date(Math.min(...next.map((t) => t as number))),
    };
  } catch {
    return undefined;
  }
}
