import { rmSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { createCertgrid, type Certgrid } from '../../src/compose.js';
import type { KeyType } from '../../src/core/ca/types.js';
import { buildApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/db.js';
import { tempDir } from './client-csr.js';
import type { StoreFactory } from './stores.js';

/**
 * The whole stack for API tests: a store, the core from the composition root, an initialised CA,
 * the Fastify app (not listening) and one customer with an API key.
 */
export interface GridStack {
  readonly app: FastifyInstance;
  readonly certgrid: Certgrid;
  readonly store: Store;
  readonly dir: string;
  readonly customerName: string;
  readonly apiKey: string;
  /** POST /enterprise/api/?action=… with form fields, authenticated as the stack's customer. */
  grid(action: string, fields?: Record<string, string>, opts?: GridCallOptions): Promise<GridCall>;
  close(): Promise<void>;
}

export interface GridCallOptions {
  readonly xml?: boolean;
  /** Send no customer_name / customer_api_key (they may still be given in fields). */
  readonly noAuth?: boolean;
  readonly customerName?: string;
  readonly apiKey?: string;
}

export interface GridCall {
  readonly res: LightMyRequestResponse;
  /** The parsed JSON envelope (undefined for XML). */
  readonly body: GridEnvelope;
}

export interface GridEnvelope {
  readonly response: {
    readonly result: 'success' | 'failure';
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary per action
    readonly return?: any;
    readonly error_codes?: readonly { code: string; description: string }[];
    readonly errors?: readonly string[];
  };
}

export interface StackOptions {
  readonly keyType?: KeyType;
  /** Extra environment for loadConfig (e.g. CERTGRID_WEAK_KEY_BLOCKLISTS). */
  readonly env?: Record<string, string>;
  /** Server public URL (what goes into certificates' CDP/AIA); defaults to loadConfig's. */
  readonly publicUrl?: string;
}

export async function startGridStack(factory: StoreFactory, opts: StackOptions = {}): Promise<GridStack> {
  const dir = tempDir();
  const env: Record<string, string> = { CERTGRID_LOG_LEVEL: 'warn', ...opts.env };
  if (opts.publicUrl !== undefined) env.CERTGRID_PUBLIC_URL = opts.publicUrl;
  const config = loadConfig({ dataDir: dir, port: 0 }, env);
  const store = await factory.open();
  const certgrid = await createCertgrid({ config, store, passphrase: 'api-test-passphrase' });
  await certgrid.ca.initialise({ keyType: opts.keyType ?? 'p256', name: 'certgrid' });
  const app = await buildApp({ grid: certgrid.grid, pki: certgrid.pki });
  const { customerName, apiKey } = await certgrid.accounts.createCustomer('acme');

  const grid = async (action: string, fields: Record<string, string> = {}, o: GridCallOptions = {}) => {
    const form: Record<string, string> = o.noAuth
      ? {}
      : { customer_name: o.customerName ?? customerName, customer_api_key: o.apiKey ?? apiKey };
    if (o.xml) form.response_type = 'xml';
    const res = await app.inject({
      method: 'POST',
      url: `/enterprise/api/?action=${encodeURIComponent(action)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form, ...fields }).toString(),
    });
    return { res, body: (o.xml ? undefined : JSON.parse(res.body)) as GridEnvelope };
  };

  return {
    app,
    certgrid,
    store,
    dir,
    customerName,
    apiKey,
    grid,
    async close() {
      await app.close();
      await certgrid.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error codes of a failure envelope. */
export function errorCodes(call: GridCall): string[] {
  return (call.body.response.error_codes ?? []).map((e) => e.code);
}
