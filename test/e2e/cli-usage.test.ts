// Usage errors from the command line: a mistyped command is named as unknown
// with the nearest command suggested (exit 2), while `install` stays the
// command that runs when the first word is an option.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-usage-'));

test.each([
  [['instal'], 'instal', 'install'],
  [['rendr', '--answers', 'examples/self-hosted.yaml'], 'rendr', 'render'],
  [['paln'], 'paln', 'plan'],
])('%j is an unknown command with a suggestion, exit 2', (args, typed, meant) => {
  const r = runCli(args, { input: '' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`unknown command '${typed}'`);
  expect(r.stderr).toContain(`Did you mean ${meant}?`);
  expect(r.stderr).not.toContain('too many arguments');
  expect(r.stdout).toBe('');
});

test('options without a command run install (the default command)', () => {
  const file = join(tmp, 'partial.yaml');
  writeFileSync(file, 'apiVersion: zenml-pro-installer/v1\nscenario: self-hosted\n');
  const r = runCli(['--answers', file, '--dir', join(tmp, 'd')], { input: '' });
  expect(r.status).toBe(2);
  // install's own check of the answers ran: render or plan are never reached without their name.
  expect(r.stderr).toContain(`${file} has `);
  expect(r.stderr).toContain('workspaces: is required');
});

test('help and version still reach the program', () => {
  expect(runCli(['--version']).status).toBe(0);
  const help = runCli(['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/Commands:[\s\S]*install[\s\S]*render/);
  const sub = runCli(['help', 'render']);
  expect(sub.status).toBe(0);
  expect(sub.stdout).toContain('--answers <file>');
});
