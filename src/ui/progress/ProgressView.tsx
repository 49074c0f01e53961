// The live install: printed lines scroll up once (<Static>: finished steps,
// failure panels, how the run ended); the running steps stay at the bottom,
// laid out to fit the terminal (live-layout.ts).
import { Box, Static } from 'ink';
import { PrintedItemView } from './FinishedLineView.js';
import { liveLines, type TerminalSize } from './live-layout.js';
import { LiveLineView } from './LiveLineView.js';
import { printedItems, type ProgressState } from './state.js';

interface Props {
  readonly state: ProgressState;
  /** Epoch ms for elapsed times and the spinner. */
  readonly now: number;
  readonly size: TerminalSize;
}

export function ProgressView({ state, now, size }: Props) {
  return (
    <Box flexDirection="column">
      <Static items={[...printedItems(state)]}>{(item) => <PrintedItemView key={item.key} item={item} columns={size.columns} />}</Static>
      {liveLines(state, size, now).map((line, i) => (
        // Lines have no identity beyond their place in the area.
        <LiveLineView key={i} line={line} />
      ))}
    </Box>
  );
}
