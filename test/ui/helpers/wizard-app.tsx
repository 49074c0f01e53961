// Renders the wizard into ink-testing-library's terminal with a fake preview.
import { render } from 'ink-testing-library';
import { WizardApp } from '../../../src/ui/wizard/WizardApp.js';
import type { PreviewFn, WizardResult } from '../../../src/wizard/result.js';
import { initWizard } from '../../../src/wizard/state.js';
import { ready } from './frames.js';
import { WizardDriver } from './wizard-driver.js';

/** A preview that echoes what it was given, including a typed secret, so masking can be checked. */
export const echoPreview: PreviewFn = (raw, typedSecrets) => {
  const cp = raw.controlPlane as { hostname?: string } | undefined;
  const workspaces = (raw.workspaces as { name?: string }[] | undefined) ?? [];
  return Promise.resolve({
    ok: true,
    planLines: [`Install the control plane at ${cp?.hostname ?? '?'}`, ...workspaces.map((w) => `Install workspace ${w.name ?? '?'}`)],
    values: [{ file: 'control-plane.values.yaml', text: `hostname: ${cp?.hostname ?? '?'}\nsecrets:\n${[...typedSecrets.values()].map((v) => `  - ${v}`).join('\n')}` }],
  });
};

export async function startWizard(options: { initial?: Record<string, unknown>; preview?: PreviewFn } = {}) {
  const results: WizardResult[] = [];
  const ui = render(
    <WizardApp
      initial={initWizard({ initial: options.initial, contexts: ['dev', 'prod-eu'], currentContext: 'dev' })}
      preview={options.preview ?? echoPreview}
      onDone={(r) => results.push(r)}
    />,
  );
  const driver = new WizardDriver({ lastFrame: () => ui.lastFrame() ?? '', stdin: ui.stdin });
  await ready(() => driver.frame());
  return { ui, driver, results };
}
