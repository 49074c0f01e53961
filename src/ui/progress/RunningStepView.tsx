// The step being worked on: spinner, elapsed time, deadline, the resources it
// waits for, recent warnings and the last lines of its command's output.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import { clockTime, formatDuration, type RunningStep } from './state.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Props {
  readonly step: RunningStep;
  readonly totalSteps: number;
  readonly now: number;
  /** How many of the last output lines to show. */
  readonly tailLines: number;
}

export function RunningStepView({ step, totalSteps, now, tailLines }: Props) {
  const p = usePalette();
  const elapsed = formatDuration(now - Date.parse(step.startedAt));
  const frame = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '-';
  const counter = totalSteps > 0 ? `[${step.position}/${totalSteps}] ` : '';
  const retryIn = step.retry ? Math.max(0, Date.parse(step.retry.at) + step.retry.delayMs - now) : 0;
  return (
    <Box flexDirection="column">
      {/* The title gives way first: elapsed time and deadline always fit. */}
      <Box>
        <Box flexShrink={1}>
          <Text wrap="truncate-end">
            <Text color={p.accent}>{`${frame} `}</Text>
            <Text bold={p.bold}>{`${counter}${step.title}`}</Text>
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text dimColor={p.dim}>{`  ${elapsed}${step.deadline ? ` · deadline ${clockTime(step.deadline)}` : ''}`}</Text>
        </Box>
      </Box>
      <Box flexDirection="column" paddingLeft={2}>
        {step.command ? <Text dimColor={p.dim} wrap="truncate-end">{`$ ${step.command}`}</Text> : null}
        {step.resources.map((r) => (
          <Text key={r.name} wrap="truncate-end" color={r.ready ? p.ok : p.warn}>{`${r.ready ? '✔' : '◌'} ${r.name}  ${r.text}`}</Text>
        ))}
        {step.warnings.map((w, i) => (
          <Text key={`${i}:${w}`} wrap="truncate-end" color={p.warn}>{`⚠ ${w}`}</Text>
        ))}
        {step.retry ? <Text wrap="truncate-end" color={p.warn}>{`↻ attempt ${step.retry.attempt} in ${formatDuration(retryIn)}: ${step.retry.reason}`}</Text> : null}
        {step.tail.slice(-tailLines).map((line, i) => (
          <Text key={`${i}:${line}`} dimColor={p.dim} wrap="truncate-end">{`│ ${line}`}</Text>
        ))}
      </Box>
    </Box>
  );
}
