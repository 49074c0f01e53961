import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { UpgradePreview } from '../../src/plan/upgrade-preview.js';
import {
  CANCELLED,
  choicesOf,
  diffLines,
  diffWindow,
  initWalkthrough,
  walkIntents,
  walkReducer,
  type WalkIntent,
  type WalkState,
} from '../../src/wizard/upgrade-walkthrough.js';

const UNVERIFIED = 'the installer cannot verify control plane 0.14.0 with workspace 0.93.0 (workspace:ml); check the release notes';

function preview(o: { unverified?: boolean; databases?: boolean; changes?: number; diffLines?: number } = {}): UpgradePreview {
  const changes = [
    { component: 'control-plane', release: 'zenml-pro', namespace: 'zenml-pro', hops: [{ from: '0.13.0', to: '0.14.0' }], revision: 3, kept: [], diff: ['@@ -1,2 +1,2 @@', '-version: 0.13.0', '+version: 0.14.0', ' x: 1'] },
    { component: 'workspace:ml', release: 'zenml', namespace: 'zenml-workspace-ml', hops: [{ from: '0.92.0', to: '0.93.0' }], revision: 5, kept: ['zenml.resources'], diff: Array.from({ length: o.diffLines ?? 3 }, (_, i) => `+line ${i + 1}`) },
  ].slice(0, o.changes ?? 2);
  return {
    context: 'prod',
    server: 'https://prod:6443',
    discovered: changes.map((c) => ({ component: c.component, release: c.release, namespace: c.namespace, chart: c.component === 'control-plane' ? ('zenml-pro' as const) : ('zenml' as const), version: c.hops[0]?.from, revision: c.revision, status: 'deployed' })),
    changes,
    unverified: o.unverified ? [UNVERIFIED] : [],
    databases: o.databases
      ? [
          { component: 'control-plane', name: 'zenml_pro', command: 'PGPASSWORD=… pg_dump -h db -p 5432 -U zenml -Fc zenml_pro > zenml_pro-before-upgrade.dump' },
          { component: 'workspace:ml', name: 'ml', command: 'PGPASSWORD=… pg_dump -h db -p 5432 -U ml -Fc ml > ml-before-upgrade.dump' },
        ]
      : [],
    backupFolder: '/srv/zpi/backups',
  };
}

const start = (p: UpgradePreview, dumpTool?: string, height = 10): WalkState => initWalkthrough(p, { dumpTool, height });
const run = (state: WalkState, ...intents: WalkIntent[]): WalkState => intents.reduce(walkReducer, state);
const next: WalkIntent = { type: 'next' };
const back: WalkIntent = { type: 'back' };
const cancel: WalkIntent = { type: 'cancel' };
const up: WalkIntent = { type: 'move', delta: -1 };
/** Takes the choice with this label on the current screen (the test fails if there is none). */
function pick(state: WalkState, label: string): WalkState {
  const index = choicesOf(state).findIndex((c) => c.label === label);
  expect(index, `${label} among ${choicesOf(state).map((c) => c.label).join(', ')}`).toBeGreaterThanOrEqual(0);
  return walkReducer(state, { type: 'choose', index });
}
const highlighted = (state: WalkState): string | undefined => choicesOf(state)[state.cursor]?.label;

describe('the screens of a walk', () => {
  test('only the screens with something to show', () => {
    expect(start(preview()).screens).toEqual(['overview', 'diffs', 'confirm']);
    expect(start(preview({ unverified: true, databases: true })).screens).toEqual(['overview', 'diffs', 'unverified', 'backup', 'confirm']);
    expect(start(preview({ changes: 0 })).screens).toEqual(['overview', 'confirm']);
  });

  test('the overview highlights Continue; every consequential choice starts on Cancel', () => {
    let s = start(preview({ unverified: true, databases: true }), 'pg_dump');
    expect(highlighted(s)).toBe('Continue');
    s = run(s, next, next);
    expect(s.screen).toBe('unverified');
    expect(highlighted(s)).toBe('Cancel');
    s = pick(s, 'Go on with these versions');
    expect(s.screen).toBe('backup');
    expect(highlighted(s)).toBe('Cancel');
    s = pick(s, 'They are backed up');
    expect(s.screen).toBe('confirm');
    expect(highlighted(s)).toBe('Cancel');
    // Enter on each default: the walk ends cancelled.
    expect(run(s, next).decision).toEqual(CANCELLED);
  });

  test('Enter held down from the start cancels at the first consequential screen', () => {
    for (const p of [preview(), preview({ unverified: true }), preview({ databases: true }), preview({ changes: 0 })]) {
      const s = run(start(p, 'pg_dump'), next, next, next, next, next, next);
      expect(s.decision).toEqual(CANCELLED);
    }
  });
});

