// A window over many lines (the plan, the rendered values) that fits a
// 24-row terminal: ↑/↓ and PgUp/PgDn scroll, Esc, q or Enter close.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { usePalette } from '../theme.js';
import { KeyHints } from './KeyHints.js';

interface Props {
  readonly title: string;
  readonly lines: readonly string[];
  readonly height?: number;
  readonly active: boolean;
  readonly onClose: () => void;
}

export function ScrollView({ title, lines, height = 14, active, onClose }: Props) {
  const p = usePalette();
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - height);
  useInput(
    (input, key) => {
      if (key.escape || key.return || input === 'q') onClose();
      else if (key.upArrow) setTop((t) => Math.max(0, t - 1));
      else if (key.downArrow) setTop((t) => Math.min(maxTop, t + 1));
      else if (key.pageUp) setTop((t) => Math.max(0, t - height));
      else if (key.pageDown) setTop((t) => Math.min(maxTop, t + height));
    },
    { isActive: active },
  );
  const shown = lines.slice(top, top + height);
  return (
    <Box flexDirection="column">
      <Text bold={p.bold} wrap="truncate-end">{`${title}  (${lines.length === 0 ? 0 : top + 1}–${top + shown.length} of ${lines.length})`}</Text>
      {shown.map((line, i) => (
        <Text key={top + i} wrap="truncate-end">{line === '' ? ' ' : line}</Text>
      ))}
      <KeyHints hints={['↑↓ PgUp PgDn scroll', 'Esc back']} />
    </Box>
  );
}
