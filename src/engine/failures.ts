// The one place an error becomes words and an exit code. Three families:
// the operator's to fix (UserError: names the field or command and the fix),
// the outside world's (ExternalError: helm, kubectl, the Kubernetes or
// control-plane API; with the command and its output when there was one),
// and ours (anything else: a bug, said as such).
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import { ExternalError, type FailedCommand } from '../tools/external-error.js';

export interface Failure {
  readonly family: 'user' | 'external' | 'bug';
  readonly message: string;
  readonly hints: readonly string[];
  readonly exitCode: ExitCodeValue;
  readonly command?: FailedCommand;
}

const UNRELIABLE = 'the server did not answer reliably; check the connection and run the installer again';

export function describeFailure(error: unknown): Failure {
  if (error instanceof UserError) return { family: 'user', message: error.message, hints: error.hints, exitCode: error.exitCode };
  if (error instanceof ExternalError) {
    return {
      family: 'external',
      message: error.message,
      hints: [...error.hints, ...(error.transient ? [UNRELIABLE] : [])],
      exitCode: ExitCode.stepFailed,
      ...(error.command ? { command: error.command } : {}),
    };
  }
  return { family: 'bug', message: error instanceof Error ? error.message : String(error), hints: [], exitCode: ExitCode.stepFailed };
}
