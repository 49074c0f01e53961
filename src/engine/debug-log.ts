// The full debug log of a run: `<install dir>/logs/<name>-<timestamp>.log`,
// append-only, 0600 in a 0700 directory, one timestamped line per line of
// input. Every message is scrubbed whole before it is split into lines, so a
// multi-line secret cannot slip through piecewise. Writes are synchronous so
// the log is complete up to the last line even if the process dies.
import { chmodSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../tools/redact.js';

export interface DebugLogOptions {
  /** File name prefix; default `install`. */
  readonly name?: string;
  readonly clock?: () => Date;
}

export function fileTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class DebugLog {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly redactor: Redactor,
    private readonly clock: () => Date,
  ) {
    this.fd = fd;
  }

  /** Creates a new log file under `<dir>/logs` (never appends to an earlier run's file). */
  static open(dir: string, redactor: Redactor, options: DebugLogOptions = {}): DebugLog {
    const clock = options.clock ?? (() => new Date());
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    chmodSync(logs, 0o700);
    const base = `${options.name ?? 'install'}-${fileTimestamp(clock())}`;
    for (let n = 1; n < 100; n++) {
      const path = join(logs, `${base}${n === 1 ? '' : `-${n}`}.log`);
      try {
        return new DebugLog(path, openSync(path, 'wx', 0o600), redactor, clock);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`too many debug logs named ${base} in ${logs}; remove old ones`);
  }

  /** Appends `message` (scrubbed), one timestamped line per line; `source` tags each line, e.g. `helm`. */
  write(message: string, source?: string): void {
    if (this.fd === undefined) throw new Error(`debug log ${this.path} is closed`);
    const at = this.clock().toISOString();
    const tag = source === undefined ? '' : ` [${this.redactor.scrub(source)}]`;
    const lines = this.redactor.scrub(message).split(/\r?\n/);
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    writeSync(this.fd, lines.map((line) => `${at}${tag} ${line}\n`).join(''));
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
