import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpDialer } from '../../../../src/core/scan/connection.js';
import { RecordChannel } from '../../../../src/core/scan/session/channel.js';

// A fatal handshake_failure alert, sent for any bytes received, by a server in another process: it
// answers while this process is stalled, then touches the file named by its argument once written.
const SERVER = `
const alert = Buffer.from([21, 3, 3, 0, 2, 2, 40]);
const sent = process.argv[1];
require('node:net')
  .createServer((s) =>
    s.on('error', () => {}).on('data', () => s.write(alert, () => require('node:fs').writeFileSync(sent, ''))),
  )
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

describe('record channel', () => {
  let server: ChildProcess;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'certgrid-channel-'));
  const sent = join(dir, 'sent');
  beforeAll(async () => {
    server = spawn(process.execPath, ['-e', SERVER, sent], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(server.stdout!, 'data')) as [Buffer];
    port = Number(line.toString().trim());
  });
  afterAll(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a wait that ran out while this process was stalled still reads what arrived meanwhile', async () => {
    const conn = await tcpDialer.dial({ host: '127.0.0.1', port }, new AbortController().signal);
    try {
      const channel = new RecordChannel(conn);
      await conn.write(Uint8Array.of(1));
      const deadline = Date.now() + 20;
      const next = channel.next(deadline);
      // A stall of ours (GC, a busy host) past the deadline, during which the answer arrives.
      const giveUp = Date.now() + 10_000;
      while ((Date.now() <= deadline || !existsSync(sent)) && Date.now() < giveUp) {
        // busy
      }
      expect(existsSync(sent)).toBe(true);
      const ev = await next;
      expect(ev.kind).toBe('record');
      expect(ev.kind === 'record' && ev.record.type).toBe(21);
    } finally {
      conn.close();
    }
  });

  it('silence is still a timeout', async () => {
    const conn = await tcpDialer.dial({ host: '127.0.0.1', port }, new AbortController().signal);
    try {
      const channel = new RecordChannel(conn);
      expect((await channel.next(Date.now() + 30)).kind).toBe('timeout');
    } finally {
      conn.close();
    }
  });
});
