import type { ProbeConnection } from '../connection.js';
import { CONTENT_TYPE, buildChangeCipherSpecRecord, encodeRecord } from '../wire/index.js';
import { readReaction } from './follow-up.js';
import { sendHello, type HelloSpec } from './hello.js';

/** SSL Labs `openSslCcs`: -1 test failed, 1 not vulnerable, 2 possibly vulnerable, 3 vulnerable and exploitable. */
export type CcsCode = -1 | 1 | 2 | 3;

/**
 * CVE-2014-0224 (early ChangeCipherSpec): after the server's flight, a ChangeCipherSpec before any key
 * exchange. A patched server refuses it with unexpected_message (RFC 5246 §7.1: CCS only after the key
 * exchange). A vulnerable OpenSSL accepts it in silence; we then send a handshake record, which such a
 * server tries to decrypt with keys derived from an empty master secret and answers with
 * bad_record_mac or decryption_failed: the injection took effect (3). Silence to both is 2.
 */
export async function ccsInjectionProbe(
  conn: ProbeConnection,
  spec: HelloSpec,
  waitMs = 1_000,
): Promise<CcsCode> {
  const outcome = await sendHello(conn, spec);
  if (outcome.kind !== 'tls' || !outcome.flight.serverHelloDone) return -1;
  const version = outcome.flight.serverHello.version;
  await conn.write(buildChangeCipherSpecRecord(version));
  const first = await readReaction(conn, waitMs);
  if (first.alerts.length > 0 || first.closed || first.malformed) return 1;
  // Silent: the CCS was taken. A "Finished" of random bytes shows whether the server switched keys.
  await conn.write(encodeRecord(CONTENT_TYPE.handshake, version, new Uint8Array(48).fill(0x5a)));
  const second = await readReaction(conn, waitMs);
  const decryptFailed = second.alerts.some(
    (a) => a.name === 'bad_record_mac' || a.name === 'decryption_failed',
  );
  return decryptFailed || (second.records.length > 0 && second.alerts.length === 0) ? 3 : 2;
}
