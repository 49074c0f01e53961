// Every user intent in the wizard as an action, and what it does to the state.
import { answersProblems, problemsFor } from './field-problems.js';
import { applyLineOps, type LineOp } from './line-editor.js';
import { fileCheck, writeAnswer, type Question, type TextQuestion, type WizardData } from './question.js';
import { secretAnswer, secretMethods } from './secret-entry.js';
import type { SectionId } from './sections.js';
import { currentQuestion, draftFor, nextScreen, questions, type Draft, type FinishAction, type WizardState } from './state.js';

export type WizardAction =
  | { readonly type: 'edit'; readonly text: string }
  | { readonly type: 'line'; readonly ops: readonly LineOp[] }
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
  if (q.list) return trimmed.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return q.numeric && /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The submitted value, the secret draft moving on to entering it, or why it cannot be submitted. */
function submittedValue(q: Question, draft: Draft, d: WizardData): { value: unknown } | { next: Draft } | { error: string } {
  switch (q.kind) {
    case 'text': {
      const value = textValue(q, draft.text ?? '');
      const problem = typeof value === 'string' ? q.check?.(value, d) : undefined;
      return problem ? { error: problem } : { value };
    }
    case 'select':
      return { value: q.choices[draft.cursor ?? 0]?.value };
    case 'secret': {
      const method = secretMethods(q)[draft.cursor ?? 0] ?? 'type';
      if (draft.stage !== 'value' && method !== 'generate') return { next: { ...draft, stage: 'value', caret: undefined } };
      const answer = secretAnswer(method, draft.texts?.[method] ?? '');
      if (!answer.ok) return { error: answer.message };
      const file = method === 'file' ? fileCheck(q.label)((draft.texts?.file ?? '').trim(), d) : undefined;
      return file ? { error: file } : { value: answer.value };
    }
  }
}

function submit(state: WizardState): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const outcome = submittedValue(q, draftFor(state, q), state.data);
  if ('next' in outcome) return withDraft(state, q, outcome.next);
  if ('error' in outcome) return { ...state, error: outcome.error };
  const data = writeAnswer(q, state.data, outcome.value);
  const after = questions({ data });
  const at = after.findIndex((x) => x.id === q.id);
  const problems = problemsFor(q, answersProblems(data), at === -1 ? [] : after.slice(at + 1));
  if (problems.length > 0) return { ...state, error: problems.map((p) => p.message).join('\n') };
  // A secret is submitted whole: coming back shows how it is supplied first.
  const drafts = q.kind === 'secret' ? { ...state.drafts, [q.id]: { ...draftFor(state, q), stage: 'method' as const } } : state.drafts;
  const moved: WizardState = { ...state, data, drafts, error: undefined, asked: state.asked.includes(q.id) ? state.asked : [...state.asked, q.id], history: [...state.history, q.id] };
  const screen = nextScreen(moved, q.id);
  return { ...moved, screen, editing: screen.kind === 'review' ? undefined : moved.editing };
}

/** The review came first (complete answers): Esc opens the last question, and Esc again walks back through all of them. */
function backFromFirstReview(state: WizardState): WizardState {
  const ids = questions(state).map((q) => q.id);
  const last = ids.at(-1);
  if (last === undefined) return state;
  return { ...state, screen: { kind: 'question', id: last }, history: ids.slice(0, -1), error: undefined };
}

function back(state: WizardState): WizardState {
  const q = currentQuestion(state);
  if (q?.kind === 'secret') {
    const draft = draftFor(state, q);
    if (draft.stage === 'value') return withDraft(state, q, { ...draft, stage: 'method' });
  }
  const previous = state.history.at(-1);
  if (previous === undefined) return state.screen.kind === 'review' ? backFromFirstReview(state) : { ...state, error: undefined };
  const history = state.history.slice(0, -1);
  if (previous === 'review') return { ...state, history, screen: { kind: 'review' }, editing: undefined, error: undefined };
  return { ...state, history, screen: { kind: 'question', id: previous }, error: undefined };
}

/** The text being entered on `q` (a text question, or a secret's value) and the draft with other text. */
function entered(q: Question, draft: Draft): { text: string; withText: (text: string, caret: number | undefined) => Draft } {
  if (q.kind === 'secret') {
    const method = secretMethods(q)[draft.cursor ?? 0] ?? 'type';
    return { text: draft.texts?.[method] ?? '', withText: (text, caret) => ({ ...draft, caret, texts: { ...draft.texts, [method]: text } }) };
  }
  return { text: draft.text ?? '', withText: (text, caret) => ({ ...draft, text, caret }) };
}

function edit(state: WizardState, text: string): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  return withDraft(state, q, entered(q, draftFor(state, q)).withText(text, undefined));
}

function editLine(state: WizardState, ops: readonly LineOp[]): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const draft = draftFor(state, q);
  const current = entered(q, draft);
  const line = applyLineOps({ text: current.text, caret: draft.caret ?? Array.from(current.text).length }, ops);
  return withDraft(state, q, current.withText(line.text, line.caret));
}

function move(state: WizardState, delta: number): WizardState {
  const q = currentQuestion(state);
  if (!q) return state;
  const draft = draftFor(state, q);
  const count = q.kind === 'select' ? q.choices.length : q.kind === 'secret' && draft.stage !== 'value' ? secretMethods(q).length : 0;
  if (count === 0) return state;
  const cursor = Math.min(count - 1, Math.max(0, (draft.cursor ?? 0) + delta));
  return withDraft(state, q, { ...draft, cursor, caret: undefined });
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
    case 'line':
      return editLine(state, action.ops);
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
