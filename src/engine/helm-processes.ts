// Finds a helm process still working on a release, e.g. one left running by
// an installer that was killed: its pending revision must not be touched
// while it lives. The process list comes from POSIX `ps` (the same options on
// Linux and macOS); without it the answer is unknown, so that is an error,
// never "no helm is running".
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { ExitCode, UserError } from '../errors.js';

export interface ProcessEntry {
  readonly pid: number;
  /** The executable's name (`ps -o comm`: a path on macOS, the base name on Linux). */
  readonly name: string;
  /** The command line as `ps -o args` shows it, split at white space (an argument holding a space is two here). */
  readonly argv: readonly string[];
}

/** One `ps` column for every process, by pid. */
function psColumn(column: 'comm' | 'args'): Map<number, string> {
  // LC_ALL=C: the output is parsed, never shown.
  const ps = spawnSync('ps', ['-A', '-o', 'pid=', '-o', `${column}=`], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024 });
  if (ps.error || ps.status !== 0) {
    const why = ps.error ? ps.error.message : `exit status ${ps.status}: ${ps.stderr.trim()}`;
    const fix = 'install ps (Debian/Ubuntu: apt-get install procps; RHEL/Fedora: dnf install procps-ng) and run the installer again';
    throw new UserError(
      `cannot tell whether a helm is still working on a release: listing processes with \`ps\` failed (${why}); ${fix}`,
      [fix],
      ExitCode.blockedByCheck,
    );
  }
  const rows = new Map<number, string>();
  for (const line of ps.stdout.split('\n')) {
    const row = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (row?.[1] && row[2] !== undefined) rows.set(Number(row[1]), row[2].trim());
  }
  return rows;
}

/** Every process's pid, executable name and command line. */
export function processArgvs(): ProcessEntry[] {
  // comm and args are read apart: either may hold spaces, so one line of both could not be split.
  const names = psColumn('comm');
  const out: ProcessEntry[] = [];
  for (const [pid, args] of psColumn('args')) {
    const name = names.get(pid);
    // Absent: the process started between the two reads.
    if (name !== undefined) out.push({ pid, name: basename(name), argv: args.split(/\s+/).filter((a) => a.length > 0) });
  }
  return out;
}

export function runningHelmFor(release: string, namespace: string): number | undefined {
  for (const { pid, name, argv } of processArgvs()) {
    if (pid === process.pid || !/^helm3?$/.test(name)) continue;
    const ns = argv.indexOf('--namespace');
    if (argv.includes('upgrade') && argv.includes(release) && ns !== -1 && argv[ns + 1] === namespace) return pid;
  }
  return undefined;
}
