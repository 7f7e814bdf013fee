import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { CertgridError } from '../../core/errors.js';
import { resolveCustomer, withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

export interface ImportOptions extends CommonOptions {
  customer?: string;
  asset?: string;
  json?: boolean;
}

/** Files picked up when a directory is walked; files named on the command line are always read. */
const CERT_EXTENSIONS = new Set([
  '.pem',
  '.crt',
  '.cer',
  '.der',
  '.cert',
  '.p7b',
  '.p7c',
  '.p7',
  '.ca-bundle',
]);
// A directory tree deeper than this is almost certainly a symlink loop or a mistake.
const MAX_DEPTH = 32;

async function* certificateFiles(path: string, explicit: boolean, depth = 0): AsyncGenerator<string> {
  const s = await stat(path);
  if (s.isFile()) {
    if (explicit || CERT_EXTENSIONS.has(extname(path).toLowerCase())) yield path;
    return;
  }
  if (!s.isDirectory() || depth > MAX_DEPTH) return;
  const entries = await readdir(path);
  entries.sort();
  for (const e of entries) yield* certificateFiles(join(path, e), false, depth + 1);
}

interface FileResult {
  file: string;
  imported: number;
  added: number;
  error?: string;
}

/**
 * `certgrid import <files or dirs>`: reads PEM, DER and PKCS#7 files (directories recursively, by
 * extension) into a customer's inventory, one line per file, then a summary. A bad file is
 * reported and skipped; the exit status is non-zero when any file failed.
 */
export async function importCommand(paths: string[], opts: ImportOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const asset = opts.asset === undefined ? undefined : { assetName: opts.asset, managed: false };
    const results: FileResult[] = [];
    for (const root of paths) {
      let files: AsyncGenerator<string>;
      try {
        files = certificateFiles(root, true);
        for await (const file of files) {
          try {
            const r = await certgrid.inventory.importCertificates({
              accountId: account.id,
              content: await readFile(file),
              asset,
            });
            results.push({ file, imported: r.certificates.length, added: r.added });
            if (!opts.json) io.out(`${file}: ${r.certificates.length} certificate(s), ${r.added} new\n`);
          } catch (e) {
            const error = CertgridError.is(e) ? e.message : (e as Error).message;
            results.push({ file, imported: 0, added: 0, error });
            if (!opts.json) io.err(`${file}: ${error}\n`);
          }
        }
      } catch (e) {
        const error =
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
        results.push({ file: root, imported: 0, added: 0, error });
        if (!opts.json) io.err(`${root}: ${error}\n`);
      }
    }
    const failed = results.filter((r) => r.error !== undefined).length;
    const imported = results.reduce((a, r) => a + r.imported, 0);
    const added = results.reduce((a, r) => a + r.added, 0);
    if (opts.json) {
      io.out(
        JSON.stringify({ customer_name: account.name, imported, added, failed, files: results }, null, 2) +
          '\n',
      );
    } else {
      io.out(
        `imported ${imported} certificate(s) (${added} new) from ${results.length - failed} file(s) into ${account.name}` +
          (failed > 0 ? `; ${failed} file(s) failed` : '') +
          '\n',
      );
    }
    if (failed > 0) {
      throw new CertgridError(
        'INVALID_FORMAT',
        `${failed} of ${results.length} file(s) could not be imported`,
      );
    }
  });
}
