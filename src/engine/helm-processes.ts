// Finds a helm process still working on a release, e.g. one left running by
// an installer that was killed: its pending revision must not be touched
// while it lives. Linux /proc only; elsewhere none are found.
import { readdirSync, readFileSync } from 'node:fs';

export function runningHelmFor(release: string, namespace: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const isHelm = /(^|\/)helm3?$/.test(argv[0] ?? '');
    const ns = argv.indexOf('--namespace');
    if (isHelm && argv.includes('upgrade') && argv.includes(release) && ns !== -1 && argv[ns + 1] === namespace) return Number(pid);
  }
  return undefined;
}
