// What every wrapper in tools/ throws when the outside world fails: a helm or
// kubectl process, the Kubernetes API, the control-plane API. One base class,
// so the engine and the CLI turn any of them into a message and an exit code
// in one place (src/engine/failures.ts) instead of one branch per wrapper.

/** A finished external command that failed, as shown to people and NDJSON readers. */
export interface FailedCommand {
  readonly commandLine: string;
  readonly exitCode: number | null;
  /** The last lines of its stderr (or stdout), scrubbed by the event renderers like every event. */
  readonly outputTail: string;
}

export abstract class ExternalError extends Error {
  /** The same call may succeed later (connection refused or reset, timeouts, 5xx, 429). */
  abstract readonly transient: boolean;
  /** What to do about it, when the wrapper knows (a credential to check, an object to delete). */
  readonly hints: readonly string[] = [];
  /** The process that failed, when the call was one. */
  readonly command?: FailedCommand;
}

/** The tail of a failed process's output, the part that names the problem. */
export function failedCommand(result: { commandLine: string; exitCode: number | undefined; stdout: string; stderr: string }): FailedCommand {
  return { commandLine: result.commandLine, exitCode: result.exitCode ?? null, outputTail: (result.stderr || result.stdout).trim().split('\n').slice(-6).join('\n') };
}
