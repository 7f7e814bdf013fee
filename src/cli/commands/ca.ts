import { withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

export interface CaShowOptions extends CommonOptions {
  json?: boolean;
}

interface CaSummary {
  id: string;
  role: string;
  subject: string;
  certhash: string;
  serialHex: string;
  keyType: string;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

export async function caShowCommand(opts: CaShowOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid, config }) => {
    const cas = (await certgrid.ca.describe()) as readonly CaSummary[];
    if (cas.length === 0) {
      throw new Error(`no CA in ${config.dataDir}: run 'certgrid init' first`);
    }
    if (opts.json) {
      io.out(
        JSON.stringify({ cas, crl: cas.map((c) => `${config.publicUrl}/crl/${c.id}.crl`) }, null, 2) + '\n',
      );
      return;
    }
    printCaSummary(cas, io);
    io.out(`\nOCSP: ${config.publicUrl}/ocsp\n`);
  });
}

export function printCaSummary(cas: readonly CaSummary[], io: Io): void {
  for (const c of cas) {
    io.out(
      [
        `${c.role} (${c.id})`,
        `  subject:    ${c.subject}`,
        `  key:        ${c.keyType}`,
        `  serial:     ${c.serialHex}`,
        `  valid:      ${c.notBefore.toISOString()} .. ${c.notAfter.toISOString()}`,
        `  sha256:     ${c.certhash}`,
        '',
      ].join('\n'),
    );
  }
}
