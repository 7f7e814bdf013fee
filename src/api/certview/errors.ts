import { STATUS_CODES } from 'node:http';
import { CertgridError, type ErrorCode } from '../../core/errors.js';

/**
 * The CertView API's error vocabulary: the ONE table binding each code to its HTTP status and text
 * (spec Appendix A, plus 1965, Qualys' rate-limit code in its other APIs), and the map from core
 * error codes onto it.
 *
 * Two body shapes:
 * - coded errors, the JSON form of Qualys' SIMPLE_RETURN:
 *   `{"response":{"datetime":"2025-03-01T12:00:00Z","code":1903,"text":"Missing required parameter(s): username"}}`
 *   with the Appendix text and the specifics filled in;
 * - what Qualys' gateway answers by itself, before any API code runs:
 *   `{"status":401,"error":"Unauthorized","message":"Not authenticated"}` (or `"JWT expired"`), and in
 *   the same shape an unknown endpoint (404), a body too large (413) and any unexpected failure (500,
 *   with the request id; the details go to the log only).
 */

export const CERTVIEW_ERRORS = {
  1903: { status: 400, text: 'Missing required parameter(s):' },
  1904: { status: 400, text: 'Please specify only one of these parameters:' },
  1905: { status: 400, text: 'parameter ... has invalid value ...' },
  1907: { status: 400, text: 'The following combination of key=value pairs is not supported:' },
  1920: { status: 409, text: 'API resource is not editable' },
  1922: { status: 400, text: 'Please specify at least one of the following parameters:' },
  1965: { status: 429, text: 'Too many other API requests have run recently (i.e. rate limit)' },
  2012: { status: 403, text: 'User license is not authorized to run this API.' },
  140001: { status: 400, text: 'Malformed json' },
  140002: { status: 400, text: 'Field is not editable' },
  140004: { status: 400, text: 'Enrollment is not supported for CA' },
  140005: { status: 400, text: 'API key is not configured' },
  140006: { status: 400, text: 'Invalid renewal certificate' },
  140007: { status: 400, text: 'Certificate order type is not editable' },
  148100: { status: 403, text: 'User does not have required permissions' },
  148101: { status: 403, text: 'User has exhausted the allocated number of licenses' },
  148200: { status: 404, text: 'Invalid certificate order' },
} as const satisfies Record<number, { readonly status: number; readonly text: string }>;

export type CertviewCode = keyof typeof CERTVIEW_ERRORS;

/** Codes whose text carries specifics: made by the factories below, never bare. */
type DetailedCode = 1903 | 1904 | 1905 | 1907 | 1922 | 1965;

/** A coded CertView error, thrown by adapter code for situations only the wire knows about. */
export class CertviewError extends Error {
  readonly status: number;
  constructor(
    readonly code: CertviewCode,
    readonly text: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(text);
    this.name = 'CertviewError';
    this.status = CERTVIEW_ERRORS[code].status;
  }
}

/** A code whose Appendix text is complete as it stands. */
export const certviewError = (code: Exclude<CertviewCode, DetailedCode>): CertviewError =>
  new CertviewError(code, CERTVIEW_ERRORS[code].text);

export const missingParameters = (names: readonly string[]): CertviewError =>
  new CertviewError(1903, `${CERTVIEW_ERRORS[1903].text} ${names.join(', ')}`);

export const onlyOneOf = (names: readonly string[]): CertviewError =>
  new CertviewError(1904, `${CERTVIEW_ERRORS[1904].text} ${names.join(', ')}`);

export const atLeastOneOf = (names: readonly string[]): CertviewError =>
  new CertviewError(1922, `${CERTVIEW_ERRORS[1922].text} ${names.join(', ')}`);

/** `parameter pageSize has invalid value 500: must be 1-200`; the value is left out when unknown. */
export const invalidParameter = (name: string, value?: unknown, reason?: string): CertviewError =>
  new CertviewError(
    1905,
    `parameter ${name} has invalid value${value === undefined ? '' : ` ${shown(value)}`}${reason ? `: ${reason}` : ''}`,
  );

/** `… not supported: autoGenerateCSR=true, encodedCSR=MIIC…` */
export const unsupportedCombination = (pairs: Readonly<Record<string, unknown>>): CertviewError =>
  new CertviewError(
    1907,
    `${CERTVIEW_ERRORS[1907].text} ${Object.entries(pairs)
      .map(([k, v]) => `${k}=${shown(v)}`)
      .join(', ')}`,
  );

export const rateLimited = (retryAfterSeconds: number): CertviewError =>
  new CertviewError(1965, CERTVIEW_ERRORS[1965].text, retryAfterSeconds);

