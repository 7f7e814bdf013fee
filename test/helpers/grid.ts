/**
 * A certgrid core over one store, for tests: fixed clock, a CA, and helpers to make customers
 * and action contexts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/index.js';
import { createCertgrid, type Certgrid } from '../../src/compose.js';
import { fixedClock, systemRandom, type Random } from '../../src/core/deps.js';
import type { ActionContext, Principal } from '../../src/core/grid/types.js';
import type { Store } from '../../src/store/db.js';
import type { StoreFactory } from './stores.js';

export const T0 = new Date('2025-03-01T12:00:00.000Z');

export function testConfig(overrides: { maxValidityYears?: number; crlRefreshHours?: number } = {}): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'certgrid-test-')),
    databaseUrl: undefined,
    publicUrl: 'http://127.0.0.1:8080',
    logLevel: 'silent',
    workers: 1,
    ca: {
      keyType: 'p256',
      name: 'certgrid-test',
      passphrase: 'test passphrase',
      weakKeyBlocklists: [],
      crlRefreshHours: overrides.crlRefreshHours ?? 12,
    },
    grid: { defaultValidityYears: 1, maxValidityYears: overrides.maxValidityYears ?? 3 },
    certview: { tokenTtlMinutes: 240 },
    auth: { maxFailuresPerUser: 5, maxFailuresPerIp: 20, failureWindowMinutes: 15 },
    scan: { ports: [443], concurrency: 256, perTarget: 8, probeTimeoutMs: 5000 },
  };
}

export interface Harness {
  readonly store: Store;
  readonly certgrid: Certgrid;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly config: Config;
  /** A new customer with a unique name, authenticated through the Grid service. */
  customer(opts?: { apiApprovals?: boolean; selfApproval?: boolean }): Promise<Customer>;
  close(): Promise<void>;
}

export interface Customer {
  readonly name: string;
  readonly apiKey: string;
  readonly principal: Principal;
  readonly ctx: ActionContext;
  /** Another user (Approver) of the same account, with its own API key and context. */
  otherUser(): Promise<{ principal: Principal; ctx: ActionContext }>;
}

let seq = 0;

export async function openHarness(
  factory: StoreFactory,
  opts: { random?: Random; config?: Config } = {},
): Promise<Harness> {
  const store = await factory.open();
  const clock = fixedClock(T0);
  const config = opts.config ?? testConfig();
  const certgrid = await createCertgrid({ config, store, clock, random: opts.random ?? systemRandom });
  await certgrid.ca.initialise({ keyType: 'p256', name: 'certgrid-test' });
  const caller = { ip: '192.0.2.10', origin: 'api' as const };

  return {
    store,
    certgrid,
    clock,
    config,
    async customer(o = {}) {
      const name = `cust-${process.pid}-${++seq}`;
      const { apiKey } = await certgrid.accounts.createCustomer(name, o);
      const principal = await certgrid.grid.authenticate(name, apiKey, caller);
      return {
        name,
        apiKey,
        principal,
        ctx: { ...caller, principal },
        async otherUser() {
          const username = `${name}-approver`;
          await certgrid.accounts.createUser({
            customerName: name,
            username,
            password: 'correct horse',
            role: 'approver',
          });
          const k = await certgrid.accounts.createApiKey({ customerName: name, username });
          const p = await certgrid.grid.authenticate(name, k.apiKey, caller);
          return { principal: p, ctx: { ...caller, principal: p } };
        },
      };
    },
    async close() {
      await certgrid.close();
      await store.close();
    },
  };
}
