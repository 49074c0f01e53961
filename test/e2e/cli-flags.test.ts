// Numeric flags through the built CLI: a value that is not a whole number in
// range is a usage error naming the flag and what it takes (exit 2, before
// anything is read or written); valid values get past parsing to install.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-flags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const partial = join(tmp, 'partial.yaml');
writeFileSync(partial, 'apiVersion: zenml-pro-installer/v1\nscenario: self-hosted\n');

test.each([
  ['--parallel', 'abc', 'a whole number of workspaces, 1 or more, e.g. --parallel 2'],
  ['--parallel', '0', 'a whole number of workspaces, 1 or more'],
  ['--parallel', '1.5', 'a whole number of workspaces, 1 or more'],
  ['--parallel', '-2', 'a whole number of workspaces, 1 or more'],
  ['--unschedulable-grace', 'abc', 'a whole number of seconds, 0 or more, e.g. --unschedulable-grace 120'],
  ['--unschedulable-grace', '1e3', 'a whole number of seconds, 0 or more'],
  ['--unschedulable-grace', '', 'a whole number of seconds, 0 or more'],
])('%s %j: exit 2 naming the flag, nothing written', (flag, value, expected) => {
  const dir = join(tmp, 'never');
  const r = runCli(['install', '--answers', 'examples/sim.yaml', '--dir', dir, `${flag}=${value}`], { input: '' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`error: option '${flag} <`);
  expect(r.stderr).toContain(`${flag} takes ${expected}`);
  expect(r.stderr).not.toMatch(/bug|\n\s+at /);
  expect(existsSync(dir)).toBe(false);
});

test('valid values get past the flags to the answers check (also as the default command)', () => {
  for (const args of [
    ['install', '--parallel', '3', '--unschedulable-grace', '0'],
    ['--parallel=1', '--unschedulable-grace=300'],
  ]) {
    const r = runCli([...args, '--answers', partial, '--dir', join(tmp, 'd')], { input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${partial} has `);
    expect(r.stderr).not.toContain('is invalid');
  }
});
