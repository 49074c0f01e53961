// The closing report, as the last step's output, so a finished run and a
// re-run that finds everything in place end the same way.
import type { StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';

export function reportKind(lines: () => readonly string[]): StepKind<ActionOf<'report'>> {
  return {
    run: () => Promise.resolve({ report: lines().join('\n') }),
  };
}
