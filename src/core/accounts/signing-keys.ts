import type { Clock, Random } from '../deps.js';
import { CertgridError } from '../errors.js';
import type { AccountsRepository, SigningKeyRecord } from './repository.js';

/** 256 bits: RFC 7518 §3.2 asks for a key at least as long as the HS256 output. */
const SECRET_BYTES = 32;
const KID_BYTES = 12;
/** What certgrid writes as a kid (base64url of 12 bytes); anything else is refused unread. */
const KID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The HS256 secrets of CertView tokens, kept in the store so every API node and worker process
 * signs and verifies alike. Internal to accounts/.
 */
export interface SigningKeyRing {
  /** The newest key, created on first use. Read from the store each time, so a rotation made by another process is picked up at its next login. */
  current(): Promise<SigningKeyRecord>;
  /** The key a token names, or null. Keys never change once written, so each is read once per process. */
  byKid(kid: string): Promise<SigningKeyRecord | null>;
  /** Adds a key of the next generation: it signs from now on, and older keys still verify their tokens. */
  rotate(): Promise<SigningKeyRecord>;
}

export function createSigningKeyRing(deps: {
  readonly repo: AccountsRepository;
  readonly clock: Clock;
  readonly random: Random;
}): SigningKeyRing {
  const cache = new Map<string, SigningKeyRecord>();
  const remember = (k: SigningKeyRecord): SigningKeyRecord => {
    cache.set(k.kid, k);
    return k;
  };

  /** Inserts `generation`, or, when another process got there first, returns the key it wrote. */
  const create = async (generation: number): Promise<SigningKeyRecord> => {
    const key: SigningKeyRecord = {
      kid: deps.random.bytes(KID_BYTES).toString('base64url'),
      generation,
      secret: new Uint8Array(deps.random.bytes(SECRET_BYTES)),
      createdAt: deps.clock.now(),
    };
    if (key.secret.length !== SECRET_BYTES) throw new TypeError('random source returned too few bytes');
    try {
      await deps.repo.insertSigningKey(key);
      return remember(key);
    } catch (e) {
      if (!CertgridError.is(e, 'ALREADY_EXISTS')) throw e;
      const winner = await deps.repo.findLatestSigningKey();
      if (winner === null || winner.generation < generation) throw e;
      return remember(winner);
    }
  };

  return {
    async current() {
      const latest = await deps.repo.findLatestSigningKey();
      return latest === null ? create(1) : remember(latest);
    },
    async byKid(kid) {
      if (!KID.test(kid)) return null;
      const cached = cache.get(kid);
      if (cached !== undefined) return cached;
      const stored = await deps.repo.findSigningKey(kid);
      return stored === null ? null : remember(stored);
    },
    async rotate() {
      const latest = await deps.repo.findLatestSigningKey();
      return create((latest?.generation ?? 0) + 1);
    },
  };
}
