// Entry point: runs the wizard in the terminal and resolves with what to do
// (install, save, or cancel) and the answers. Typed secrets come back beside
// the answers, never in them (see src/wizard/typed-secrets.ts).
import { render } from 'ink';
import { initWizard, type WizardInit, type WizardState } from '../../wizard/state.js';
import { wizardResult, type PreviewFn, type WizardResult } from '../../wizard/result.js';
import { PaletteContext, colorsEnabled, paletteFor } from '../theme.js';
import { WizardApp } from './WizardApp.js';

export interface RunWizardOptions {
  /** Answers to start from (an --answers file with gaps): only what is missing or invalid is asked. */
  readonly initial?: Record<string, unknown>;
  /** Context names from the kubeconfig, offered as choices. */
  readonly contexts: readonly string[];
  readonly currentContext?: string;
  /** The API server of each context, named when the install is confirmed. */
  readonly contextServers?: Readonly<Record<string, string>>;
  /** Checks paths typed into the wizard (see WizardData.checkFile). */
  readonly checkFile?: WizardInit['checkFile'];
  readonly preview: PreviewFn;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Default: colours unless NO_COLOR is set. */
  readonly color?: boolean;
}

export async function runWizard(options: RunWizardOptions): Promise<WizardResult> {
  const initial = initWizard({ initial: options.initial, contexts: options.contexts, currentContext: options.currentContext, checkFile: options.checkFile });
  let latest: WizardState = initial;
  let result: WizardResult | undefined;
  const instance = render(
    <PaletteContext.Provider value={paletteFor(options.color ?? colorsEnabled())}>
      <WizardApp
        initial={initial}
        preview={options.preview}
        contextServers={options.contextServers}
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
  const final = result ?? wizardResult(latest, 'cancel');
  // Ink unrefs stdin when it exits (its handle may still be reading): whatever reads the terminal next refs it
  // itself (install's confirmation does), so nothing after the wizard keeps the process alive by accident.
  return final;
}
