// The wizard's state and the questions it is at. Pure: the Ink screens render
// it and send actions to reducer.ts.
import { answersProblems, isGap } from './field-problems.js';
import { scalarText } from './path.js';
import { readAnswer, type Question, type WizardData } from './question.js';
import { buildQuestions } from './questions/index.js';
import { methodOf, secretMethods, textOf, type SecretMethod } from './secret-entry.js';
import type { SectionId } from './sections.js';

export type FinishAction = 'install' | 'save' | 'cancel';

/** What was entered on a question and not necessarily submitted: kept across back and forth. */
export interface Draft {
  readonly text?: string;
  /** Where typing goes in the text being entered (code points); its end when undefined. */
  readonly caret?: number;
  /** The highlighted choice or secret method. */
  readonly cursor?: number;
  /** Secrets: choosing how to supply it, or entering it. */
  readonly stage?: 'method' | 'value';
  readonly texts?: Readonly<Partial<Record<SecretMethod, string>>>;
}

export type Screen = { readonly kind: 'question'; readonly id: string } | { readonly kind: 'review' } | { readonly kind: 'done'; readonly action: FinishAction };

export interface WizardState {
  readonly data: WizardData;
  readonly screen: Screen;
  /** Screens before this one, for Esc: question ids, or 'review'. */
  readonly history: readonly string[];
  readonly drafts: Readonly<Record<string, Draft>>;
  readonly error?: string | undefined;
  /** Ctrl+C asked whether to leave. */
  readonly leaving: boolean;
  /** Started from an answers file: ask only what is missing or invalid. */
  readonly gapMode: boolean;
  readonly initialGaps: readonly string[];
  readonly asked: readonly string[];
  /** A section opened from the review: ask it whole, then only what is now missing. */
  readonly editing?: SectionId | undefined;
}

export interface WizardInit {
  readonly initial?: Readonly<Record<string, unknown>> | undefined;
  readonly contexts: readonly string[];
  readonly currentContext?: string | undefined;
  readonly checkFile?: WizardData['checkFile'];
}

export function questions(state: Pick<WizardState, 'data'>): Question[] {
  return buildQuestions(state.data);
}

export function currentQuestion(state: WizardState): Question | undefined {
  const { screen } = state;
  return screen.kind === 'question' ? questions(state).find((q) => q.id === screen.id) : undefined;
}

function shouldAsk(state: WizardState, q: Question, problemPaths: () => readonly string[]): boolean {
  if (state.editing) return q.section === state.editing || isGap(q, problemPaths());
  if (!state.gapMode) return true;
  return state.asked.includes(q.id) || isGap(q, state.initialGaps) || isGap(q, problemPaths());
}

/** The screen after `afterId` (or the first one): the next question to ask, else the review. */
export function nextScreen(state: WizardState, afterId?: string): Screen {
  const qs = questions(state);
  const at = afterId === undefined ? -1 : qs.findIndex((q) => q.id === afterId);
  let problems: readonly string[] | undefined;
  const problemPaths = (): readonly string[] => (problems ??= answersProblems(state.data).map((p) => p.path));
  for (const q of qs.slice(at + 1)) {
    if (at === -1 && afterId !== undefined && state.asked.includes(q.id)) continue;
    if (shouldAsk(state, q, problemPaths)) return { kind: 'question', id: q.id };
  }
  return { kind: 'review' };
}

export function initWizard(init: WizardInit): WizardState {
  const data: WizardData = { raw: { ...(init.initial ?? {}) }, flags: {}, contexts: init.contexts, currentContext: init.currentContext, checkFile: init.checkFile };
  const gapMode = init.initial !== undefined;
  const base: WizardState = {
    data,
    screen: { kind: 'review' },
    history: [],
    drafts: {},
    leaving: false,
    gapMode,
    initialGaps: gapMode ? answersProblems(data).map((p) => p.path) : [],
    asked: [],
  };
  return { ...base, screen: nextScreen(base) };
}

/** What the question's input shows: the draft, else the answer, else the default. */
export function draftFor(state: WizardState, q: Question): Draft {
  const saved = state.drafts[q.id];
  if (saved) return saved;
  const value = readAnswer(q, state.data);
  switch (q.kind) {
    case 'text':
      return { text: (Array.isArray(value) ? value.join(', ') : scalarText(value)) ?? q.defaultValue ?? '' };
    case 'select': {
      const wanted = value ?? q.defaultValue;
      return { cursor: Math.max(0, q.choices.findIndex((c) => c.value === wanted)) };
    }
    case 'secret': {
      const methods = secretMethods(q);
      const method = methodOf(value) ?? methods[0] ?? 'type';
      const entered = textOf(value);
      return { stage: 'method', cursor: Math.max(0, methods.indexOf(method)), texts: entered === undefined ? {} : { [method]: entered } };
    }
  }
}
