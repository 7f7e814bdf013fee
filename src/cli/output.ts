import { CertgridError, type ErrorCode } from '../core/errors.js';
import { ConfigError } from '../config/index.js';

/** The CLI's own table: core error code → process exit status (sysexits.h where one fits). */
const EXIT_STATUS: Partial<Record<ErrorCode, number>> = {
  MISSING_ARGUMENT: 64, // EX_USAGE
  INVALID_ARGUMENT: 65, // EX_DATAERR
  INVALID_CHARS: 65,
  INVALID_FORMAT: 65,
  NOT_FOUND: 66, // EX_NOINPUT
  ALREADY_EXISTS: 73, // EX_CANTCREAT
  CA_NOT_INITIALISED: 78, // EX_CONFIG
  CA_KEY_UNAVAILABLE: 77, // EX_NOPERM
  AUTH_FAILED: 77,
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Prints a one-line reason and returns the exit status; never a stack trace. */
export function reportFailure(
  err: unknown,
  write: (s: string) => void = (s) => process.stderr.write(s),
): number {
  if (err instanceof CertgridError) {
    write(`certgrid: ${err.message}\n`);
    return EXIT_STATUS[err.code] ?? 1;
  }
  if (err instanceof ConfigError || err instanceof UsageError) {
    write(`certgrid: ${err.message}\n`);
    return err instanceof UsageError ? 64 : 78;
  }
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  write(`certgrid: ${msg}\n`);
  return 1;
}

/** Left-aligned columns two spaces apart, header first, each line without trailing blanks. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