describe('every path to an upgrade', () => {
  test('without unverified versions or databases', () => {
    const s = run(start(preview()), next, next, up, next);
    expect(s.decision).toEqual({ action: 'upgrade', acceptUnverified: false, backupConfirmed: false, dump: false });
  });

  test('with unverified versions: accepted', () => {
    let s = run(start(preview({ unverified: true })), next, next);
    s = pick(s, 'Go on with these versions');
    s = pick(s, 'Upgrade now');
    expect(s.decision).toEqual({ action: 'upgrade', acceptUnverified: true, backupConfirmed: false, dump: false });
  });

  test('with unverified versions: cancelled', () => {
    const s = pick(run(start(preview({ unverified: true })), next, next), 'Cancel');
    expect(s.decision).toEqual(CANCELLED);
  });

  test('with databases and no dump tool: no dump is offered; backed up by the operator', () => {
    let s = run(start(preview({ databases: true })), next, next);
    expect(choicesOf(s).map((c) => c.label)).toEqual(['They are backed up', 'Cancel']);
    s = pick(s, 'They are backed up');
    s = pick(s, 'Upgrade now');
    expect(s.decision).toEqual({ action: 'upgrade', acceptUnverified: false, backupConfirmed: true, dump: false });
  });

  test('with databases and a dump tool: dumped by the installer', () => {
    let s = run(start(preview({ databases: true }), 'pg_dump'), next, next);
    expect(choicesOf(s).map((c) => c.label)).toEqual(['Dump them now with pg_dump into /srv/zpi/backups', 'They are backed up', 'Cancel']);
    s = pick(s, 'Dump them now with pg_dump into /srv/zpi/backups');
    s = pick(s, 'Upgrade now');
    expect(s.decision).toEqual({ action: 'upgrade', acceptUnverified: false, backupConfirmed: false, dump: true });
  });

  test('with everything: unverified accepted, databases backed up', () => {
    let s = run(start(preview({ unverified: true, databases: true }), 'pg_dump'), next, next);
    s = pick(s, 'Go on with these versions');
    s = pick(s, 'They are backed up');
    s = pick(s, 'Upgrade now');
    expect(s.decision).toEqual({ action: 'upgrade', acceptUnverified: true, backupConfirmed: true, dump: false });
  });

  test('nothing to upgrade: no diffs, still asked', () => {
    const s = run(start(preview({ changes: 0 })), next);
    expect(s.screen).toBe('confirm');
    expect(pick(s, 'Upgrade now').decision?.action).toBe('upgrade');
  });
});

describe('back and cancel', () => {
  const full = (): WalkState => start(preview({ unverified: true, databases: true }), 'pg_dump');
  const at = (screen: WalkState['screen']): WalkState => {
    let s = full();
    while (s.screen !== screen) {
      s = s.screen === 'unverified' ? pick(s, 'Go on with these versions') : s.screen === 'backup' ? pick(s, 'They are backed up') : run(s, next);
    }
    return s;
  };

  test.each(['overview', 'diffs', 'unverified', 'backup', 'confirm'] as const)('cancel on %s ends with nothing decided', (screen) => {
    expect(run(at(screen), cancel).decision).toEqual(CANCELLED);
  });

  test('Esc goes back one screen at a time; on the overview it cancels', () => {
    let s = at('confirm');
    const seen: string[] = [];
    while (!s.decision) {
      s = run(s, back);
      seen.push(s.decision ? 'cancelled' : s.screen);
    }
    expect(seen).toEqual(['backup', 'unverified', 'diffs', 'overview', 'cancelled']);
    expect(s.decision).toEqual(CANCELLED);
  });

  test('a screen gone back to asks again: its earlier choice no longer counts', () => {
    let s = at('confirm');
    expect(s.acceptUnverified).toBe(true);
    expect(s.backup).toBe('backed-up');
    s = run(s, back);
    expect(s.screen).toBe('backup');
    expect(s.backup).toBe('not-yet');
    expect(highlighted(s)).toBe('Cancel');
    s = run(s, back);
    expect(s.acceptUnverified).toBe(false);
    expect(highlighted(s)).toBe('Cancel');
    // Going forward again needs the choices made again; Enter on the defaults cancels.
    expect(run(s, next).decision).toEqual(CANCELLED);
  });

  test('after the decision, keys change nothing', () => {
    const done = run(start(preview()), cancel);
    expect(run(done, next, back, up, next)).toBe(done);
  });
});

