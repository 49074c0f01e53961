import { expect, test, vi } from 'vitest';

// Colour support is decided when chalk loads; force it so colours can be seen
// at all, and so the palette is what turns them off.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import type { UpgradePreview } from '../../src/plan/upgrade-preview.js';
import { runUpgradeWalkthrough } from '../../src/ui/upgrade/run-walkthrough.js';
import { CANCELLED, type WalkthroughDecision } from '../../src/wizard/upgrade-walkthrough.js';
import { KEYS, ready, waitFor } from './helpers/frames.js';
import { VirtualStdin, VirtualStdout } from './helpers/virtual-terminal.js';
import { WizardDriver } from './helpers/wizard-driver.js';

const PAGE_DOWN = '\u001B[6~';
const RIGHT = '\u001B[C';
const STYLE = /\u001B\[[0-9;]*m/;

const PREVIEW: UpgradePreview = {
  context: 'prod-eu',
  server: 'https://prod-eu.example.com:6443',
  discovered: [
    { component: 'control-plane', release: 'zenml-pro', namespace: 'zenml-pro', chart: 'zenml-pro', version: '0.13.0', revision: 3, status: 'deployed' },
    { component: 'workspace:ml', release: 'zenml', namespace: 'zenml-workspace-ml', chart: 'zenml', version: '0.92.0', revision: 7, status: 'deployed' },
    { component: 'workspace:new', release: 'zenml', namespace: 'zenml-workspace-new', chart: 'zenml' },
  ],
  changes: [
    {
      component: 'control-plane',
      release: 'zenml-pro',
      namespace: 'zenml-pro',
      hops: [{ from: '0.13.0', to: '0.14.0' }],
      revision: 3,
      kept: [],
      diff: ['@@ -1,3 +1,3 @@', ' image:', '-  tag: 0.13.0', '+  tag: 0.14.0'],
    },
    {
      component: 'workspace:ml',
      release: 'zenml',
      namespace: 'zenml-workspace-ml',
      hops: [
        { from: '0.92.0', to: '0.93.0', stop: { why: 'a database migration needs it', source: 'the 0.93.0 release notes' } },
        { from: '0.93.0', to: '0.94.1' },
      ],
      revision: 7,
      kept: ['zenml.resources.limits.memory'],
      diff: ['@@ -1,60 +1,60 @@', ...Array.from({ length: 60 }, (_, i) => `+  setting${i + 1}: on`)],
    },
  ],
  unverified: ['the installer cannot verify control plane 0.14.0 with workspace 0.94.1 (workspace:ml); check the release notes'],
  databases: [
    { component: 'control-plane', name: 'zenml_pro', command: 'PGPASSWORD=… pg_dump -h db -p 5432 -U zenml -Fc zenml_pro > zenml_pro.dump' },
    { component: 'workspace:ml', name: 'ml', command: 'PGPASSWORD=… pg_dump -h db -p 5432 -U ml -Fc ml > ml.dump' },
  ],
  backupFolder: '/srv/zpi/backups',
};

async function start(o: { preview?: UpgradePreview; dumpTool?: string; color?: boolean } = {}) {
  const stdout = new VirtualStdout(100, 24);
  const stdin = new VirtualStdin();
  const decision = runUpgradeWalkthrough({
    preview: o.preview ?? PREVIEW,
    ...(o.dumpTool ? { dumpTool: o.dumpTool } : {}),
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    color: o.color ?? false,
  });
  const driver = new WizardDriver({ lastFrame: () => stdout.plain(), stdin });
  await ready(() => driver.frame());
  return { driver, stdout, stdin, decision };
}

const heading = (driver: WizardDriver): string => driver.frame().split('\n')[0] ?? '';

test('the overview shows the target, what runs, each path, the kept values and the warnings', async () => {
  const { driver, stdin, decision } = await start();
  const frame = driver.frame();
  expect(heading(driver)).toBe('1/5 What runs and what changes  · upgrade in context prod-eu');
  expect(frame).toContain('Kube context prod-eu, API server https://prod-eu.example.com:6443.');
  expect(frame).toContain('Nothing has been changed yet.');
  expect(frame).toMatch(/RELEASE\s+CHART\s+RUNNING\s+REVISION\s+STATUS/);
  expect(frame).toMatch(/zenml-workspace-ml\/zenml\s+zenml\s+0\.92\.0\s+7\s+deployed/);
  expect(frame).toMatch(/zenml-workspace-new\/zenml\s+zenml\s+not installed\s+—\s+—/);
  expect(frame).toContain('zenml-pro/zenml-pro: 0.13.0 → 0.14.0 (revision 3;');
  // Long lines wrap: read as one text.
  expect(frame.replace(/\s+/g, ' ')).toContain('zenml-workspace-ml/zenml: 0.92.0 → 0.93.0 (required stop: a database migration needs it; the 0.93.0 release notes), then 0.93.0 → 0.94.1');
  expect(frame).toContain('kept, set by hand on the running release: zenml.resources.limits.memory');
  expect(frame).toContain('⚠ the installer cannot verify control plane 0.14.0 with workspace 0.94.1');
  expect(frame).toContain(' ❯ Continue  the values diffs next');
  expect(frame).toContain('↑↓ choose · Enter select · Esc, q or Ctrl+C cancel');
  stdin.write('q');
  expect(await decision).toEqual(CANCELLED);
});

test('through every screen to an upgrade, the databases backed up by the operator', async () => {
  const { driver, decision } = await start({ dumpTool: 'pg_dump' });
  await driver.choose('Continue');
  expect(heading(driver)).toMatch(/^2\/5 Values diffs/);
  expect(driver.frame()).toContain('zenml-pro/zenml-pro (1 of 3)  lines 1–5 of 5');
  expect(driver.frame()).toContain('+  tag: 0.14.0');
  await driver.press(KEYS.enter);
  expect(heading(driver)).toMatch(/^3\/5 Versions the installer cannot verify/);
  expect(driver.frame()).toContain(' ❯ Cancel  nothing is changed');
  await driver.choose('Go on with these versions');
  expect(heading(driver)).toMatch(/^4\/5 Database backups/);
  const backup = driver.frame();
  expect(backup).toContain('zenml_pro  (control-plane)');
  expect(backup).toContain('PGPASSWORD=… pg_dump -h db -p 5432 -U ml -Fc ml > ml.dump');
  expect(backup).toContain('Dump them now with pg_dump into /srv/zpi/backups');
  expect(backup).toContain(' ❯ Cancel  back them up, then run upgrade again');
  await driver.choose('They are backed up');
  expect(heading(driver)).toMatch(/^5\/5 Upgrade now\?/);
  expect(driver.frame()).toContain('You said the databases are backed up.');
  expect(driver.frame()).toContain('You chose to go on with versions the installer cannot verify.');
  expect(driver.frame()).toContain(' ❯ Cancel');
  await driver.choose('Upgrade now');
  expect(await decision).toEqual({ action: 'upgrade', acceptUnverified: true, backupConfirmed: true, dump: false });
  expect(driver.frame()).toBe('✔ Upgrading in context prod-eu: 2 releases.');
});

test('without a dump tool no dump is offered', async () => {
  const { driver, stdin, decision } = await start();
  await driver.press(KEYS.enter);
  await driver.press(KEYS.enter);
  await driver.choose('Go on with these versions');
  expect(driver.frame()).toContain('They are backed up');
  expect(driver.frame()).not.toContain('Dump them now');
  stdin.write(KEYS.ctrlC);
  expect(await decision).toEqual(CANCELLED);
});

test.each([
  ['Ctrl+C', KEYS.ctrlC],
  ['q', 'q'],
])('%s cancels from any screen and says nothing was changed', async (_name, key) => {
  const { driver, stdin, decision } = await start();
  await driver.press(KEYS.enter);
  expect(heading(driver)).toMatch(/^2\/5 Values diffs/);
  stdin.write(key);
  expect(await decision).toEqual(CANCELLED);
  expect(driver.frame()).toBe('✖ Upgrade cancelled: nothing was changed.');
});

test.each([
  ['the overview', [KEYS.down], '1/5'],
  ['the unverified versions', [KEYS.enter, KEYS.enter], '3/5'],
  ['the backups', [KEYS.enter, KEYS.enter, KEYS.up, KEYS.enter], '4/5'],
  ['the confirmation', [KEYS.enter, KEYS.enter, KEYS.up, KEYS.enter, KEYS.up, KEYS.enter], '5/5'],
])('Cancel on %s cancels', async (_name, keys, screen) => {
  const { driver, stdin, decision } = await start({ dumpTool: 'pg_dump' });
  for (const key of keys) await driver.press(key);
  expect(heading(driver)).toMatch(new RegExp(`^${screen} `));
  expect(driver.frame()).toMatch(/^ ❯ Cancel/m);
  stdin.write(KEYS.enter);
  expect(await decision).toEqual(CANCELLED);
  expect(driver.frame()).toBe('✖ Upgrade cancelled: nothing was changed.');
});

test('Esc goes back a screen, asking the choice there again; on the overview it cancels', async () => {
  const { driver, stdin, decision } = await start();
  await driver.press(KEYS.enter);
  await driver.press(KEYS.enter);
  await driver.choose('Go on with these versions');
  expect(heading(driver)).toMatch(/^4\/5/);
  await driver.press(KEYS.escape);
  expect(heading(driver)).toMatch(/^3\/5/);
  expect(driver.frame()).toContain(' ❯ Cancel');
  await driver.press(KEYS.escape);
  expect(heading(driver)).toMatch(/^2\/5/);
  await driver.press(KEYS.escape);
  expect(heading(driver)).toMatch(/^1\/5/);
  stdin.write(KEYS.escape);
  expect(await decision).toEqual(CANCELLED);
  expect(driver.frame()).toBe('✖ Upgrade cancelled: nothing was changed.');
});

test('a long diff scrolls within the terminal: later lines come into view', async () => {
  const { driver, stdout, stdin, decision } = await start();
  await driver.press(KEYS.enter);
  await driver.press(RIGHT);
  let frame = driver.frame();
  expect(frame).toContain('zenml-workspace-ml/zenml (2 of 3)  lines 1–18 of 62');
  expect(frame).toContain('+  setting1: on');
  expect(frame).not.toContain('setting60:');
  expect(frame.split('\n').length).toBeLessThan(stdout.rows);
  await driver.press(PAGE_DOWN);
  await driver.press(PAGE_DOWN);
  await driver.press(PAGE_DOWN);
  frame = driver.frame();
  expect(frame).toContain('lines 45–62 of 62');
  expect(frame).toContain('+  setting60: on');
  expect(frame).not.toContain('setting1: on');
  await driver.press(KEYS.up);
  expect(driver.frame()).toContain('lines 44–61 of 62');
  // → again: all releases, from the top.
  await driver.press(RIGHT);
  expect(driver.frame()).toContain('all releases (3 of 3)  lines 1–18 of 68');
  stdin.write('q');
  await decision;
});

test('diff lines are coloured, and without colour nothing is styled', async () => {
  const coloured = await start({ color: true });
  await coloured.driver.press(KEYS.enter);
  const screen = coloured.stdout.screen();
  expect(screen).toMatch(/\u001B\[32m\+ {2}tag: 0\.14\.0/);
  expect(screen).toMatch(/\u001B\[31m- {2}tag: 0\.13\.0/);
  coloured.stdin.write('q');
  await coloured.decision;

  const plain = await start({ color: false });
  expect(plain.stdout.screen()).not.toMatch(STYLE);
  await plain.driver.press(KEYS.enter);
  expect(plain.stdout.screen()).not.toMatch(STYLE);
  expect(plain.stdout.screen()).toContain('+  tag: 0.14.0');
  plain.stdin.write('q');
  await plain.decision;
  expect(plain.stdout.screen()).not.toMatch(STYLE);
});

test('typed fast, in one chunk, the walk lands where typing slowly does', async () => {
  // Continue, past the diffs (after scrolling the second), accept, dump, upgrade: each key changes the screen.
  const keys = [KEYS.enter, RIGHT, PAGE_DOWN, KEYS.enter, KEYS.up, KEYS.enter, KEYS.up, KEYS.up, KEYS.enter, KEYS.up, KEYS.enter];
  const slow = await start({ dumpTool: 'pg_dump' });
  for (const key of keys.slice(0, -1)) await slow.driver.press(key);
  slow.stdin.write(keys.at(-1)!);
  const slowly: WalkthroughDecision = await slow.decision;

  const fast = await start({ dumpTool: 'pg_dump' });
  fast.stdin.write(keys.join(''));
  const quickly = await fast.decision;
  expect(slowly).toEqual({ action: 'upgrade', acceptUnverified: true, backupConfirmed: false, dump: true });
  expect(quickly).toEqual(slowly);
  await waitFor(() => fast.driver.frame(), (f) => f.startsWith('✔ Upgrading'));
});
