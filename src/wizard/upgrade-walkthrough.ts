// The upgrade walkthrough as a state machine: what the operator reads and
// chooses before an upgrade changes anything, the keys as intents, and the
// decision at the end. Pure; src/ui/upgrade draws it. Every consequential
// choice starts on Cancel: only the overview's Continue (which just shows
// more) is highlighted first, so Enter held down never starts an upgrade.
import { splitKeys, type NavKey } from './keys.js';
import { pathText, type ReleaseChange, type UpgradePreview } from '../plan/upgrade-preview.js';

export type WalkScreen = 'overview' | 'diffs' | 'unverified' | 'backup' | 'confirm';

export interface WalkthroughDecision {
  readonly action: 'upgrade' | 'cancel';
  /** The operator went on with version pairs the compatibility table cannot vouch for. */
  readonly acceptUnverified: boolean;
  /** The operator said the databases are backed up. */
  readonly backupConfirmed: boolean;
  /** The operator asked for the databases to be dumped before the upgrade. */
  readonly dump: boolean;
}

export const CANCELLED: WalkthroughDecision = { action: 'cancel', acceptUnverified: false, backupConfirmed: false, dump: false };

export type ChoiceId = 'continue' | 'accept' | 'dump' | 'backed-up' | 'upgrade' | 'cancel';

export interface WalkChoice {
  readonly id: ChoiceId;
  readonly label: string;
  readonly hint?: string;
}

export interface WalkState {
  readonly preview: UpgradePreview;
  readonly dumpTool: string | undefined;
  /** The screens of this walk, in order: those with nothing to show are left out. */
  readonly screens: readonly WalkScreen[];
  readonly screen: WalkScreen;
  readonly cursor: number;
  /** The diff shown: a release's index in preview.changes, or changes.length for all of them. */
  readonly diff: number;
  /** The first diff line in view. */
  readonly top: number;
  /** Diff lines the terminal has room for. */
  readonly height: number;
  readonly acceptUnverified: boolean;
  readonly backup: 'not-yet' | 'backed-up' | 'dump';
  readonly decision: WalkthroughDecision | undefined;
}

export type WalkIntent =
  /** Enter: the highlighted choice, or on from the diffs. */
  | { readonly type: 'next' }
  /** Esc: the screen before (on the first one: cancel). */
  | { readonly type: 'back' }
  | { readonly type: 'choose'; readonly index: number }
  /** q or Ctrl+C. */
  | { readonly type: 'cancel' }
  /** ↑↓: the cursor, or the diff by a line. */
  | { readonly type: 'move'; readonly delta: number }
  /** PgUp/PgDn: the diff by a page. */
  | { readonly type: 'page'; readonly delta: number }
  /** ←→: the diff of the release before or after (or all of them). */
  | { readonly type: 'switch'; readonly delta: number }
  | { readonly type: 'resize'; readonly height: number };

export function initWalkthrough(preview: UpgradePreview, o: { readonly dumpTool?: string | undefined; readonly height: number }): WalkState {
  const screens: WalkScreen[] = ['overview'];
  if (preview.changes.length > 0) screens.push('diffs');
  if (preview.unverified.length > 0) screens.push('unverified');
  if (preview.databases.length > 0) screens.push('backup');
  screens.push('confirm');
  return enter(
    { preview, dumpTool: o.dumpTool, screens, screen: 'overview', cursor: 0, diff: 0, top: 0, height: Math.max(1, o.height), acceptUnverified: false, backup: 'not-yet', decision: undefined },
    'overview',
  );
}

export function choicesOf(state: WalkState): WalkChoice[] {
  const cancel: WalkChoice = { id: 'cancel', label: 'Cancel', hint: 'nothing is changed' };
  switch (state.screen) {
    case 'overview':
      return [{ id: 'continue', label: 'Continue', hint: state.preview.changes.length > 0 ? 'the values diffs next' : 'nothing to upgrade' }, cancel];
    case 'diffs':
      return [];
    case 'unverified':
      return [{ id: 'accept', label: 'Go on with these versions', hint: 'I have read the release notes' }, cancel];
    case 'backup':
      return [
        ...(state.dumpTool ? [{ id: 'dump' as const, label: `Dump them now with ${state.dumpTool} into ${state.preview.backupFolder}` }] : []),
        { id: 'backed-up', label: 'They are backed up' },
        { ...cancel, hint: 'back them up, then run upgrade again' },
      ];
    case 'confirm':
      return [{ id: 'upgrade', label: 'Upgrade now' }, cancel];
  }
}

/** How many diffs there are to switch between: each release's, and all of them when there are several. */
export const diffViews = (p: UpgradePreview): number => p.changes.length + (p.changes.length > 1 ? 1 : 0);

