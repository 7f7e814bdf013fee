import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { KEY_TYPES, type KeyType } from '../core/ca/types.js';

/**
 * certgrid's whole configuration, typed and validated once at start.
 * This module is the only reader of process.env (DESIGN.md); everything else receives a Config.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** postgres://… selects PostgreSQL; absent means the embedded SQLite file under dataDir. */
  readonly databaseUrl: string | undefined;
  /** Base URL written into issued certificates (CRL distribution point, AIA). */
  readonly publicUrl: string;
  readonly logLevel: string;
  /** Server processes sharing the port (node:cluster); 1 runs in-process. */
  readonly workers: number;
  readonly ca: {
    readonly keyType: KeyType;
    readonly name: string;
    /** Passphrase for the CA keys; when absent, a generated one is kept in <dataDir>/ca-passphrase (0600). */
    readonly passphrase: string | undefined;
    /** Files in Debian openssl-blacklist format (blacklist.RSA-2048 …). */
    readonly weakKeyBlocklists: readonly string[];
    /** Hours between CRL regenerations; the CRL's nextUpdate is twice this. */
    readonly crlRefreshHours: number;
  };
  readonly grid: {
    readonly defaultValidityYears: number;
    readonly maxValidityYears: number;
  };
  readonly certview: {
    /** Lifetime of the JWTs `POST /auth` issues (the spec's 4 hours by default). */
    readonly tokenTtlMinutes: number;
  };
  /** The TLS scanner (core/scan): what analyze scans and how hard it may knock. */
  readonly scan: {
    /** Ports analyze assesses on every address of a host. */
    readonly ports: readonly number[];
    /** Connections open at once, all targets together. */
    readonly concurrency: number;
    /** Connections open at once to one ip:port. */
    readonly perTarget: number;
    /** Time allowed for one probe (one connection), connect included. */
    readonly probeTimeoutMs: number;
  };
  /** Password login throttling (per process; see core/accounts/login-throttle.ts). */
  readonly auth: {
    readonly maxFailuresPerUser: number;
    readonly maxFailuresPerIp: number;
    readonly failureWindowMinutes: number;
  };
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | string | undefined;
  dataDir?: string | undefined;
  keyType?: string | undefined;
  configFile?: string | undefined;
  /** A number, or 0/'auto' for one per available core. */
  workers?: number | string | undefined;
  /** `certgrid scan --timeout`. */
  scanProbeTimeoutMs?: number | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads env, the optional JSON file (CERTGRID_CONFIG or --config) and CLI overrides, in rising priority. */
