import type { FastifyInstance } from 'fastify';
import { malformedJson } from './errors.js';

/**
 * How `/certview/*` reads request bodies: JSON only (every endpoint of the spec posts
 * `Content-Type: application/json`).
 *
 * - `application/json` (any parameters) goes through Fastify's own parser, which refuses
 *   prototype poisoning; its syntax errors are answered as 140001 "Malformed json" by the error
 *   table.
 * - Any other Content-Type with a body (a form, `text/plain`, curl's default for `-d`) is not the
 *   JSON the endpoint takes: 140001 as well. So is a malformed Content-Type header (Fastify's 415).
 * - An empty body is no body (`request.body` undefined), whatever its type, so endpoints whose
 *   parameters are all optional can be called without `-d`.
 */
export function acceptJsonBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    return parseJson(request, text, done);
  });
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (body.toString().trim() === '') return done(null, undefined);
    return done(malformedJson(), undefined);
  });
}