const section = (c: ReleaseChange): string[] => [`── ${c.namespace}/${c.release}: ${pathText(c)}`, ...(c.diff.length > 0 ? c.diff : ['(the values do not change)'])];

/** The lines of the diff shown. */
export function diffLines(state: WalkState): string[] {
  const { changes } = state.preview;
  const one = changes[state.diff];
  return one ? section(one) : changes.flatMap((c, i) => [...(i > 0 ? [''] : []), ...section(c)]);
}

/** What is in view of the diff shown: its lines from `first` (0-based), and how many there are. */
export function diffWindow(state: WalkState): { readonly lines: readonly string[]; readonly first: number; readonly total: number } {
  const all = diffLines(state);
  const first = Math.min(state.top, Math.max(0, all.length - state.height));
  return { lines: all.slice(first, first + state.height), first, total: all.length };
}

const clamp = (n: number, low: number, high: number): number => Math.max(low, Math.min(high, n));

function scrollTo(state: WalkState, top: number): WalkState {
  return { ...state, top: clamp(top, 0, Math.max(0, diffLines(state).length - state.height)) };
}

/** Entering a screen, either way, asks its question afresh: the cursor is back on the safe choice and an earlier answer no longer counts. */
function enter(state: WalkState, screen: WalkScreen): WalkState {
  const next: WalkState = {
    ...state,
    screen,
    acceptUnverified: screen === 'unverified' ? false : state.acceptUnverified,
    backup: screen === 'backup' ? 'not-yet' : state.backup,
  };
  const choices = choicesOf(next);
  const safe = choices.findIndex((c) => c.id === (screen === 'overview' ? 'continue' : 'cancel'));
  return { ...next, cursor: Math.max(0, safe) };
}

function forward(state: WalkState): WalkState {
  const screen = state.screens[state.screens.indexOf(state.screen) + 1];
  return screen ? enter(state, screen) : state;
}

function finish(state: WalkState, action: WalkthroughDecision['action']): WalkState {
  if (action === 'cancel') return { ...state, decision: CANCELLED };
  return { ...state, decision: { action, acceptUnverified: state.acceptUnverified, backupConfirmed: state.backup === 'backed-up', dump: state.backup === 'dump' } };
}

function take(state: WalkState, index: number): WalkState {
  switch (choicesOf(state)[index]?.id) {
    case undefined:
      return state;
    case 'continue':
      return forward(state);
    case 'accept':
      return forward({ ...state, acceptUnverified: true });
    case 'dump':
      return forward({ ...state, backup: 'dump' });
    case 'backed-up':
      return forward({ ...state, backup: 'backed-up' });
    case 'upgrade':
      return finish(state, 'upgrade');
    case 'cancel':
      return finish(state, 'cancel');
  }
}

export function walkReducer(state: WalkState, intent: WalkIntent): WalkState {
  if (state.decision) return state;
  const diffs = state.screen === 'diffs';
  switch (intent.type) {
    case 'cancel':
      return finish(state, 'cancel');
    case 'back': {
      const before = state.screens[state.screens.indexOf(state.screen) - 1];
      return before ? enter(state, before) : finish(state, 'cancel');
    }
    case 'next':
      return diffs ? forward(state) : take(state, state.cursor);
    case 'choose':
      return take(state, intent.index);
    case 'move':
      if (diffs) return scrollTo(state, state.top + intent.delta);
      return { ...state, cursor: clamp(state.cursor + intent.delta, 0, choicesOf(state).length - 1) };
    case 'page':
      return diffs ? scrollTo(state, state.top + intent.delta * state.height) : state;
    case 'switch': {
      const views = diffViews(state.preview);
      return diffs && views > 1 ? { ...state, diff: (((state.diff + intent.delta) % views) + views) % views, top: 0 } : state;
    }
    case 'resize': {
      const height = Math.max(1, intent.height);
      return height === state.height ? state : scrollTo({ ...state, height }, state.top);
    }
  }
}

const KEY_INTENTS: Readonly<Record<NavKey, WalkIntent>> = {
  up: { type: 'move', delta: -1 },
  down: { type: 'move', delta: 1 },
  left: { type: 'switch', delta: -1 },
  right: { type: 'switch', delta: 1 },
  pageUp: { type: 'page', delta: -1 },
  pageDown: { type: 'page', delta: 1 },
  return: { type: 'next' },
  escape: { type: 'back' },
  'ctrl-c': { type: 'cancel' },
};

/** The intents in one chunk of raw terminal input, in order: fast typing sends several keys in one chunk. */
export function walkIntents(chunk: string): WalkIntent[] {
  return splitKeys(chunk).flatMap((key): WalkIntent[] => {
    if (typeof key === 'string') return [KEY_INTENTS[key]];
    return key.char === 'q' || key.char === 'Q' ? [{ type: 'cancel' }] : [];
  });
}
