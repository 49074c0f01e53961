// A vertical list of choices: ↑/↓ move the cursor, Enter chooses. Controlled:
// the cursor lives in the caller's state so it survives going back and forth.
// Keys are taken one by one (fast typing sends "↓↓⏎" in one chunk), and Enter
// chooses where those moves landed, before the caller has re-rendered.
import { Box, Text } from 'ink';
import { useEffect, useRef } from 'react';
import { usePalette } from '../theme.js';
import { useKeys } from './use-keys.js';

export interface ChoiceItem {
  readonly label: string;
  readonly hint?: string | undefined;
}

interface Props {
  readonly items: readonly ChoiceItem[];
  readonly cursor: number;
  readonly active: boolean;
  readonly onMove: (delta: number) => void;
  /** The index chosen: where the moves of the same chunk landed. */
  readonly onChoose: (index: number) => void;
}

export function ChoiceList({ items, cursor, active, onMove, onChoose }: Props) {
  const p = usePalette();
  // Where the cursor is now, moves not yet rendered included.
  const at = useRef(cursor);
  useEffect(() => {
    at.current = cursor;
  }, [cursor]);
  useKeys((keys) => {
    for (const key of keys) {
      if (key === 'up' || key === 'down') {
        const next = Math.min(items.length - 1, Math.max(0, at.current + (key === 'up' ? -1 : 1)));
        if (next !== at.current) onMove(next - at.current);
        at.current = next;
      } else if (key === 'return') {
        onChoose(at.current);
        // What follows belongs to the next screen, which is not drawn yet.
        return;
      }
    }
  }, active);
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
