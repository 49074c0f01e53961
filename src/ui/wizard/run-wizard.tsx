// Entry point: runs the wizard in the terminal and resolves with what to do
// (install, save, or cancel) and the answers. Typed secrets come back beside
// the answers, never in them (see src/wizard/typed-secrets.ts).
import { render } from 'ink';
import { initWizard, type WizardState } from '../../wizard/state.js';
import { wizardResult, type PreviewFn, type WizardResult } from '../../wizard/result.js';
import { PaletteContext, colorsEnabled, paletteFor } from '../theme.js';
import { WizardApp } from './WizardApp.js';

export interface RunWizardOptions {
  /** Answers to start from (an --answers file with gaps): only what is missing or invalid is asked. */
  readonly initial?: Record<string, unknown>;
  /** Context names from the kubeconfig, offered as choices. */
  readonly contexts: readonly string[];
  readonly currentContext?: string;
  readonly preview: PreviewFn;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Default: colours unless NO_COLOR is set. */
  readonly color?: boolean;
}

export async function runWizard(options: RunWizardOptions): Promise<WizardResult> {
  const initial = initWizard({ initial: options.initial, contexts: options.contexts, currentContext: options.currentContext });
  let latest: WizardState = initial;
  let result: WizardResult | undefined;
  const instance = render(
    <PaletteContext.Provider value={paletteFor(options.color ?? colorsEnabled())}>
      <WizardApp
        initial={initial}
        preview={options.preview}
        onDone={(r) => {
          result = r;
        }}
        onState={(s) => {
          latest = s;
        }}
      />
    </PaletteContext.Provider>,
    {
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stdout ? { stdout: options.stdout } : {}),
      patchConsole: false,
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
  // Ink unrefs stdin when it exits; a prompt that follows (install's confirmation) must keep the process waiting for it.
  (options.stdin ?? process.stdin).ref();
  return result ?? wizardResult(latest, 'cancel');
}
