// The contract between the scheduler and the kinds of step it runs. A kind is
// one module (src/steps/) that knows how to check whether its result is
// already on the cluster (`probe`) and how to produce it (`run`); the runner
// knows none of them, so a new capability is a new kind, not a new engine.
import type { ReleaseSpec, Step, StepAction } from '../plan/steps.js';
import type { CallHooks, Cluster, ClusterFacts } from '../tools/cluster.js';
import type { HealthOptions } from '../tools/health.js';
import type { Diagnosis, FailFastPolicy } from './diagnose.js';
import type { EventSink, FailedCommand } from './events.js';

/** How long and how closely steps watch what they started. */
export interface RunSettings {
  readonly failFast: FailFastPolicy;
  /** How often a namespace is read while a step waits. */
  readonly watchIntervalMs: number;
  /** How long a ready check waits for deployments after helm returned. */
  readonly readyTimeoutMs: number;
  /** How /health is reached: address overrides (rehearsals) and extra CA certificates. */
  readonly health?: HealthOptions;
  /** Workspaces the operator asked to enroll anew (--re-enroll). */
  readonly reEnroll?: ReadonlySet<string>;
}

/** Secrets a run obtains (an enrollment key is shown once): kept in the install directory, 0600. */
export interface KeptSecrets {
  get(key: string): string | undefined;
  /** Persisted together in one atomic write, and known to the redactor, before it returns. */
  put(values: Readonly<Record<string, string>>): Promise<void>;
}

/** What every step gets from the run: tools, secrets resolved at run time, earlier steps' outputs. */
export interface RunContext {
  readonly cluster: Cluster;
  /** The cluster as identified when the run opened. */
  readonly identity: ClusterFacts;
  readonly settings: RunSettings;
  readonly emit: EventSink;
  readonly signal: AbortSignal;
  /** Keyed digest (HMAC): digests of secret material reveal nothing. */
  readonly digest: (data: string) => string;
  /** A secret by its slot key (e.g. images.auth.password); the plan holds none. */
  readonly secret: (key: string) => string;
  /** A file named in the answers (certificates), read when the step runs. */
  readonly readFile: (path: string) => string;
  /** What an earlier step recorded in the journal. */
  readonly outputsOf: (stepId: string) => Readonly<Record<string, string>> | undefined;
  readonly kept: KeptSecrets;
  /**
   * Writes a release's values file as it must be now and returns the keyed
   * digest of those values: the plan's, or, for a workspace enrolled by an
   * earlier step, completed with its enrollment.
   */
  readonly releaseValues: (spec: ReleaseSpec) => Promise<string>;
}

/** The context of one step: the run's, plus hooks that turn its commands into events. */
export interface StepContext extends RunContext {
  readonly step: Step;
  readonly hooks: CallHooks;
  /** The step's journal record before this run touched it (to tell its own interrupted work from others'). */
  readonly prior: string | undefined;
}

export interface StepKind<A extends StepAction = StepAction> {
  /** Why the result is already in place (verified), or undefined when the step must run. */
  probe?(action: A, ctx: StepContext): Promise<string | undefined>;
  /** Does the work; returns outputs to journal (never secrets). */
  run(action: A, ctx: StepContext): Promise<Record<string, string>>;
}

/** The kinds a command runs, by action type: each command hands in those its plans use (the runner checks). */
export type StepKinds = { readonly [T in StepAction['type']]?: StepKind<Extract<StepAction, { type: T }>> };

/** A step cannot go on: the message says why, `next` what to do. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly next: readonly string[] = [],
    readonly diagnoses: readonly Diagnosis[] = [],
    readonly blocked = false,
    readonly command?: FailedCommand,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** A step needs something only the operator can give; the run goes on without what depends on it. */
export class Waiting extends Error {
  constructor(readonly instructions: readonly string[]) {
    super('waiting for the operator');
  }
}

/** The run was cancelled (Ctrl+C, SIGTERM) while the step worked. */
export class Interrupted extends Error {}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (the run's signal outlives many sleeps). */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
