import { rmSync } from 'node:fs';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { principalOf } from '../../src/api/certview/principal.js';
import type { CertviewApiOptions } from '../../src/api/certview/plugin.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createCertgrid, type Certgrid } from '../../src/compose.js';
import { fixedClock, systemClock } from '../../src/core/deps.js';
import type { HostResolver } from '../../src/core/analysis/index.js';
import { buildApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/db.js';
import { tempDir } from './client-csr.js';
import { T0 } from './grid.js';
import type { StoreFactory } from './stores.js';

export const PASSWORD = 'correct horse battery';

/**
 * The whole stack for CertView API tests: a store, the core from the composition root on a frozen
 * clock, the Fastify app (not listening) with the CertView plugin, and one customer. Every
 * response is kept, so a suite can check all of them at the end.
 */
export interface CertviewStack {
  readonly app: FastifyInstance;
  readonly certgrid: Certgrid;
  readonly store: Store;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly customerName: string;
  readonly accountId: number;
  /** Every response served so far. */
  readonly responses: LightMyRequestResponse[];
  /** Lines the app logged (JSON), when `log` was asked for. */
  readonly logged: string[];
  /** A user of the stack's customer with PASSWORD. */
  user(username: string, opts?: { role?: string; permissions?: string[] }): Promise<number>;
  /** POST /auth with form fields (URL-encoded body unless `payload` is given). */
  login(fields: Record<string, string>, opts?: LoginOptions): Promise<LightMyRequestResponse>;
  /** A token for `username` (asserts the 201). */
  token(username: string): Promise<string>;
  /** Any request, through `inject`, recorded. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** POST /certview/v1/ping (or `url`) with a bearer token (none when null). */
  call(
    token: string | null,
    opts?: Omit<InjectOptions, 'method'> & { method?: 'POST' | 'GET' },
  ): Promise<LightMyRequestResponse>;
  /** `method url` with a bearer token and, when given, a JSON body (a string is sent as it is). */
  send(
    token: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface LoginOptions {
  /** Content-Type to send; null sends none. Default form-urlencoded. */
  readonly contentType?: string | null;
  readonly payload?: string;
  readonly query?: Record<string, string>;
  /** Default: a new address per login, so the per-address throttle only counts where a test asks it to. */
  readonly ip?: string;
}

export interface CertviewStackOptions {
  readonly auth?: Partial<Config['auth']>;
  readonly tokenTtlMinutes?: number;
  /** Default: `POST /certview/v1/ping`, answering the principal and the body it received. */
  readonly registerRoutes?: CertviewApiOptions['registerRoutes'];
  /** Capture the app's log (level info). */
  readonly log?: boolean;
  /**
   * Freeze the clock at the real current time and judge scanned certificates by the system clock
   * (scans of servers whose certificates were made today). Default: frozen at T0.
   */
  readonly realTime?: boolean;
  /** Name resolution for analyze. */
  readonly resolver?: HostResolver;
}

/** The test endpoint: shows who the guard let in and what body the route got. */
export const pingRoute: NonNullable<CertviewApiOptions['registerRoutes']> = (scope) => {
  scope.post('/v1/ping', async (request) => ({
    principal: principalOf(request),
    body: request.body ?? null,
  }));
};

export async function startCertviewStack(
  factory: StoreFactory,
  opts: CertviewStackOptions = {},
): Promise<CertviewStack> {
  const dir = tempDir();
  const loaded = loadConfig({ dataDir: dir, port: 0 }, { CERTGRID_LOG_LEVEL: 'warn' });
  const config: Config = {
    ...loaded,
    certview: { tokenTtlMinutes: opts.tokenTtlMinutes ?? loaded.certview.tokenTtlMinutes },
    auth: { ...loaded.auth, ...opts.auth },
  };
  const clock = fixedClock(opts.realTime ? new Date() : T0);
  const store = await factory.open();
  const certgrid = await createCertgrid({
    config,
    store,
    clock,
    passphrase: 'certview-test-passphrase',
    ...(opts.realTime ? { scanClock: systemClock } : {}),
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
  });
  const logged: string[] = [];
  const app = await buildApp({
    grid: certgrid.grid,
    pki: certgrid.pki,
    inventory: certgrid.inventory,
    analysis: certgrid.analysis,
    scanJobs: certgrid.scanJobs,
    trustedRoots: certgrid.trustedRoots,
    enrollment: certgrid.enrollment,
    certview: {
      accounts: certgrid.accounts,
      clock: certgrid.clock,
      registerRoutes: opts.registerRoutes ?? pingRoute,
    },
    ...(opts.log ? { logger: { level: 'info', stream: { write: (s: string) => void logged.push(s) } } } : {}),
  });
  const { customerName, accountId } = await certgrid.accounts.createCustomer('acme');
  const responses: LightMyRequestResponse[] = [];
  let addresses = 0;
  const nextAddress = () => {
    addresses++;
    return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
  };

  const inject = async (o: InjectOptions) => {
    const res = await app.inject(o);
    responses.push(res);
    return res;
  };

  const login = (fields: Record<string, string>, o: LoginOptions = {}) => {
    const headers: Record<string, string> = {};
    const type = o.contentType === undefined ? 'application/x-www-form-urlencoded' : o.contentType;
    if (type !== null) headers['content-type'] = type;
    const query = o.query === undefined ? '' : `?${new URLSearchParams(o.query).toString()}`;
    return inject({
      method: 'POST',
      url: `/auth${query}`,
      headers,
      payload: o.payload ?? new URLSearchParams(fields).toString(),
      remoteAddress: o.ip ?? nextAddress(),
    });
  };

  return {
    app,
    certgrid,
    store,
    clock,
    customerName,
    accountId,
    responses,
    logged,
    async user(username, o = {}) {
      const u = await certgrid.accounts.createUser({
        customerName,
        username,
        password: PASSWORD,
        role: o.role ?? 'Reader',
        permissions: o.permissions,
      });
      return u.userId;
    },
    login,
    async token(username) {
      const res = await login({ username, password: PASSWORD, token: 'true', permissions: 'true' });
      if (res.statusCode !== 201) throw new Error(`login of ${username}: ${res.statusCode} ${res.body}`);
      return res.body;
    },
    inject,
    call(token, o = {}) {
      const headers: Record<string, string> = { ...(o.headers as Record<string, string> | undefined) };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      return inject({ ...o, method: o.method ?? 'POST', url: o.url ?? '/certview/v1/ping', headers });
    },
    send(token, method, url, payload) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (payload === undefined) return inject({ method, url, headers });
      headers['content-type'] = 'application/json';
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      return inject({ method, url, headers, payload: body });
    },
    async close() {
      await app.close();
      await certgrid.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies vary per endpoint
export const json = (res: LightMyRequestResponse): any => JSON.parse(res.body);
