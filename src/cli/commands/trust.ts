import { table } from '../output.js';
import { readFile } from 'node:fs/promises';
import type { AddedTrustedRoot, TrustedRootRecord } from '../../core/analysis/index.js';
import { CertgridError } from '../../core/errors.js';
import { resolveCustomer, withContext, type CommonOptions } from '../context.js';
import type { Io } from '../program.js';

/**
 * `certgrid trust add|list|remove`: the root CA certificates a customer adds to its trust store. Scans
 * and analyze then report every chain's verdict for the `account` root store beside Mozilla's and
 * certgrid's own (docs/trust.md).
 */

interface CustomerOptions extends CommonOptions {
  customer: string;
  json?: boolean;
}

export interface TrustRemoveOptions extends CustomerOptions {
  certhash: string;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A root as JSON prints it: without the DER and the account id (the customer named on the command line). */
const rootJson = (r: TrustedRootRecord) => ({
  certhash: r.certhash,
  subject: r.subject,
  notAfter: new Date(r.notAfter).toISOString(),
  created: new Date(r.created).toISOString(),
});

/** Every file's bytes, in order; a file that cannot be read is named in a one-line error. */
async function readFiles(files: readonly string[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const file of files) {
    try {
      out.push(await readFile(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CertgridError('NOT_FOUND', `${file}: no such file`, { field: 'file' });
      throw new Error(`${file}: ${code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, {
        cause: e,
      });
    }
  }
  return out;
}

/**
 * `certgrid trust add FILES...`: PEM bundles or DER files, every certificate a self-signed CA. Nothing is
 * added unless all of them are; roots the customer already trusts are reported as present.
 */
export async function trustAddCommand(files: string[], opts: CustomerOptions, io: Io): Promise<void> {
  const contents = await readFiles(files);
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    let result: AddedTrustedRoot[];
    try {
      result = await certgrid.trustedRoots.addTrustedRoots(account.id, contents);
    } catch (e) {
      // The core numbers certificates within one input; the user needs the file too.
      const input = CertgridError.is(e, 'INVALID_ARGUMENT') ? e.data?.input : undefined;
      const file = typeof input === 'number' ? files[input] : undefined;
      if (file === undefined) throw e;
      const err = e as CertgridError;
      throw new CertgridError(err.code, `${file}: ${err.message.replace(/^certificate: /, '')}`, {
        field: 'certificate',
        ...(err.data ? { data: err.data } : {}),
      });
    }
    const added = result.filter((r) => r.added);
    const present = result.filter((r) => !r.added);
    if (opts.json) {
      io.out(
        JSON.stringify({
          customer_name: account.name,
          added: added.map((r) => rootJson(r.root)),
          present: present.map((r) => rootJson(r.root)),
        }) + '\n',
      );
      return;
    }
    io.out(
      table(
        ['STATUS', 'CERTHASH', 'SUBJECT', 'EXPIRES'],
        result.map((r) => [
          r.added ? 'added' : 'present',
          r.root.certhash,
          r.root.subject,
          day(r.root.notAfter),
        ]),
      ),
    );
    io.out(
      `${added.length} root(s) added, ${present.length} already present; customer ${account.name} trusts ${
        (await certgrid.trustedRoots.listTrustedRoots(account.id)).length
      } root(s)\n`,
    );
  });
}

/** `certgrid trust list`: the roots the customer added. */
export async function trustListCommand(opts: CustomerOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const roots = await certgrid.trustedRoots.listTrustedRoots(account.id);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, roots: roots.map(rootJson) }) + '\n');
      return;
    }
    if (roots.length === 0) {
      io.out(`customer ${account.name} trusts no roots of its own: add one with 'certgrid trust add'\n`);
      return;
    }
    io.out(
      table(
        ['CERTHASH', 'SUBJECT', 'EXPIRES', 'ADDED'],
        roots.map((r) => [r.certhash, r.subject, day(r.notAfter), day(r.created)]),
      ),
    );
  });
}

/** `certgrid trust remove --certhash H`: the next assessment no longer trusts chains ending at it. */
export async function trustRemoveCommand(opts: TrustRemoveOptions, io: Io): Promise<void> {
  await withContext(opts, async ({ certgrid }) => {
    const account = await resolveCustomer(certgrid.accounts, opts.customer);
    const root = await certgrid.trustedRoots.removeTrustedRoot(account.id, opts.certhash);
    if (opts.json) {
      io.out(JSON.stringify({ customer_name: account.name, removed: rootJson(root) }) + '\n');
      return;
    }
    io.out(`root ${root.certhash} (${root.subject}) removed from customer ${account.name}'s trusted roots\n`);
  });
}
