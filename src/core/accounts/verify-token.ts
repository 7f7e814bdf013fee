import { errors, jwtVerify } from 'jose';
import { CertgridError } from '../errors.js';
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
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = typeof header.kid === 'string' ? await settings.keys.byKid(header.kid) : null;
        if (key === null) throw new UnknownKey();
        return key.secret;
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
