// Finds a helm process still working on a release, e.g. one left running by
// an installer that was killed: its pending revision must not be touched
// while it lives. Linux /proc only; elsewhere none are found.
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's pid and argv, as /proc shows them (empty where there is no /proc). */
export function processArgvs(): { pid: number; argv: string[] }[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const out: { pid: number; argv: string[] }[] = [];
  for (const pid of pids) {
    try {
      out.push({ pid: Number(pid), argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0) });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export function runningHelmFor(release: string, namespace: string): number | undefined {
  for (const { pid, argv } of processArgvs()) {
    if (pid === process.pid) continue;
    const isHelm = /(^|\/)helm3?$/.test(argv[0] ?? '');
    const ns = argv.indexOf('--namespace');
    if (isHelm && argv.includes('upgrade') && argv.includes(release) && ns !== -1 && argv[ns + 1] === namespace) return pid;
  }
  return undefined;
}
