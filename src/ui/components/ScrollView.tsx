// A window over many lines (the plan, the rendered values) as tall as the
// terminal allows: ↑/↓ and PgUp/PgDn scroll, Esc, q or Enter close.
import { Box, Text, useStdout } from 'ink';
import { useState } from 'react';
import { usePalette } from '../theme.js';
import { useKeys } from './use-keys.js';
import { KeyHints } from './KeyHints.js';

interface Props {
  readonly title: string;
  readonly lines: readonly string[];
  readonly active: boolean;
  readonly onClose: () => void;
}

/** Rows kept for the title, the key hints and what the terminal printed above. */
const CHROME_ROWS = 4;

export function ScrollView({ title, lines, active, onClose }: Props) {
  const p = usePalette();
  const rows = useStdout().stdout.rows as number | undefined;
  const height = Math.max(5, (rows ?? 18) - CHROME_ROWS);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - height);
  useKeys((keys) => {
    for (const key of keys) {
      if (key === 'escape' || key === 'return' || (typeof key === 'object' && key.char === 'q')) {
        onClose();
        return;
      }
      if (key === 'up') setTop((t) => Math.max(0, t - 1));
      else if (key === 'down') setTop((t) => Math.min(maxTop, t + 1));
      else if (key === 'pageUp') setTop((t) => Math.max(0, t - height));
      else if (key === 'pageDown') setTop((t) => Math.min(maxTop, t + height));
    }
  }, active);
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
