import { runCli, type Io } from '../../src/cli/program.js';

/** Runs the certgrid CLI in-process; resolves to its exit status and what it printed. */
export async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const io: Io & { stdout: string; stderr: string } = {
    stdout: '',
    stderr: '',
    out(s) {
      io.stdout += s;
    },
    err(s) {
      io.stderr += s;
    },
  };
  const status = await runCli(argv, io);
  return { status, out: io.stdout, err: io.stderr };
}
