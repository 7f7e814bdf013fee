import { SSL2_CIPHER_KINDS } from '../ciphers.js';
import type { ProbeConnection } from '../connection.js';
import { buildSsl2ClientHello, encodeSsl2Record, type Ssl2ServerHello } from '../wire/index.js';
import { readFlight } from './hello.js';

export type Ssl2Outcome =
  | { readonly kind: 'ssl2'; readonly hello: Ssl2ServerHello }
  | { readonly kind: 'refused'; readonly reason: 'closed' | 'error' | 'tls'; readonly detail?: string };

/**
 * An SSLv2 CLIENT-HELLO offering every cipher kind. A server that speaks SSLv2 answers a SERVER-HELLO
 * listing the kinds it accepts (no preference order exists in SSLv2) and its certificate; an
 * SSLv2-capable server with every kind disabled answers an empty list (SSL Labs' v2SuitesDisabled).
 */
export async function ssl2Hello(conn: ProbeConnection): Promise<Ssl2Outcome> {
  await conn.write(
    encodeSsl2Record(buildSsl2ClientHello({ cipherKinds: SSL2_CIPHER_KINDS.map((k) => k.id) })),
  );
  const { flight, error } = await readFlight(conn, (f) => f.kind !== 'none' || f.fatalAlert !== null);
  if (flight?.kind === 'ssl2') {
    if (flight.message.kind === 'server-hello') return { kind: 'ssl2', hello: flight.message.hello };
    return { kind: 'refused', reason: 'error', detail: flight.message.kind };
  }
  if (flight !== null && flight.kind !== 'none') return { kind: 'refused', reason: 'tls' };
  return { kind: 'refused', reason: 'closed', ...(error !== undefined ? { detail: error } : {}) };
}
