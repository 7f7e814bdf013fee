import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, runLoad, type LoadResult } from './lib/load.js';
import { hasCommand, makeCsrPool, OPENSSL_NEWKEY } from './lib/openssl.js';
import { initDataDir, rawSignRate, startCertgridServer } from './lib/certgrid-server.js';

/** Grid full names are letters, spaces and . ' - only. */
const NAMES = [
  'Ada Lovelace',
  'Alan Turing',
  'Grace Hopper',
  'Hedy Lamarr',
  'Radia Perlman',
  "Dennis O'Brien",
];

interface Options {
  keyTypes: string[];
  workers: number[];
  /** Client CSR key type; undefined = the CA's own key type, as in a deployment that standardises on one. */
  csrKey: string | undefined;
  concurrencies: number[];
  durationMs: number;
}

function parseArgs(args: string[]): Options {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    keyTypes: (get('--key-types') ?? 'p256,rsa2048').split(','),
    workers: (get('--workers') ?? '1,2').split(',').map(Number),
    csrKey: get('--csr-key'),
    concurrencies: (get('--concurrency') ?? '1,8,32,64').split(',').map(Number),
    durationMs: Number(get('--seconds') ?? 5) * 1000,
  };
}

/**
 * grid_request_email_cert throughput end to end (HTTP, auth, CSR checks, signing, order + audit stored),
 * beside the raw node:crypto sign rate of the same CA key and, where installed, cfssl serve.
 */
export async function runIssuanceBench(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const work = mkdtempSync(join(tmpdir(), 'certgrid-bench-'));
  try {
    console.log(
      `issuance benchmark: ${opts.durationMs / 1000}s per point, concurrency ${opts.concurrencies.join(',')}`,
    );
    for (const keyType of opts.keyTypes) {
      const csrKey = opts.csrKey ?? keyType;
      const csrs = makeCsrPool(work, 32, csrKey);
      const dataDir = join(work, `data-${keyType}`);
      const customer = initDataDir(dataDir, keyType);
      const raw = await rawSignRate(dataDir, keyType);
      console.log(
        `\n== CA key ${keyType}, client CSRs ${csrKey}: raw node:crypto sign rate ${fmt(raw)}/s (one core, the same CA key)`,
      );
      let best: LoadResult | undefined;
      for (const workers of opts.workers) {
        const server = await startCertgridServer(dataDir, workers);
        try {
          const issueLoad = (c: number, durationMs: number) =>
            runLoad({
              url: `${server.url}/enterprise/api/?action=grid_request_email_cert`,
              concurrency: c,
              durationMs,
              contentType: 'application/x-www-form-urlencoded',
              body: (i) =>
                new URLSearchParams({
                  customer_name: customer.customerName,
                  customer_api_key: customer.apiKey,
                  full_name: NAMES[i % NAMES.length]!,
                  email: `user${i}@example.com`,
                  csr: csrs[i % csrs.length]!,
                }).toString(),
              ok: (status, text) => status === 200 && text.includes('"result":"success"'),
            });
          // Warm-up, discarded: JIT, lazy CA key loading and every worker's first requests
          // otherwise land in whichever point runs first (a cold c=64 measured at less than half).
          await issueLoad(Math.max(...opts.concurrencies), 2000);
          for (const c of opts.concurrencies) {
            const r = await issueLoad(c, opts.durationMs);
            if (best === undefined || r.perSecond > best.perSecond) best = r;
            console.log(
              `certgrid w=${workers} c=${String(c).padStart(3)}  ${fmt(r.perSecond).padStart(6)} certs/s  p50 ${fmt(r.p50ms, 2)} ms  p99 ${fmt(r.p99ms, 2)} ms  failures ${r.failures}  ratio to raw sign ${fmt((100 * r.perSecond) / raw, 1)}%`,
            );
          }
        } finally {
          await server.stop();
        }
      }
      if (best === undefined) continue;
      console.log(
        `certgrid best: ${fmt(best.perSecond)} certs/s at c=${best.concurrency}; ${fmt((100 * best.perSecond) / raw, 1)}% of raw sign`,
      );
      if (hasCommand('cfssl')) await compareCfssl(work, keyType, csrs, opts, best);
      else console.log('cfssl: not installed (apt-get install golang-cfssl) — comparison skipped');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** cfssl serve with a throwaway CA of the same key type, no database: the peer's best case. */
async function compareCfssl(work: string, keyType: string, csrs: string[], opts: Options, best: LoadResult) {
  const keyArgs = OPENSSL_NEWKEY[keyType];
  if (keyArgs === undefined) return;
  const dir = join(work, `cfssl-${keyType}`);
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=cfssl bench CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      signing: {
        default: { expiry: '8760h', usages: ['digital signature', 'client auth', 'email protection'] },
      },
    }),
  );
  const port = 18000 + Math.floor(Math.random() * 1000);
  const cfssl = spawn(
    'cfssl',
    [
      'serve',
      '-address',
      '127.0.0.1',
      '-port',
      String(port),
      '-ca',
      join(dir, 'ca.pem'),
      '-ca-key',
      join(dir, 'ca.key'),
      '-config',
      join(dir, 'config.json'),
      '-loglevel',
      '5',
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port);
    const sample = await runLoad({
      url: `http://127.0.0.1:${port}/api/v1/cfssl/sign`,
      concurrency: best.concurrency,
      durationMs: opts.durationMs,
      contentType: 'application/json',
      body: (i) =>
        JSON.stringify({ certificate_request: csrs[i % csrs.length], hosts: [`user${i}@example.com`] }),
      ok: (status, text) => status === 200 && text.includes('"success":true'),
    });
    console.log(
      `cfssl   c=${String(sample.concurrency).padStart(3)}  ${fmt(sample.perSecond).padStart(6)} certs/s  p50 ${fmt(sample.p50ms, 2)} ms  p99 ${fmt(sample.p99ms, 2)} ms  failures ${sample.failures} (no database)`,
    );
    console.log(`certgrid/cfssl: ${fmt(best.perSecond / sample.perSecond, 2)}x`);
  } finally {
    cfssl.kill('SIGTERM');
  }
}

/** Polls until something answers on the port (cfssl prints nothing useful when it is ready). */
async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`cfssl did not start on port ${port}`);
      await sleep(100);
    }
  }
}