describe('the diffs', () => {
  test('one release at a time, then all of them, round and round', () => {
    let s = run(start(preview()), next);
    expect(diffLines(s)[0]).toBe('── zenml-pro/zenml-pro: 0.13.0 → 0.14.0');
    s = run(s, { type: 'switch', delta: 1 });
    expect(diffLines(s)[0]).toBe('── zenml-workspace-ml/zenml: 0.92.0 → 0.93.0');
    s = run(s, { type: 'switch', delta: 1 });
    expect(diffLines(s).filter((l) => l.startsWith('── '))).toHaveLength(2);
    expect(run(s, { type: 'switch', delta: 1 }).diff).toBe(0);
    expect(run(s, { type: 'switch', delta: -1 }).diff).toBe(1);
  });

  test('a single release has nothing to switch to', () => {
    const s = run(start(preview({ changes: 1 })), next);
    expect(run(s, { type: 'switch', delta: 1 })).toBe(s);
  });

  test('scrolling stays within the diff, by line and by page', () => {
    let s = run(start(preview({ diffLines: 40 }), undefined, 10), next, { type: 'switch', delta: 1 });
    expect(diffLines(s)).toHaveLength(41);
    s = run(s, up);
    expect(s.top).toBe(0);
    s = run(s, { type: 'move', delta: 1 }, { type: 'page', delta: 1 });
    expect(s.top).toBe(11);
    s = run(s, { type: 'page', delta: 5 });
    expect(s.top).toBe(31);
    expect(diffWindow(s).lines.at(-1)).toBe('+line 40');
    s = run(s, { type: 'page', delta: -1 });
    expect(s.top).toBe(21);
    // Switching the diff starts it from the top.
    expect(run(s, { type: 'switch', delta: 1 }).top).toBe(0);
  });

  test('a taller terminal shows more and keeps the end in reach', () => {
    let s = run(start(preview({ diffLines: 40 }), undefined, 10), next, { type: 'switch', delta: 1 }, { type: 'page', delta: 9 });
    expect(s.top).toBe(31);
    s = run(s, { type: 'resize', height: 20 });
    expect(s.top).toBe(21);
    expect(diffWindow(s).lines).toHaveLength(20);
  });

  test('a release whose values do not change says so', () => {
    const p = preview({ changes: 1 });
    const s = run(start({ ...p, changes: [{ ...p.changes[0]!, diff: [] }] }), next);
    expect(diffLines(s)).toEqual(['── zenml-pro/zenml-pro: 0.13.0 → 0.14.0', '(the values do not change)']);
  });
});

describe('keys', () => {
  test('a chunk holding several keys gives their intents in order', () => {
    expect(walkIntents('\r\r\u001B[A\u001B[B\r')).toEqual([next, next, up, { type: 'move', delta: 1 }, next]);
    expect(walkIntents('\u001B[5~\u001B[6~\u001B[D\u001BOC')).toEqual([
      { type: 'page', delta: -1 },
      { type: 'page', delta: 1 },
      { type: 'switch', delta: -1 },
      { type: 'switch', delta: 1 },
    ]);
    expect(walkIntents('\u001B')).toEqual([back]);
    expect(walkIntents('\u001B\u001B[A')).toEqual([back, up]);
    expect(walkIntents('q')).toEqual([cancel]);
    expect(walkIntents('\u0003')).toEqual([cancel]);
    // Unknown keys and sequences (F1, Home, letters) do nothing.
    expect(walkIntents('\u001BOPx\u001B[H y')).toEqual([]);
  });

  test('typed fast (one chunk) or slowly (a chunk a key), the walk ends the same', () => {
    const keys = ['\r', '\u001B', '\u001B[A', '\u001B[B', '\u001B[C', '\u001B[D', '\u001B[5~', '\u001B[6~', 'x'];
    const p = preview({ unverified: true, databases: true, diffLines: 30 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...keys), { maxLength: 30 }), (typed) => {
        const slow = typed.reduce((s, key) => walkIntents(key).reduce(walkReducer, s), start(p, 'pg_dump'));
        const fast = walkIntents(typed.join('')).reduce(walkReducer, start(p, 'pg_dump'));
        expect(fast).toEqual(slow);
      }),
    );
  });
});
