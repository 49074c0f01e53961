import { expect, test, vi } from 'vitest';

// Colour support is decided when chalk loads; force it so this test can see
// colours at all, and so NO_COLOR is what turns them off.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { renderProgress } from '../../src/ui/progress/render-progress.js';
import { colorsEnabled } from '../../src/ui/theme.js';
import { failingEnd, INSTALL, runningPart, streamOf } from './helpers/run-events.js';
import { VirtualStdout } from './helpers/virtual-terminal.js';

const STYLE = /\u001B\[[0-9;]*m/;

async function finalScreen(color: boolean): Promise<string> {
  const stdout = new VirtualStdout(80, 24);
  await renderProgress(streamOf([...runningPart, ...failingEnd]), { stdout: stdout as unknown as NodeJS.WriteStream, color });
  return stdout.screen();
}

test('NO_COLOR turns colours off', () => {
  expect(colorsEnabled({ NO_COLOR: '1' })).toBe(false);
  expect(colorsEnabled({ NO_COLOR: '' })).toBe(true);
  expect(colorsEnabled({})).toBe(true);
});

test('without colours the progress view writes no style codes; with them it does', async () => {
  expect(await finalScreen(true)).toMatch(STYLE);
  const plain = await finalScreen(false);
  expect(plain).not.toMatch(STYLE);
  expect(plain.replace(/\s+/g, ' ')).toContain(`Resume with: zenml-pro-installer install --answers examples/sim.yaml --dir ${INSTALL.options.dir} --kubeconfig /tmp/sim/kubeconfig --yes`);
});
