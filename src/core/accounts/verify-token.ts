import { webcrypto } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { CertgridError } from '../errors.js';
import type { SigningKeyRecord } from './repository.js';
import type { SigningKeyRing } from './signing-keys.js';
import { TOKEN_CLOCK_TOLERANCE_SECONDS, TOKEN_ISSUER, type TokenSettings } from './token-settings.js';

/** What a verified CertView token says. */
export interface TokenClaims {
  readonly userId: number;
  readonly accountId: number;
  readonly username: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

// A compact JWS is three base64url parts (RFC 7515 §7.1); ours are ~300 characters.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 4096;
const USER_ID = /^[1-9][0-9]{0,15}$/;

class UnknownKey extends Error {}

/**
 * Each signing key imported once as a WebCrypto HMAC key: jose 6 verifies through WebCrypto, and
 * handing it raw bytes made it import the key on every call, ~40% of a token check. Keyed by the
 * key ring's record, which is read once per process and never changes.
 */
const hmacKeys = new WeakMap<SigningKeyRecord, Promise<webcrypto.CryptoKey>>();
function hmacKey(key: SigningKeyRecord): Promise<webcrypto.CryptoKey> {
  let imported = hmacKeys.get(key);
  if (imported === undefined) {
    imported = webcrypto.subtle.importKey('raw', key.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    hmacKeys.set(key, imported);
  }
  return imported;
}

const invalid = (why: string): CertgridError => new CertgridError('TOKEN_INVALID', `Invalid token: ${why}.`);

/**
 * Checks a CertView token: signature by a stored key (the header's `kid`), algorithm pinned to
 * HS256 (so `none`, HS512 or a public-key algorithm are refused before any key is used — the
 * RFC 8725 §3.1 confusion attacks), `typ` JWT, `iss`, and the claims' shapes. Time comes from the
 * injected clock, with a small tolerance for skew between API nodes; a token older than the
 * configured lifetime is expired even if its `exp` says otherwise (the lifetime was shortened).
 * @throws CertgridError TOKEN_EXPIRED; TOKEN_INVALID for anything else wrong with the token.
 *   Store failures propagate as they are: they are not the caller's fault.
 */
export async function verifyToken(settings: TokenSettings, token: string): Promise<TokenClaims> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw invalid('not a compact JWS');
  }
  const verified = verifiedTokens(settings);
  const known = verified.get(token);
  if (known !== undefined) {
    if (stillValid(settings, known)) return known;
    // jose gives the exact error (expired, or an iat in the future after the clock moved back).
    verified.delete(token);
  }
  const claims = await verifyWithJose(settings, token);
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
  verified.set(token, claims);
  return claims;
}

/**
 * Tokens whose signature and claims this process has verified, per key ring (so per store), up to
 * VERIFIED_CACHE_SIZE, oldest dropped first. A client sends the same token on every call for
 * hours; checking its HMAC through WebCrypto each time was most of the token check (~100 µs and a
 * thread-pool hop). Only the signature and claim shapes are remembered: the time checks run on every
 * call (stillValid), and the user, account licence and permission are read from the store on every
 * call by the caller. A byte-identical token verified once verifies again; keys are never removed
 * from a ring, so nothing else could change the answer.
 */
const VERIFIED_CACHE_SIZE = 10_000;
const verifiedByRing = new WeakMap<SigningKeyRing, Map<string, TokenClaims>>();
function verifiedTokens(settings: TokenSettings): Map<string, TokenClaims> {
  let m = verifiedByRing.get(settings.keys);
  if (m === undefined) {
    m = new Map();
    verifiedByRing.set(settings.keys, m);
  }
  return m;
}

/** jose's time checks (exp, iat age against the lifetime, iat not in the future), same tolerance. */
function stillValid(settings: TokenSettings, claims: TokenClaims): boolean {
  const now = Math.floor(settings.clock.now().getTime() / 1000);
  const exp = claims.expiresAt.getTime() / 1000;
  const age = now - claims.issuedAt.getTime() / 1000;
  const tolerance = TOKEN_CLOCK_TOLERANCE_SECONDS;
  return (
    exp > now - tolerance && age - tolerance <= Math.round(settings.ttlMinutes * 60) && age >= -tolerance
  );
}

async function verifyWithJose(settings: TokenSettings, token: string): Promise<TokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = typeof header.kid === 'string' ? await settings.keys.byKid(header.kid) : null;
        if (key === null) throw new UnknownKey();
        return hmacKey(key);
      },
      {
        algorithms: ['HS256'],
        typ: 'JWT',
        issuer: TOKEN_ISSUER,
        requiredClaims: ['sub', 'exp', 'iat'],
        maxTokenAge: Math.round(settings.ttlMinutes * 60),
        clockTolerance: TOKEN_CLOCK_TOLERANCE_SECONDS,
        currentDate: settings.clock.now(),
      },
    ));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new CertgridError('TOKEN_EXPIRED', 'The token has expired.');
    if (e instanceof UnknownKey) throw invalid('unknown signing key');
    if (e instanceof errors.JOSEError) throw invalid(e.code);
    throw e;
  }
  const { sub, acct, username, iat, exp } = payload;
  if (typeof sub !== 'string' || !USER_ID.test(sub)) throw invalid('bad sub');
  if (typeof acct !== 'number' || !Number.isSafeInteger(acct) || acct < 1) throw invalid('bad acct');
  if (typeof username !== 'string' || username === '') throw invalid('bad username');
  return {
    userId: Number(sub),
    accountId: acct,
    username,
    issuedAt: new Date(Number(iat) * 1000),
    expiresAt: new Date(Number(exp) * 1000),
  };
}