export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): Config {
  const file = readConfigFile(overrides.configFile ?? env.CERTGRID_CONFIG);
  const pick = <T>(o: T | undefined, e: string | undefined, f: unknown, d: T): T | string =>
    o ?? e ?? (f as T | undefined) ?? d;

  const host = String(pick(overrides.host, env.CERTGRID_HOST, file.host, '127.0.0.1'));
  const port = parsePort(pick(overrides.port, env.CERTGRID_PORT ?? env.PORT, file.port, 8080));
  const dataDir = resolve(String(pick(overrides.dataDir, env.CERTGRID_DATA_DIR, file.dataDir, './data')));
  const databaseUrl = nonEmpty(env.DATABASE_URL ?? (file.databaseUrl as string | undefined));
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite store)',
    );
  }
  const fileCa = (file.ca ?? {}) as Record<string, unknown>;
  const keyType = String(pick(overrides.keyType, env.CERTGRID_CA_KEY_TYPE, fileCa.keyType, 'p256'));
  if (!(KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new ConfigError(`key type must be one of ${KEY_TYPES.join(', ')} (got ${keyType})`);
  }
  const displayHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const publicUrl = String(
    pick(undefined, env.CERTGRID_PUBLIC_URL, file.publicUrl, `http://${displayHost}:${port}`),
  ).replace(/\/+$/, '');
  const blocklists = env.CERTGRID_WEAK_KEY_BLOCKLISTS
    ? env.CERTGRID_WEAK_KEY_BLOCKLISTS.split(':').filter(Boolean)
    : ((fileCa.weakKeyBlocklists as string[] | undefined) ?? []);
  const fileGrid = (file.grid ?? {}) as Record<string, unknown>;
  const fileCertview = (file.certview ?? {}) as Record<string, unknown>;
  const fileAuth = (file.auth ?? {}) as Record<string, unknown>;
  const fileScan = (file.scan ?? {}) as Record<string, unknown>;

  return Object.freeze({
    host,
    port,
    dataDir,
    databaseUrl,
    publicUrl,
    logLevel: String(pick(undefined, env.CERTGRID_LOG_LEVEL, file.logLevel, 'info')),
    workers: parseWorkers(pick(overrides.workers, env.CERTGRID_WORKERS, file.workers, 1)),
    ca: Object.freeze({
      keyType: keyType as KeyType,
      name: String(pick(undefined, env.CERTGRID_CA_NAME, fileCa.name, 'certgrid')),
      passphrase: nonEmpty(env.CERTGRID_CA_PASSPHRASE ?? (fileCa.passphrase as string | undefined)),
      weakKeyBlocklists: Object.freeze([...blocklists]),
      crlRefreshHours: positiveNumber('ca.crlRefreshHours', fileCa.crlRefreshHours ?? 12),
    }),
    grid: Object.freeze({
      defaultValidityYears: positiveNumber('grid.defaultValidityYears', fileGrid.defaultValidityYears ?? 1),
      maxValidityYears: positiveNumber('grid.maxValidityYears', fileGrid.maxValidityYears ?? 3),
    }),
    certview: Object.freeze({
      tokenTtlMinutes: positiveInteger(
        'certview.tokenTtlMinutes',
        pick(undefined, env.CERTGRID_TOKEN_TTL_MINUTES, fileCertview.tokenTtlMinutes, 240),
      ),
    }),
    scan: Object.freeze({
      ports: parsePorts(pick(undefined, env.CERTGRID_SCAN_PORTS, fileScan.ports, [443])),
      concurrency: positiveInteger(
        'scan.concurrency',
        pick(undefined, env.CERTGRID_SCAN_CONCURRENCY, fileScan.concurrency, 256),
      ),
      perTarget: positiveInteger(
        'scan.perTarget',
        pick(undefined, env.CERTGRID_SCAN_PER_TARGET, fileScan.perTarget, 8),
      ),
      probeTimeoutMs: positiveInteger(
        'scan.probeTimeoutMs',
        pick(overrides.scanProbeTimeoutMs, env.CERTGRID_SCAN_PROBE_TIMEOUT_MS, fileScan.probeTimeoutMs, 5000),
      ),
    }),
    auth: Object.freeze({
      maxFailuresPerUser: positiveInteger('auth.maxFailuresPerUser', fileAuth.maxFailuresPerUser ?? 5),
      maxFailuresPerIp: positiveInteger('auth.maxFailuresPerIp', fileAuth.maxFailuresPerIp ?? 20),
      failureWindowMinutes: positiveInteger('auth.failureWindowMinutes', fileAuth.failureWindowMinutes ?? 15),
    }),
  });
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path === '') return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`cannot read config file ${path}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new ConfigError(`config file ${path} is not a JSON object`);
  }
}

function parsePort(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`port must be 0-65535 (got ${String(v)})`);
  return n;
}

/** A port list: a JSON array of numbers or a comma-separated string (`443,8443`). */
function parsePorts(v: unknown): readonly number[] {
  const items = Array.isArray(v) ? v : String(v).split(',');
  const ports = items.map((p) => Number(typeof p === 'string' ? p.trim() : p));
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new ConfigError(`scan.ports must list ports 1-65535 (got ${JSON.stringify(v)})`);
  }
  return Object.freeze([...new Set(ports)]);
}

function parseWorkers(v: unknown): number {
  if (v === 'auto' || v === 0 || v === '0') return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new ConfigError(`workers must be 1-256, 0 or auto (got ${String(v)})`);
  return n;
}

function positiveNumber(name: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number`);
  return n;
}

function positiveInteger(name: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer`);
  return n;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
