// One line of the live area, laid out by live-layout.ts; only colours here.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import type { LiveLine } from './live-layout.js';

export function LiveLineView({ line }: { readonly line: LiveLine }) {
  const p = usePalette();
  if (line.kind === 'title') {
    return (
      <Text wrap="truncate-end">
        <Text color={p.accent}>{`${line.frame} `}</Text>
        <Text bold={p.bold}>{line.title}</Text>
        <Text dimColor={p.dim}>{line.suffix}</Text>
      </Text>
    );
  }
  if (line.kind === 'hint') return <Text dimColor={p.dim} wrap="truncate-end">{line.text}</Text>;
  const color = line.kind === 'resource' ? (line.ready ? p.ok : p.warn) : line.kind === 'warning' || line.kind === 'retry' ? p.warn : undefined;
  // Lines are already fitted to the width; truncation only guards against characters drawn wider than counted.
  return (
    <Box paddingLeft={2}>
      <Text color={color} dimColor={(line.kind === 'command' || line.kind === 'tail') && p.dim} wrap="truncate-end">
        {line.text}
      </Text>
    </Box>
  );
}
