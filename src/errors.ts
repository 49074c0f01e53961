// Exit codes and the error a user can fix. Anything else reaching the top is a
// bug, reported as such with the debug log's location instead of a stack trace.

export const ExitCode = {
  ok: 0,
  stepFailed: 1,
  invalidInput: 2,
  blockedByCheck: 3,
  /** The install went as far as it can and waits for values only the operator can give (manual enrollment). */
  waitingForEnrollment: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem the user can fix: the message names the field or command, the hints say how. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hints: readonly string[] = [],
    readonly exitCode: ExitCodeValue = ExitCode.invalidInput,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
