// Every user intent in the wizard as an action, and what it does to the state.
import { answersProblems, problemsFor } from './field-problems.js';
import { writeAnswer, type Question, type TextQuestion } from './question.js';
import { secretAnswer, secretMethods } from './secret-entry.js';
import type { SectionId } from './sections.js';
import { currentQuestion, draftFor, nextScreen, questions, type Draft, type FinishAction, type WizardState } from './state.js';

export type WizardAction =
  | { readonly type: 'edit'; readonly text: string }
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'submit' }
  | { readonly type: 'back' }
  | { readonly type: 'interrupt' }
  | { readonly type: 'leave'; readonly confirm: boolean }
  | { readonly type: 'edit-section'; readonly section: SectionId }
  | { readonly type: 'finish'; readonly action: Exclude<FinishAction, 'cancel'> };

function withDraft(state: WizardState, q: Question, draft: Draft): WizardState {
  return { ...state, drafts: { ...state.drafts, [q.id]: draft }, error: undefined };
}

function textValue(q: TextQuestion, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return q.numeric && /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The submitted value, the secret draft moving on to entering it, or why it cannot be submitted. */
function submittedValue(q: Question, draft: Draft): { value: unknown } | { next: Draft } | { error: string } {
  switch (q.kind) {
    case 'text':
      return { value: textValue(q, draft.text ?? '') };
    case 'select':
      return { value: q.choices[draft.cursor ?? 0]?.value };
    case 'secret': {
      const method = secretMethods(q)[draft.cursor ?? 0] ?? 'type';
      if (draft.stage !== 'value' && method !== 'generate') return { next: { ...draft, stage: 'value' } };
      const answer = secretAnswer(method, draft.texts?.[method] ?? '');
      return answer.ok ? { value: answer.value } : { error: answer.message };
    }
  }
}

function submit(state: WizardState): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const outcome = submittedValue(q, draftFor(state, q));
  if ('next' in outcome) return withDraft(state, q, outcome.next);
  if ('error' in outcome) return { ...state, error: outcome.error };
  const data = writeAnswer(q, state.data, outcome.value);
  const problems = problemsFor(q, answersProblems(data));
  if (problems.length > 0) return { ...state, error: problems.map((p) => p.message).join('\n') };
  // A secret is submitted whole: coming back shows how it is supplied first.
  const drafts = q.kind === 'secret' ? { ...state.drafts, [q.id]: { ...draftFor(state, q), stage: 'method' as const } } : state.drafts;
  const moved: WizardState = { ...state, data, drafts, error: undefined, asked: state.asked.includes(q.id) ? state.asked : [...state.asked, q.id], history: [...state.history, q.id] };
  const screen = nextScreen(moved, q.id);
  return { ...moved, screen, editing: screen.kind === 'review' ? undefined : moved.editing };
}

function back(state: WizardState): WizardState {
  const q = currentQuestion(state);
  if (q?.kind === 'secret') {
    const draft = draftFor(state, q);
    if (draft.stage === 'value') return withDraft(state, q, { ...draft, stage: 'method' });
  }
  const previous = state.history.at(-1);
  if (previous === undefined) return { ...state, error: undefined };
  const history = state.history.slice(0, -1);
  if (previous === 'review') return { ...state, history, screen: { kind: 'review' }, editing: undefined, error: undefined };
  return { ...state, history, screen: { kind: 'question', id: previous }, error: undefined };
}

function edit(state: WizardState, text: string): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const draft = draftFor(state, q);
  if (q.kind === 'secret') {
    const method = secretMethods(q)[draft.cursor ?? 0] ?? 'type';
    return withDraft(state, q, { ...draft, texts: { ...draft.texts, [method]: text } });
  }
  return withDraft(state, q, { ...draft, text });
}

function move(state: WizardState, delta: number): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const draft = draftFor(state, q);
  const count = q.kind === 'select' ? q.choices.length : q.kind === 'secret' && draft.stage !== 'value' ? secretMethods(q).length : 0;
  if (count === 0) return state;
  const cursor = Math.min(count - 1, Math.max(0, (draft.cursor ?? 0) + delta));
  return withDraft(state, q, { ...draft, cursor });
}

function editSection(state: WizardState, section: SectionId): WizardState {
  const first = questions(state).find((q) => q.section === section);
  if (!first || state.screen.kind !== 'review') return state;
  return { ...state, editing: section, history: [...state.history, 'review'], screen: { kind: 'question', id: first.id }, error: undefined };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  if (state.screen.kind === 'done') return state;
  if (state.leaving && action.type !== 'leave' && action.type !== 'interrupt') return state;
  switch (action.type) {
    case 'edit':
      return edit(state, action.text);
    case 'move':
      return move(state, action.delta);
    case 'submit':
      return submit(state);
    case 'back':
      return back(state);
    case 'interrupt':
      return { ...state, leaving: true };
    case 'leave':
      return action.confirm ? { ...state, leaving: false, screen: { kind: 'done', action: 'cancel' } } : { ...state, leaving: false };
    case 'edit-section':
      return editSection(state, action.section);
    case 'finish':
      return state.screen.kind === 'review' ? { ...state, screen: { kind: 'done', action: action.action } } : state;
  }
}
