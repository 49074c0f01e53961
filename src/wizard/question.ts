// What one wizard question is: where its answer lives, how it is asked, and
// its default. Questions are plain data rebuilt from the answers so far, so
// the list always matches the scenario and the number of workspaces.
import { getAt, setAt, type Path, type Raw } from './path.js';
import { schemaDefault, schemaEnum } from './schema-info.js';
import type { SectionId } from './sections.js';

export type FlagValue = string | boolean | number;

/** The wizard's working data: the raw answers plus choices that are not answers (e.g. how many workspaces). */
export interface WizardData {
  readonly raw: Raw;
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly contexts: readonly string[];
  readonly currentContext?: string | undefined;
  /** Why a path typed in the wizard cannot be read (undefined when it can); injected, so the wizard does no I/O. */
  readonly checkFile?: ((path: string, kind: 'file' | 'file-or-directory') => string | undefined) | undefined;
}

export interface Choice {
  readonly value: string | boolean;
  readonly label: string;
  readonly hint?: string;
}

/** A choice that is not an answer field (it only steers which questions follow). */
export interface FlagBinding {
  read(d: WizardData): FlagValue | undefined;
  write(d: WizardData, value: FlagValue): WizardData;
}

interface QuestionBase {
  /** Stable across rebuilds, e.g. `ws1.database.host`. */
  readonly id: string;
  readonly section: SectionId;
  /** Short, also used in the review summary. */
  readonly label: string;
  /** Where the answer lives; for a flag, what it is about (to match problems). */
  readonly path: Path;
  /** Overrides the schema's one-line description. */
  readonly help?: string;
  /** Shown above the label, e.g. `Workspace 2 · research`. */
  readonly group?: string;
  /** Problem paths of cross-field rules this question answers, matched exactly. */
  readonly owns?: readonly string[];
  /** Problems inside `path` that are another question's business (a flag about a whole list). */
  readonly exact?: boolean;
  readonly flag?: FlagBinding;
  /** False for questions that only steer the flow (left out of the review summary). */
  readonly inSummary?: boolean;
}

export interface TextQuestion extends QuestionBase {
  readonly kind: 'text';
  readonly defaultValue?: string;
  readonly placeholder?: string;
  readonly optional?: boolean;
  readonly numeric?: boolean;
  /** A comma-separated list, saved as an array of strings. */
  readonly list?: boolean;
  /** A check of the typed text beyond the schema's, run when it is submitted: the message to show, or undefined. */
  readonly check?: (text: string, d: WizardData) => string | undefined;
}

export interface SelectQuestion extends QuestionBase {
  readonly kind: 'select';
  readonly choices: readonly Choice[];
  readonly defaultValue?: string | boolean;
}

export interface SecretQuestion extends QuestionBase {
  readonly kind: 'secret';
  /** Whether the schema accepts `{ generate: true }` here. */
  readonly generatable: boolean;
}

export type Question = TextQuestion | SelectQuestion | SecretQuestion;

export function readAnswer(q: Question, d: WizardData): unknown {
  return q.flag ? q.flag.read(d) : getAt(d.raw, q.path);
}

export function writeAnswer(q: Question, d: WizardData, value: unknown): WizardData {
  if (q.flag) return value === undefined ? d : q.flag.write(d, value as FlagValue);
  return { ...d, raw: setAt(d.raw, q.path, value) };
}

type Extra<Q> = Partial<Omit<Q, 'kind' | 'id' | 'section' | 'path' | 'label'>>;

export function text(section: SectionId, id: string, path: Path, label: string, extra: Extra<TextQuestion> = {}): TextQuestion {
  const d = schemaDefault(path);
  const defaultValue = typeof d === 'string' || typeof d === 'number' ? String(d) : undefined;
  return { kind: 'text', id, section, path, label, defaultValue, numeric: typeof d === 'number', ...extra };
}

export function select(section: SectionId, id: string, path: Path, label: string, choices: readonly Choice[], extra: Extra<SelectQuestion> = {}): SelectQuestion {
  const d = schemaDefault(path);
  const defaultValue = typeof d === 'string' || typeof d === 'boolean' ? d : undefined;
  return { kind: 'select', id, section, path, label, choices, defaultValue, ...extra };
}

export function secret(section: SectionId, id: string, path: Path, label: string, extra: Extra<SecretQuestion> = {}): SecretQuestion {
  const d = schemaDefault(path);
  const generatable = d !== null && typeof d === 'object' && 'generate' in d;
  return { kind: 'secret', id, section, path, label, generatable, ...extra };
}

/** The schema's allowed values at `path`, in its order, each with a hint. */
export function enumChoices(path: Path, hints: Readonly<Record<string, string>> = {}): Choice[] {
  return schemaEnum(path).map((value) => ({ value, label: value, ...(hints[value] ? { hint: hints[value] } : {}) }));
}

export function yesNo(noHint?: string, yesHint?: string): Choice[] {
  return [
    { value: false, label: 'no', ...(noHint ? { hint: noHint } : {}) },
    { value: true, label: 'yes', ...(yesHint ? { hint: yesHint } : {}) },
  ];
}

/** A wizard-only choice kept in `flags`, starting from what the answers imply. */
export function flagBinding(id: string, derive: (d: WizardData) => FlagValue | undefined, apply?: (d: WizardData, value: FlagValue) => WizardData): FlagBinding {
  return {
    read: (d) => d.flags[id] ?? derive(d),
    write: (d, value) => {
      const next = { ...d, flags: { ...d.flags, [id]: value } };
      return apply ? apply(next, value) : next;
    },
  };
}

/** A text question's check for a file path: it must exist and be readable when typed. */
export function fileCheck(label: string, kind: 'file' | 'file-or-directory' = 'file'): (text: string, d: WizardData) => string | undefined {
  return (text, d) => {
    const problem = d.checkFile?.(text, kind);
    return problem && `${label}: ${problem}`;
  };
}

/** A text question's check from a plain `value → problem` function, naming the field. */
export function valueCheck(label: string, problem: (value: string) => string | undefined): (text: string) => string | undefined {
  return (text) => {
    const message = problem(text);
    return message && `${label}: ${message}`;
  };
}