export const malformedJson = (): CertviewError => certviewError(140001);

/** Echoed values are cut short and stripped of control characters: they land in clients' logs. */
function shown(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  const s = String(value).replace(/[\u0000-\u001f\u007f]/g, '');
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/** The gateway's answers (no Appendix code). */
export const NOT_AUTHENTICATED = 'Not authenticated';
export const JWT_EXPIRED = 'JWT expired';

/** An answer in the gateway's shape, for situations Appendix A has no code for. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** A path under /certview that no endpoint serves. */
export const endpointNotFound = (): GatewayError => new GatewayError(404, 'No such endpoint');

interface Gateway {
  readonly kind: 'gateway';
  readonly status: number;
  readonly message: string;
  /** RFC 6750 §3: 401s of the bearer guard say which scheme to use and, for a bad token, why. */
  readonly wwwAuthenticate?: string;
}

interface Coded {
  readonly kind: 'coded';
  readonly error: CertviewError;
}

type Failure = (Gateway | Coded) & { readonly log?: 'error' | 'warn' };

const REALM = 'Bearer realm="certview"';
const gateway = (status: number, message: string, extra: Partial<Gateway> = {}): Gateway => ({
  kind: 'gateway',
  status,
  message,
  ...extra,
});
const coded = (error: CertviewError): Coded => ({ kind: 'coded', error });
const internal: Failure = { ...gateway(500, 'Internal error'), log: 'error' };

/** The core's reason without the `field: ` prefix that `invalid()` puts in front. */
function reasonOf(e: CertgridError): string {
  const prefix = `${e.field}: `;
  return e.field !== undefined && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

const invalidValue =
  (fallbackField: string) =>
  (e: CertgridError): Failure =>
    coded(invalidParameter(e.field ?? fallbackField, e.data?.value, reasonOf(e)));

const csr = invalidValue('csr');

/**
 * Core code → CertView answer. Keyed by the closed ErrorCode union, so a new core code does not
 * compile until it is mapped here. Codes CertView does not produce yet (the CA's, the Grid
 * queue's) are mapped to their nearest Appendix entry.
 */
const CORE: Readonly<Record<ErrorCode, (e: CertgridError) => Failure>> = {
  CSR_UNPARSEABLE: csr,
  CSR_BAD_SIGNATURE: csr,
  CSR_KEY_TOO_WEAK: csr,
  CSR_KEY_SIZE_UNSUPPORTED: csr,
  CSR_KEY_TYPE_DSA: csr,
  CSR_KEY_TYPE_UNSUPPORTED: csr,
  CSR_KEY_KNOWN_WEAK: csr,

  MISSING_ARGUMENT: (e) => {
    const names = e.data?.names;
    const list = Array.isArray(names) ? names.map(String) : [e.field ?? 'unknown'];
    return coded(missingParameters(list));
  },
  INVALID_ARGUMENT: invalidValue('request'),
  CONFLICTING_ARGUMENTS: (e) => coded(onlyOneOf((e.field ?? 'request').split(','))),
  INVALID_CHARS: invalidValue('request'),
  INVALID_FORMAT: invalidValue('request'),
  SERIAL_OR_ORDER_ID_REQUIRED: (e) => coded(missingParameters([e.field ?? 'orderId'])),
  WEAK_SIGNATURE_HASH: invalidValue('signatureHash'),

  // In CertView only certificate orders are looked up by id (certificates are found by query).
  NOT_FOUND: () => coded(certviewError(148200)),
  ALREADY_EXISTS: invalidValue('request'),
  // "Certificate request can not be updated once it is in the POSTED status."
  REQUEST_NOT_PENDING: () => coded(certviewError(1920)),
  ACTION_NOT_ALLOWED: () => coded(certviewError(148100)),
  CERT_REVOKED: () => coded(certviewError(140006)),
  CERT_NOT_ISSUED: () => coded(certviewError(140006)),
  CA_NOT_SUPPORTED: () => coded(certviewError(140004)),
  CA_NOT_CONFIGURED: () => ({ ...coded(certviewError(140005)), log: 'warn' }),
  INVALID_RENEWAL: () => coded(certviewError(140006)),
  ORDER_TYPE_NOT_EDITABLE: () => coded(certviewError(140007)),
  FIELD_NOT_EDITABLE: () => coded(certviewError(140002)),
  LICENCES_EXHAUSTED: () => coded(certviewError(148101)),

  // Bad credentials at POST /auth: the same answer for an unknown user and a wrong password.
  AUTH_FAILED: () => gateway(401, NOT_AUTHENTICATED),
  TOKEN_INVALID: (e) =>
    gateway(401, NOT_AUTHENTICATED, {
      // No token at all gets no error code (RFC 6750 §3.1).
      wwwAuthenticate: e.data?.presented === false ? REALM : `${REALM}, error="invalid_token"`,
    }),
  TOKEN_EXPIRED: () =>
    gateway(401, JWT_EXPIRED, {
      wwwAuthenticate: `${REALM}, error="invalid_token", error_description="The access token expired"`,
    }),
  PERMISSION_DENIED: () => coded(certviewError(148100)),
  LICENSE_DENIED: () => coded(certviewError(2012)),
  RATE_LIMITED: (e) => {
    const after = Number(e.data?.retryAfterSeconds);
    return coded(rateLimited(Number.isFinite(after) && after > 0 ? Math.ceil(after) : 1));
  },

  LINT_FAILED: invalidValue('certificate'),
  CA_NOT_INITIALISED: () => ({ ...coded(certviewError(140004)), log: 'warn' }),
  CA_KEY_UNAVAILABLE: () => internal,
  INTERNAL: () => internal,
};

/** Fastify's body errors that mean "this is not the JSON the endpoint takes". */
const NOT_JSON = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
]);

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: readonly {
    readonly keyword?: string;
    readonly instancePath?: string;
    readonly message?: string;
    readonly params?: Readonly<Record<string, unknown>>;
  }[];
}

