// A vertical list of choices: ↑/↓ move the cursor, Enter chooses. Controlled:
// the cursor lives in the caller's state so it survives going back and forth.
import { Box, Text, useInput } from 'ink';
import { usePalette } from '../theme.js';

export interface ChoiceItem {
  readonly label: string;
  readonly hint?: string | undefined;
}

interface Props {
  readonly items: readonly ChoiceItem[];
  readonly cursor: number;
  readonly active: boolean;
  readonly onMove: (delta: number) => void;
  readonly onChoose: () => void;
}

export function ChoiceList({ items, cursor, active, onMove, onChoose }: Props) {
  const p = usePalette();
  useInput(
    (_input, key) => {
      if (key.upArrow) onMove(-1);
      else if (key.downArrow) onMove(1);
      else if (key.return) onChoose();
    },
    { isActive: active },
  );
  return (
    <Box flexDirection="column">
      {items.map((item, i) => (
        <Text key={`${i}:${item.label}`} wrap="truncate-end" color={i === cursor ? p.accent : undefined} bold={i === cursor && p.bold}>
          {i === cursor ? ' ❯ ' : '   '}
          {item.label}
          {item.hint ? <Text dimColor={p.dim} bold={false}>{`  ${item.hint}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
