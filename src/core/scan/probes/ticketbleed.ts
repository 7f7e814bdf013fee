import { randomBytes } from 'node:crypto';
import type { ProbeConnection } from '../connection.js';
import { sessionTicketExtension } from '../wire/index.js';
import { sendHello, type HelloSpec } from './hello.js';

/** SSL Labs `ticketbleed`: -1 test failed, 0 unknown, 1 not vulnerable, 2 vulnerable and insecure. */
export type TicketbleedCode = -1 | 1 | 2;

/**
 * CVE-2016-9244 (F5 Ticketbleed): resume with a real session ticket and a 16-byte session id. RFC 5077
 * §3.4 has the server echo the client's session id; a vulnerable server copies 32 bytes from the
 * one it was given, so 16 bytes of its memory come back after ours. (A fresh id that starts with our
 * 16 random bytes by chance is a 2^-128 event.)
 */
export async function ticketbleedProbe(
  conn: ProbeConnection,
  spec: HelloSpec,
  ticket: Uint8Array,
): Promise<TicketbleedCode> {
  const ours = new Uint8Array(randomBytes(16));
  const outcome = await sendHello(conn, {
    ...spec,
    sessionId: ours,
    extensions: [...(spec.extensions ?? []), sessionTicketExtension(ticket)],
    until: 'server-hello',
  });
  if (outcome.kind !== 'tls') return -1;
  const id = outcome.flight.serverHello.sessionId;
  return id.length === 32 && ours.every((b, i) => id[i] === b) ? 2 : 1;
}
