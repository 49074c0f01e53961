// Entry point: runs the upgrade walkthrough on the terminal and resolves with
// what the operator decided, after Ink has unmounted (the closing line stays
// on screen). It changes nothing itself: the caller acts on the decision.
import { render } from 'ink';
import type { UpgradePreview } from '../../plan/upgrade-preview.js';
import { CANCELLED, type WalkthroughDecision } from '../../wizard/upgrade-walkthrough.js';
import { PaletteContext, colorsEnabled, paletteFor } from '../theme.js';
import { UpgradeWalkthrough } from './UpgradeWalkthrough.js';

export interface RunWalkthroughOptions {
  readonly preview: UpgradePreview;
  /** The dump tool found on this machine (e.g. pg_dump): offered as a backup choice only when given. */
  readonly dumpTool?: string | undefined;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Default: colours unless NO_COLOR is set. */
  readonly color?: boolean;
}

export async function runUpgradeWalkthrough(o: RunWalkthroughOptions): Promise<WalkthroughDecision> {
  let decision: WalkthroughDecision | undefined;
  const instance = render(
    <PaletteContext.Provider value={paletteFor(o.color ?? colorsEnabled())}>
      <UpgradeWalkthrough
        preview={o.preview}
        dumpTool={o.dumpTool}
        onDone={(d) => {
          decision = d;
        }}
      />
    </PaletteContext.Provider>,
    {
      ...(o.stdin ? { stdin: o.stdin } : {}),
      ...(o.stdout ? { stdout: o.stdout } : {}),
      patchConsole: false,
      // Ctrl+C is a key here (cancel, with the closing line drawn), not the end of the process.
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
  // Ended without a decision (unmounted from outside): nothing was chosen, so nothing is done.
  return decision ?? CANCELLED;
}
