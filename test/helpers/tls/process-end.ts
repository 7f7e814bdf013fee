/**
 * Run clean-ups when the test process ends, however it ends. Vitest stops its `forks` workers with SIGTERM,
 * which skips `process.on('exit')`, so the signal is caught, the clean-ups run, and the signal is raised
 * again with the default action restored.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the process is going away
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.kill(process.pid, signal);
}

/** Registers a synchronous clean-up; the returned function unregisters it (call it once cleaned up normally). */
export function onProcessEnd(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