/** Fastify schema validation (routes declaring a JSON schema) in Appendix A terms. */
function fromValidation(v: NonNullable<FastifyLikeError['validation']>): Failure {
  const missing = v
    .filter((x) => x.keyword === 'required')
    .map((x) => String(x.params?.missingProperty ?? ''))
    .filter((n) => n !== '');
  if (missing.length > 0) return coded(missingParameters(missing));
  const first = v[0];
  const name = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || 'body';
  return coded(invalidParameter(name, undefined, first?.message));
}

function toFailure(err: unknown): Failure {
  if (err instanceof CertviewError) return coded(err);
  if (err instanceof GatewayError) return gateway(err.status, err.message);
  if (err instanceof CertgridError) return (CORE[err.code] ?? (() => internal))(err);
  if (typeof err !== 'object' || err === null) return internal;
  const e = err as FastifyLikeError;
  if (typeof e.code === 'string' && NOT_JSON.has(e.code)) return coded(malformedJson());
  // A SyntaxError from a JSON parser (Fastify's own sets statusCode 400 on it).
  if (err instanceof SyntaxError && e.statusCode === 400) return coded(malformedJson());
  if (Array.isArray(e.validation) && e.validation.length > 0) return fromValidation(e.validation);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return gateway(status, STATUS_CODES[status] ?? 'Bad Request');
  return internal;
}

export interface RenderedFailure {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: CodedBody | GatewayBody;
  /** Set when the failure must reach the log (with the request id). */
  readonly log?: 'error' | 'warn';
}

export interface CodedBody {
  readonly response: { readonly datetime: string; readonly code: number; readonly text: string };
}

export interface GatewayBody {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly requestId?: string;
}

/** Qualys writes its datetimes in UTC to the second: `2017-04-12T19:30:20Z`. */
export const certviewDatetime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Anything thrown while serving a CertView request → status, headers and body. Unknown errors
 * become a generic 500 whose only detail is the request id: their message never reaches the client.
 */
export function renderCertviewFailure(
  err: unknown,
  ctx: { readonly now: Date; readonly requestId: string },
): RenderedFailure {
  const f = toFailure(err);
  const log = f.log === undefined ? {} : { log: f.log };
  if (f.kind === 'coded') {
    const headers: Record<string, string> = {};
    if (f.error.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(f.error.retryAfterSeconds);
      // What Qualys' APIs call the same wait.
      headers['x-ratelimit-towait-sec'] = String(f.error.retryAfterSeconds);
    }
    return {
      status: f.error.status,
      headers,
      body: { response: { datetime: certviewDatetime(ctx.now), code: f.error.code, text: f.error.text } },
      ...log,
    };
  }
  const body: GatewayBody = {
    status: f.status,
    error: STATUS_CODES[f.status] ?? 'Error',
    message: f.message,
    ...(f.status >= 500 ? { requestId: ctx.requestId } : {}),
  };
  return {
    status: f.status,
    headers: f.wwwAuthenticate === undefined ? {} : { 'www-authenticate': f.wwwAuthenticate },
    body,
    ...log,
  };
}
