// The one typed event stream of a run. The runner emits, it never prints:
// the Ink view, the plain line renderer, the NDJSON renderer and the debug
// log all subscribe to the same events.
import type { Diagnosis } from './diagnose.js';
import type { RunOutcome } from './states.js';
import type { FailedCommand } from '../tools/external-error.js';

export type { FailedCommand } from '../tools/external-error.js';

export type EngineEvent =
  | { readonly type: 'run-started'; readonly at: string; readonly context: string; readonly server: string; readonly namespaces: readonly string[]; readonly steps: number; readonly resumed: boolean; readonly command?: 'upgrade' }
  | { readonly type: 'step-started'; readonly at: string; readonly stepId: string; readonly title: string; readonly deadline?: string }
  | { readonly type: 'step-skipped'; readonly at: string; readonly stepId: string; readonly title: string; readonly reason: string }
  | { readonly type: 'step-done'; readonly at: string; readonly stepId: string; readonly title: string; readonly durationMs: number }
  | { readonly type: 'step-waiting'; readonly at: string; readonly stepId: string; readonly title: string; readonly instructions: readonly string[] }
  | {
      readonly type: 'step-failed';
      readonly at: string;
      readonly stepId: string;
      readonly title: string;
      readonly message: string;
      readonly diagnoses: readonly Diagnosis[];
      readonly next: readonly string[];
      /** The helm or kubectl call that failed, when one did. */
      readonly command?: FailedCommand;
    }
  | { readonly type: 'command'; readonly at: string; readonly stepId: string; readonly commandLine: string }
  | { readonly type: 'output-line'; readonly at: string; readonly stepId: string; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  | { readonly type: 'resource-status'; readonly at: string; readonly stepId: string; readonly resources: readonly { readonly name: string; readonly text: string; readonly ready: boolean }[] }
  | { readonly type: 'warning-event'; readonly at: string; readonly stepId: string; readonly line: string }
  | { readonly type: 'notice'; readonly at: string; readonly stepId?: string; readonly message: string }
  | { readonly type: 'retry'; readonly at: string; readonly stepId: string; readonly attempt: number; readonly reason: string; readonly delayMs: number }
  /** `command`: the run's command when it is not `install` (the headline names it). */
  | { readonly type: 'run-finished'; readonly at: string; readonly outcome: RunOutcome; readonly command?: 'upgrade'; readonly report?: readonly string[]; readonly supportBundle?: string; readonly resumeCommand?: string };

export type EventSink = (event: EngineEvent) => void;

export const now = (): string => new Date().toISOString();
