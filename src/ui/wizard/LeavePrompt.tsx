// Ctrl+C asks before leaving: nothing typed is lost either way.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';

export function LeavePrompt() {
  const p = usePalette();
  return (
    <Box marginTop={1} borderStyle="round" borderColor={p.warn} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold={p.bold}>Leave the wizard?</Text> Your answers so far are kept. <Text color={p.accent}>y</Text> leave · <Text color={p.accent}>n</Text> stay
      </Text>
    </Box>
  );
}
