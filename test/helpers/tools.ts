import { execFileSync } from 'node:child_process';

/** Whether a command-line tool is installed; tests needing it skip with a printed reason otherwise. */
export function hasTool(cmd: string, args: readonly string[] = ['--version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const inCi = process.env.CI === 'true';

/**
 * In CI a missing tool is a failure (.ci/run installs it); elsewhere the suite is skipped with a reason.
 */
export function requireTool(cmd: string, args?: readonly string[]): boolean {
  const ok = hasTool(cmd, args);
  if (!ok) {
    if (inCi) throw new Error(`${cmd} is required in CI (.ci/run installs it)`);
    console.warn(`skipping: ${cmd} is not installed (run .ci/run or apt-get install it)`);
  }
  return ok;
}
