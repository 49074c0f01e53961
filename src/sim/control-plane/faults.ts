// Fault switches for the simulated control plane, set from the test or demo
// process to exercise the installer's retries, timeouts and resume logic.

export interface EnrollmentFailure {
  /** HTTP status of the failed answer (default 500). */
  readonly status?: number;
  /**
   * Create the workspace first and fail afterwards, like a reply lost after the
   * control plane committed: the retry then meets a 409 and no enrollment key.
   */
  readonly afterCreate?: boolean;
}

/** The switches the lead and the tests turn. */
export interface ControlPlaneFaultSwitches {
  /** The next `times` enrollments (POST /api/v1/workspaces) fail. */
  failEnrollments(times: number, failure?: EnrollmentFailure): void;
  /** The next `times` requests to /api/v1 fail with `status` before any processing. */
  failRequests(times: number, status?: number): void;
  /** Every answer (API and health) waits this long first; 0 turns it off. */
  delayResponses(ms: number): void;
  /** Back to a healthy control plane. */
  reset(): void;
}

export class ControlPlaneFaults implements ControlPlaneFaultSwitches {
  #enrollmentFailures: Required<EnrollmentFailure>[] = [];
  #requestFailures: number[] = [];
  #delayMs = 0;

  failEnrollments(times: number, failure: EnrollmentFailure = {}): void {
    const entry = { status: failure.status ?? 500, afterCreate: failure.afterCreate ?? false };
    for (let i = 0; i < times; i++) this.#enrollmentFailures.push(entry);
  }

  failRequests(times: number, status = 503): void {
    for (let i = 0; i < times; i++) this.#requestFailures.push(status);
  }

  delayResponses(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a non-negative number of ms, got ${ms}`);
    this.#delayMs = ms;
  }

  reset(): void {
    this.#enrollmentFailures = [];
    this.#requestFailures = [];
    this.#delayMs = 0;
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  /** Consumes one pending request failure; its status, if any. */
  takeRequestFailure(): number | undefined {
    return this.#requestFailures.shift();
  }

  /** Consumes one pending enrollment failure, if any. */
  takeEnrollmentFailure(): Required<EnrollmentFailure> | undefined {
    return this.#enrollmentFailures.shift();
  }
}
