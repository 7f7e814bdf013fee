import { isIPv4, isIPv6 } from 'node:net';

/**
 * Throttling of password guesses, per user name and per client address, over a rolling window
 * (as Qualys counts its API rate limits). The in-memory implementation below keeps its counts per
 * process: with `--workers N` each worker counts on its own, so the effective limits are up to N
 * times higher. The interface is small so a shared store can replace it.
 */
export interface LoginThrottleLimits {
  /** Failed logins for one user name within the window before further attempts are refused. */
  readonly maxFailuresPerUser: number;
  /** Failed logins from one client address (an IPv6 /64) within the window. */
  readonly maxFailuresPerIp: number;
  readonly failureWindowMinutes: number;
}

export const DEFAULT_LOGIN_THROTTLE_LIMITS: LoginThrottleLimits = Object.freeze({
  maxFailuresPerUser: 5,
  maxFailuresPerIp: 20,
  failureWindowMinutes: 15,
});

export interface LoginAttempt {
  readonly username: string;
  readonly ip: string;
}

export type LoginAdmission =
  { readonly admitted: true } | { readonly admitted: false; readonly retryAfterMs: number };

export interface LoginThrottle {
  /**
   * Admits an attempt before its password is checked and counts it as a failure at once, so that
   * guesses sent in parallel all count before any of them finishes; `succeeded` takes it back.
   * While the user name or the address is at its limit, the attempt is refused and not counted.
   */
  admit(attempt: LoginAttempt, now: Date): Promise<LoginAdmission>;
  /**
   * The attempt admitted at `admittedAt` logged in: the user's failures are forgotten, and the
   * attempt no longer counts against the address (whose earlier failures still do — otherwise one
   * valid account would let an address reset its own counter between guesses at others).
   */
  succeeded(attempt: LoginAttempt, admittedAt: Date): Promise<void>;
}

/**
 * The address key: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, since one subscriber
 * usually holds a whole /64 (RFC 6177) and could otherwise rotate addresses between guesses.
 */
export function throttleKeyOfIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null && isIPv4(mapped[1] as string)) return mapped[1] as string;
  const bare = ip.split('%')[0] as string;
  if (!isIPv6(bare) || bare.includes('.')) return ip;
  const halves = bare.split('::');
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] as string).split(':') : [];
  const groups =
    halves.length === 2
      ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail]
      : head;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

// User names longer than any valid one are cut, so a guess cannot park a megabyte in the table.
const MAX_USERNAME_KEY = 129;

/** Failure times per key within a rolling window; at most `limit` kept per key. */
class FailureLog {
  private readonly entries = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until `key` may try again; 0 when under its limit. */
  waitFor(key: string, now: number): number {
    const log = this.live(key, now);
    if (log.length < this.limit) return 0;
    return (log[log.length - this.limit] as number) + this.windowMs - now;
  }

  add(key: string, now: number): void {
    const log = this.live(key, now);
    log.push(now);
    // Re-inserted so the Map's order is least recently failed first, for eviction.
    this.entries.delete(key);
    this.entries.set(key, log);
    if (this.entries.size > this.maxKeys) this.shrink(now);
  }

  removeOne(key: string, at: number): void {
    const log = this.entries.get(key);
    const i = log?.lastIndexOf(at) ?? -1;
    if (log !== undefined && i >= 0) log.splice(i, 1);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string, now: number): number[] {
    const log = this.entries.get(key) ?? [];
    while (log.length > 0 && (log[0] as number) <= now - this.windowMs) log.shift();
    return log;
  }

  /** Drops expired keys; if still over the bound, the least recently failed ones. */
  private shrink(now: number): void {
    for (const [key, log] of this.entries) {
      if (log.length === 0 || (log[log.length - 1] as number) <= now - this.windowMs)
        this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

/**
 * The per-process throttle. `maxKeys` bounds memory per table (user names, addresses); beyond it
 * the least recently failed keys are forgotten first.
 */
export function createMemoryLoginThrottle(
  limits: LoginThrottleLimits = DEFAULT_LOGIN_THROTTLE_LIMITS,
  opts: { readonly maxKeys?: number } = {},
): LoginThrottle {
  for (const [name, v] of Object.entries(limits)) {
    if (typeof v !== 'number' || !(v > 0)) throw new TypeError(`login throttle: ${name} must be positive`);
  }
  const windowMs = limits.failureWindowMinutes * 60_000;
  const maxKeys = opts.maxKeys ?? 100_000;
  const users = new FailureLog(limits.maxFailuresPerUser, windowMs, maxKeys);
  const ips = new FailureLog(limits.maxFailuresPerIp, windowMs, maxKeys);
  const keys = (a: LoginAttempt) => ({
    user: String(a.username).slice(0, MAX_USERNAME_KEY),
    ip: throttleKeyOfIp(String(a.ip)),
  });

  return {
    admit(attempt, now) {
      const { user, ip } = keys(attempt);
      const t = now.getTime();
      const wait = Math.max(users.waitFor(user, t), ips.waitFor(ip, t));
      if (wait > 0) return Promise.resolve({ admitted: false, retryAfterMs: wait });
      users.add(user, t);
      ips.add(ip, t);
      return Promise.resolve({ admitted: true });
    },
    succeeded(attempt, admittedAt) {
      const { user, ip } = keys(attempt);
      users.clear(user);
      ips.removeOne(ip, admittedAt.getTime());
      return Promise.resolve();
    },
  };
}
