// A failed step: what failed, why (the diagnoses), and what to do next.
// Printed once under the step's ✖ line, so everything is shown, wrapped.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import type { StepFailure } from './state.js';

export function FailurePanel({ failure, columns }: { readonly failure: StepFailure; readonly columns: number }) {
  const p = usePalette();
  // A step's next steps often repeat its diagnosis's; each is said once.
  const shown = new Set(failure.diagnoses.flatMap((d) => d.next));
  const next = failure.next.filter((line) => !shown.has(line));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={p.fail} paddingX={1} marginY={1} width={columns}>
      <Text color={p.fail} bold={p.bold}>{`✖ ${failure.title} failed`}</Text>
      <Text>{failure.message}</Text>
      {failure.diagnoses.map((d) => (
        <Box key={`${d.kind}:${d.resource}`} flexDirection="column" marginTop={1}>
          <Text bold={p.bold}>{`${d.resource}: ${d.summary}`}</Text>
          {d.details.map((line, i) => (
            <Box key={`${i}:${line}`} paddingLeft={2}>
              <Text dimColor={p.dim}>{line}</Text>
            </Box>
          ))}
          {d.next.map((line) => (
            <Text key={line}>{`  → ${line}`}</Text>
          ))}
        </Box>
      ))}
      {next.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          {next.map((line) => (
            <Text key={line}>{`→ ${line}`}</Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
