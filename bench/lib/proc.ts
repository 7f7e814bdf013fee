import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes from /proc (Linux), for telling the scanner's CPU from the servers' and the
 * peers'. Each figure counts a process's own user + system time and that of the children it has
 * already reaped (a finished testssl.sh run counts every openssl and bash it forked).
 */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  readonly ppid: number;
  /** Own user + system seconds. */
  readonly self: number;
  /** User + system seconds of reaped children. */
  readonly children: number;
}

function stat(pid: number | 'self'): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
  const n = (field: number) => Number(f[field - 3]);
  return { ppid: n(4), self: (n(14) + n(15)) / TICKS, children: (n(16) + n(17)) / TICKS };
}

/** CPU seconds of this process's reaped children (peer tools after they exit). */
export function reapedChildrenCpu(): number {
  return stat('self')?.children ?? 0;
}

/** CPU seconds of `pid` and every live descendant, each with its reaped children. */
export function processTreeCpu(pid: number): number {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s === undefined) continue;
    const list = byParent.get(s.ppid) ?? [];
    list.push(Number(entry));
    byParent.set(s.ppid, list);
  }
  let total = 0;
  const todo = [pid];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    const s = stat(p);
    if (s !== undefined) total += s.self + s.children;
    todo.push(...(byParent.get(p) ?? []));
  }
  return total;
}

/** The soft limit on open files this process and its children run with (`ulimit -n`). */
export function openFileLimit(): string {
  try {
    return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
