// One line for a finished step (✔ done, ↷ skipped with its reason, ✖ failed), printed once.
import { Text } from 'ink';
import { usePalette } from '../theme.js';
import type { FinishedLine } from './state.js';

const MARKS = { header: '▸', done: '✔', skipped: '↷', failed: '✖', notice: 'ℹ' } as const;

export function FinishedLineView({ line }: { readonly line: FinishedLine }) {
  const p = usePalette();
  const color = line.kind === 'done' ? p.ok : line.kind === 'failed' ? p.fail : line.kind === 'header' ? p.accent : undefined;
  const separator = line.kind === 'skipped' || line.kind === 'failed' ? ' — ' : '  ';
  return (
    <Text wrap="truncate-end">
      <Text color={color} bold={line.kind === 'header' && p.bold}>{`${MARKS[line.kind]} ${line.text}`}</Text>
      {line.detail ? <Text dimColor={p.dim}>{`${separator}${line.detail}`}</Text> : null}
    </Text>
  );
}
