// The live install: finished steps scroll up once (<Static>), the running
// step(s) stay at the bottom, then the failure panel and how the run ended.
import { Box, Static } from 'ink';
import { FailurePanel } from './FailurePanel.js';
import { FinishedLineView } from './FinishedLineView.js';
import { RunEndView } from './RunEndView.js';
import { RunningStepView } from './RunningStepView.js';
import { TAIL_LINES, type ProgressState } from './state.js';

interface Props {
  readonly state: ProgressState;
  /** Epoch ms for elapsed times and the spinner. */
  readonly now: number;
}

export function ProgressView({ state, now }: Props) {
  // Steps running side by side share the output tail, so the live area still fits 24 rows.
  const tailLines = Math.max(1, Math.floor(TAIL_LINES / Math.max(1, state.running.length)));
  return (
    <Box flexDirection="column">
      <Static items={[...state.finished]}>{(line) => <FinishedLineView key={line.key} line={line} />}</Static>
      {state.running.map((step) => (
        <RunningStepView key={step.stepId} step={step} totalSteps={state.totalSteps} now={now} tailLines={tailLines} />
      ))}
      {state.failures.map((f) => (
        <FailurePanel key={f.stepId} failure={f} />
      ))}
      {state.end ? <RunEndView end={state.end} /> : null}
    </Box>
  );
}
