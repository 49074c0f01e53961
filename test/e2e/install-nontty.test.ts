// Without a terminal the installer never waits on a prompt: a partial answers
// file fails at once, naming every missing field by its answers key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-nontty-'));

test('a partial answers file without a terminal exits 2 listing every missing field', () => {
  const file = join(tmp, 'partial.yaml');
  writeFileSync(file, 'apiVersion: zenml-pro-installer/v1\nscenario: self-hosted\ncontrolPlane:\n  hostname: zenml-pro.example.com\nworkspaces:\n  - name: ml\n');
  const started = Date.now();
  const r = runCli(['install', '--answers', file, '--dir', join(tmp, 'd')], { input: '' });
  expect(r.status).toBe(2);
  expect(Date.now() - started).toBeLessThan(10_000);
  for (const key of ['images: is required', 'controlPlane.version: is required', 'controlPlane.database: is required', 'workspaces[0].version: is required', 'workspaces[0].hostname: is required', 'workspaces[0].database: is required']) {
    expect(r.stderr).toContain(key);
  }
});

test('no answers and no terminal: exit 2 saying how to supply them', () => {
  const r = runCli(['install', '--dir', join(tmp, 'd2')], { input: '' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('no answers file and no terminal to ask on');
  expect(r.stderr).toContain('--answers FILE');
});

test('an unreachable cluster blocks the install (exit 3) with what to check', () => {
  const kubeconfig = join(tmp, 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: zenml-sim, context: {cluster: c, user: u}}]\ncurrent-context: zenml-sim\n');
  const r = runCli(['install', '--answers', 'examples/sim.yaml', '--kubeconfig', kubeconfig, '--dir', join(tmp, 'd3'), '--kubectl', join(__dirname, '../../.tools/bin/kubectl')], { input: '' });
  expect(r.status).toBe(3);
  expect(r.stderr).toContain('cannot reach the cluster of context "zenml-sim"');
  expect(r.stderr).toContain('check the context, your network or VPN');
});
