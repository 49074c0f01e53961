// The release artifact: scripts/pack-check.mjs packs the dist/ built by
// `npm test`'s build step (without rebuilding it under the running suite),
// installs the tarball with npm offline from an empty cache, and runs the
// installed CLI. Each of its checks must pass.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../helpers/cli.js';

test('npm pack gives a tarball that installs offline and runs (scripts/pack-check.mjs)', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'pack-check.mjs'), '--no-build'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  const report = `${r.stdout}${r.stderr}`;
  expect(r.status, report).toBe(0);
  expect(report).not.toContain('FAIL');
  for (const check of [
    'npm pack gives zenml-pro-installer-',
    'the tarball holds the CLI, its bundle, templates and examples',
    'its package.json declares no runtime dependency and no install script',
    'npm install -g installs it offline (registry unreachable, empty cache)',
    'zenml-pro-installer --version prints ',
    'it renders its own examples/self-hosted.yaml',
  ]) {
    expect(report).toContain(`PASS pack: ${check}`);
  }
}, 150_000);
