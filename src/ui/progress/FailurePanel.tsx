// A failed step: what failed, why (the diagnoses), and what to do next.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import type { StepFailure } from './state.js';

const MAX_DETAILS = 3;

export function FailurePanel({ failure }: { readonly failure: StepFailure }) {
  const p = usePalette();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={p.fail} paddingX={1} marginTop={1}>
      <Text color={p.fail} bold={p.bold} wrap="truncate-end">{`✖ ${failure.title} failed`}</Text>
      <Text>{failure.message}</Text>
      {failure.diagnoses.map((d) => (
        <Box key={`${d.kind}:${d.resource}`} flexDirection="column" marginTop={1}>
          <Text bold={p.bold}>{`${d.resource}: ${d.summary}`}</Text>
          {d.details.slice(0, MAX_DETAILS).map((line) => (
            <Text key={line} dimColor={p.dim} wrap="truncate-end">{`  ${line}`}</Text>
          ))}
          {d.next.map((line) => (
            <Text key={line}>{`  → ${line}`}</Text>
          ))}
        </Box>
      ))}
      {failure.next.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          {failure.next.map((line) => (
            <Text key={line}>{`→ ${line}`}</Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
