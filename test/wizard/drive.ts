// Drives the wizard reducer the way the screens do, from a script of answers
// keyed by question id, so a test fails loudly on an unexpected question.
import { wizardReducer, type WizardAction } from '../../src/wizard/reducer.js';
import { secretMethods, type SecretMethod } from '../../src/wizard/secret-entry.js';
import { currentQuestion, draftFor, type WizardState } from '../../src/wizard/state.js';

/** Enter on what the question shows: its default, or the answer it already has. */
export const ENTER = { enter: true } as const;

export type Answer = string | boolean | typeof ENTER | { readonly secret: SecretMethod; readonly value?: string };

export function apply(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}

/** Answers the current question (typing replaces the prefilled text). */
export function answer(state: WizardState, a: Answer): WizardState {
  const q = currentQuestion(state);
  if (!q) throw new Error(`not at a question: ${JSON.stringify(state.screen)}`);
  if (a === ENTER) {
    if (q.kind === 'secret') throw new Error(`${q.id}: Enter on a secret only picks how to supply it; script the secret`);
    return apply(state, { type: 'submit' });
  }
  const cursor = draftFor(state, q).cursor ?? 0;
  if (q.kind === 'text') {
    if (typeof a !== 'string') throw new Error(`${q.id} is a text question`);
    return apply(state, { type: 'edit', text: a }, { type: 'submit' });
  }
  if (q.kind === 'select') {
    const index = q.choices.findIndex((c) => c.value === a);
    if (index === -1) throw new Error(`${q.id} has no choice ${JSON.stringify(a)}`);
    return apply(state, { type: 'move', delta: index - cursor }, { type: 'submit' });
  }
  if (typeof a !== 'object' || !('secret' in a)) throw new Error(`${q.id} is a secret question`);
  const index = secretMethods(q).indexOf(a.secret);
  const chosen = apply(state, { type: 'move', delta: index - cursor }, { type: 'submit' });
  return a.secret === 'generate' ? chosen : apply(chosen, { type: 'edit', text: a.value ?? '' }, { type: 'submit' });
}

/** Answers questions from the script until the review; returns the ids asked, in order. */
export function walk(state: WizardState, script: Readonly<Record<string, Answer>>, limit = 200): { state: WizardState; asked: string[] } {
  const asked: string[] = [];
  let s = state;
  for (let i = 0; i < limit && s.screen.kind === 'question'; i++) {
    const id = s.screen.id;
    const a = script[id];
    if (a === undefined) throw new Error(`unexpected question ${id} (asked so far: ${asked.join(', ')})`);
    asked.push(id);
    s = answer(s, a);
    if (s.error) throw new Error(`${id}: ${s.error}`);
  }
  return { state: s, asked };
}
