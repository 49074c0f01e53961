// A printed line (✔ done, ↷ verified in place with the reason, ✖ failed with its panel,
// ‖ waiting with its instructions…). Printed once and never redrawn, so long
// text wraps under its mark instead of being cut.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import { FailurePanel } from './FailurePanel.js';
import { RunEndView } from './RunEndView.js';
import type { FinishedLine, PrintedItem } from './state.js';

const MARKS = { header: '▸', done: '✔', verified: '↷', failed: '✖', waiting: '‖', notice: 'ℹ', details: '»' } as const;

interface Props {
  readonly line: FinishedLine;
  /** The terminal's width when printed: <Static> output is not laid out against the terminal by itself. */
  readonly columns: number;
}

export function FinishedLineView({ line, columns }: Props) {
  const p = usePalette();
  const color = line.kind === 'done' ? p.ok : line.kind === 'failed' ? p.fail : line.kind === 'header' ? p.accent : line.kind === 'waiting' ? p.warn : undefined;
  const separator = line.kind === 'verified' || line.kind === 'failed' ? ' — ' : '  ';
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={2} flexShrink={0}>
          <Text color={color}>{MARKS[line.kind]}</Text>
        </Box>
        <Box width={Math.max(1, columns - 2)}>
          <Text>
            <Text color={color} bold={line.kind === 'header' && p.bold}>{line.text}</Text>
            {line.detail ? <Text dimColor={p.dim}>{`${separator}${line.detail}`}</Text> : null}
          </Text>
        </Box>
      </Box>
      {(line.more ?? []).map((text, i) => (
        <Box key={`${i}:${text}`} paddingLeft={2} width={columns}>
          <Text dimColor={line.kind === 'details' && p.dim}>{text}</Text>
        </Box>
      ))}
      {line.failure ? <FailurePanel failure={line.failure} columns={columns} /> : null}
    </Box>
  );
}

export function PrintedItemView({ item, columns }: { readonly item: PrintedItem; readonly columns: number }) {
  return item.kind === 'end' ? <RunEndView end={item.end} columns={columns} /> : <FinishedLineView line={item} columns={columns} />;
}
