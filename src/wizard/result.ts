// What the wizard hands its caller, and the preview the caller lends it.
import type { Problem } from '../answers/load.js';
import { finalAnswers } from './answers-out.js';
import type { FinishAction, WizardState } from './state.js';

export interface WizardResult {
  /** install: confirmed on the review; save: save the answers and quit; cancel: left early (answers so far). */
  readonly action: FinishAction;
  /** Answers with secret references only; typed secrets are `{ fromEnv: ZPI_SECRET_… }`. */
  readonly raw: Record<string, unknown>;
  /** Values of the typed secrets, by the env name `raw` refers to them with. */
  readonly typedSecrets: ReadonlyMap<string, string>;
}

export type PreviewResult =
  | { readonly ok: true; readonly planLines: readonly string[]; readonly values: readonly { readonly file: string; readonly text: string }[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Plans and renders the answers for the review; `typedSecrets` resolve the `ZPI_SECRET_…` references in `raw`. */
export type PreviewFn = (raw: Record<string, unknown>, typedSecrets: ReadonlyMap<string, string>) => Promise<PreviewResult>;

export function wizardResult(state: WizardState, action: FinishAction): WizardResult {
  const { raw, typedSecrets } = finalAnswers(state.data);
  return { action, raw: { ...raw }, typedSecrets };
}
