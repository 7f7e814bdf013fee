import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { GridService } from '../../core/grid/types.js';
import { dispatchGridRequest } from './dispatch.js';
import { renderFailure, renderSuccess, type Rendered } from './envelope.js';
import { specError, type GridError } from './errors.js';
import { collectParams, lastValue, responseTypeOf } from './params.js';

export interface GridApiOptions {
  readonly grid: GridService;
}

/**
 * The DigiCert Grid API: `POST /enterprise/api/?action=grid_*` (trailing slash optional).
 *
 * - `action` comes from the query string, else from the body; every other parameter from the
 *   body (form, JSON object, or a raw body of any other or missing Content-Type read as a form),
 *   else from the query string.
 * - HTTP status: every answer the API produces is 200 with `result` success or failure, as
 *   DigiCert answers; that includes `internal_error` (logged with the request id). Only a body
 *   that cannot be read at all answers 4xx (400 unreadable, 413 too large), still in the envelope.
 *
 * Encapsulated: its content-type parser and error handler apply to these routes only.
 */
export const gridApiPlugin: FastifyPluginAsync<GridApiOptions> = async (app, opts) => {
  const { grid } = opts;

  // Clients that omit Content-Type (or send an odd one) still post form fields.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    let error: GridError;
    if (status === 500) {
      req.log.error({ err }, 'grid api: unhandled error');
      error = specError('internal_error');
    } else {
      error = {
        code: 'generic_error',
        description:
          status === 413 ? 'The request body is too large.' : 'The request body could not be read.',
      };
    }
    const type = responseTypeOf(collectParams(req.query));
    return send(reply.status(status), renderFailure(type, [error]));
  });

  const handle = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const query = collectParams(req.query);
    const params = collectParams(req.query, req.body);
    const outcome = await dispatchGridRequest(
      grid,
      {
        // The query's action wins; without one, params holds only the body's (parsed once, above).
        action: lastValue(query, 'action') ?? lastValue(params, 'action'),
        params,
        caller: { ip: req.ip, origin: 'api' },
      },
      req.log,
    );
    const type = responseTypeOf(params);
    return send(
      reply.status(200),
      outcome.ok ? renderSuccess(type, outcome.ret) : renderFailure(type, outcome.errors),
    );
  };

  app.post('/enterprise/api/', handle);
  app.post('/enterprise/api', handle);
};

function send(reply: FastifyReply, r: Rendered): FastifyReply {
  return reply.header('content-type', r.contentType).send(r.body);
}
