import { SignJWT } from 'jose';
import { TOKEN_ISSUER, type TokenSettings } from './token-settings.js';

export interface TokenSubject {
  readonly userId: number;
  readonly accountId: number;
  readonly username: string;
}

export interface IssuedToken {
  /** JWS compact serialisation (RFC 7515 §7.1). */
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Signs a CertView token for `subject` with the current key: HS256, header `kid` and `typ: JWT`,
 * claims `sub` (the user id, a string as RFC 7519 §4.1.2 asks), `acct`, `username`, `iat`, `exp`,
 * `iss`. Times come from the injected clock, never from jose's own `Date.now()`.
 */
export async function issueToken(settings: TokenSettings, subject: TokenSubject): Promise<IssuedToken> {
  const key = await settings.keys.current();
  const iat = Math.floor(settings.clock.now().getTime() / 1000);
  const exp = iat + Math.round(settings.ttlMinutes * 60);
  const token = await new SignJWT({ acct: subject.accountId, username: subject.username })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
    .setSubject(String(subject.userId))
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.secret);
  return { token, expiresAt: new Date(exp * 1000) };
}
