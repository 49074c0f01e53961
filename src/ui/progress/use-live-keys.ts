// Keys during the live view. Reading them puts the terminal in raw mode,
// which is the point: in cooked mode the terminal echoes what is typed (an
// Enter moves the cursor down a line) behind Ink's back, and Ink then erases
// one line too few and leaves a finished step's spinner line on screen.
// Raw mode also stops the terminal from turning Ctrl+C into SIGINT, so the
// view raises it itself.
import { useInput, useStdin } from 'ink';
import { DETAILS_KEY } from './live-layout.js';

export interface LiveKeys {
  readonly onDetails: () => void;
  readonly onInterrupt: () => void;
}

export function useLiveKeys({ onDetails, onInterrupt }: LiveKeys): void {
  // Without a terminal on stdin there is no echo to stop and no raw mode to ask for.
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') onInterrupt();
      else if (input === DETAILS_KEY) onDetails();
    },
    // Ink reports stdin.isTTY as is: undefined, not false, for a pipe.
    { isActive: isRawModeSupported === true },
  );
}
