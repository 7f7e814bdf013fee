import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../core/accounts/index.js';

/** Logins are a few short fields; a larger body is refused (413) before it is read in full. */
const AUTH_BODY_LIMIT = 16 * 1024;

/**
 * The fields of a login: the body read as a form whatever its Content-Type, then the query
 * string. For each field the body wins; empty values count as absent; of repeated fields the
 * first counts (as the Java servlets behind Qualys' gateway read parameters).
 */
export function loginFields(
  body: unknown,
  url: string,
): { username: string | undefined; password: string | undefined } {
  const form = new URLSearchParams(typeof body === 'string' ? body : '');
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const field = (name: string): string | undefined => {
    for (const source of [form, query]) {
      const v = source.get(name);
      if (v !== null && v !== '') return v;
    }
    return undefined;
  };
  return { username: field('username'), password: field('password') };
}

/**
 * `POST /auth` (spec chapter 1, "Authentication"): `username`, `password`, `token`, `permissions`
 * → 201 with the raw JWT as text/plain, as Qualys' gateway answers. `token` and `permissions`
 * ("should be true") are accepted and ignored: the answer is always the token, and permissions
 * are checked on each call rather than carried in it.
 *
 * The body is a form whatever it is labelled: the spec's curl samples, copied from the PDF,
 * mangle the header, and clients send `-d` without a type, `text/plain`, or a charset parameter.
 * Fastify refuses a malformed Content-Type (415) before any parser runs, so the header is
 * dropped here, in this route's scope only.
 */
export async function authRoute(
  scope: FastifyInstance,
  opts: { readonly accounts: Pick<Accounts, 'login'> },
): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  scope.addHook('onRequest', async (request) => {
    delete request.headers['content-type'];
  });

  scope.post('/auth', { bodyLimit: AUTH_BODY_LIMIT }, async (request, reply) => {
    const { token } = await opts.accounts.login({
      ...loginFields(request.body, request.url),
      ip: request.ip,
    });
    // A bearer credential must not be cached (RFC 6749 §5.1 asks the same of token responses).
    return reply
      .status(201)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(token);
  });
}
