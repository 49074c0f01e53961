// The I/O the wizard is lent by `install`: reading typed paths, and naming each context's API server.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { checkPath, contextServers } from '../../src/commands/interactive.js';

const dir = mkdtempSync(join(tmpdir(), 'zpi-interactive-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a typed path must be a readable file (or, for charts, a directory); the message says where it looked', () => {
  const file = join(dir, 'ca.pem');
  writeFileSync(file, 'pem');
  mkdirSync(join(dir, 'chart'));
  expect(checkPath(file, 'file')).toBeUndefined();
  expect(checkPath(join(dir, 'chart'), 'file-or-directory')).toBeUndefined();
  expect(checkPath(join(dir, 'chart'), 'file')).toBe(`${join(dir, 'chart')} is a directory; give the file itself`);
  expect(checkPath(join(dir, 'nope.pem'), 'file')).toBe(`${join(dir, 'nope.pem')} does not exist; give the path of an existing file, relative to ${process.cwd()} or absolute`);
  expect(checkPath('./surely-missing-zpi.pem', 'file')).toMatch(/surely-missing-zpi\.pem \(relative to .+\) does not exist/);
  if (process.getuid?.() !== 0) {
    chmodSync(file, 0o000);
    expect(checkPath(file, 'file')).toBe(`cannot read ${file} (permission denied); make it readable or give another file`);
  }
});

test('each context is named with its cluster API server', () => {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, 'clusters:\n- name: c1\n  cluster: { server: "https://10.0.0.1:6443" }\ncontexts:\n- name: prod\n  context: { cluster: c1 }\n- name: dangling\n  context: { cluster: none }\n');
  expect(contextServers([kubeconfig])).toEqual({ prod: 'https://10.0.0.1:6443' });
});
