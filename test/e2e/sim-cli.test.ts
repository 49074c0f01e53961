// `zenml-pro-installer sim --out DIR`: a ready line and the install command
// to run next (which, pasted into a shell, installs into it), a kubeconfig
// real kubectl uses, sim.json with the control plane, and a clean stop on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { BIN, REPO } from '../helpers/cli.js';
import { Scratch, runPrintedCommand } from '../helpers/install-sim.js';

function login(url: string, ca: string, username: string, password: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({ username, password }).toString();
    const req = request(`${url}/api/v1/auth/login`, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('sim runs in the foreground, prints the install command to run next, serves kubectl and the control plane, and stops on SIGTERM', async () => {
  const out = mkdtempSync(join(tmpdir(), 'zpi-sim-cli-'));
  const scratch = new Scratch('sim-cli');
  const child = spawn(process.execPath, [BIN, 'sim', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Even when a wait below never ends (the test times out), the simulation does not outlive the test.
  onTestFinished(() => {
    child.kill('SIGTERM');
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  // The command is the last thing printed before the simulation waits: read until it is there, or until sim exits.
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (/install into it from another terminal with:\n {2}\S.*\n/.test(stdout)) resolve();
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`sim exited (${code}) before printing the install command: ${stdout}`)));
  });
  try {
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^simulation ready: Kubernetes API https:\/\/127\.0\.0\.1:\d+/);
    const info = JSON.parse(readFileSync(join(out, 'sim.json'), 'utf8'));
    expect(statSync(join(out, 'sim.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'kubeconfig')).mode & 0o777).toBe(0o600);
    const home = mkdtempSync(join(tmpdir(), 'zpi-sim-home-'));
    const ns = spawnSync(join(REPO, '.tools/bin/kubectl'), ['get', 'namespaces', '-o', 'name', '--kubeconfig', info.kubeconfig, '--context', info.context], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
    expect(ns.status).toBe(0);
    expect(ns.stdout).toContain('namespace/kube-system');
    const ca = readFileSync(info.caFile, 'utf8');
    expect((await login(info.controlPlane.url, ca, info.controlPlane.adminUsername, info.controlPlane.adminPassword)).status).toBe(200);
    expect((await login(info.controlPlane.url, ca, 'admin', 'wrong-password')).status).toBe(401);

    // Pasted into a shell as printed, it installs into this simulation, health checks included.
    const command = (lines[2] ?? '').trim();
    expect(command).toContain(` install --answers ${join(REPO, 'examples', 'sim.yaml')} --kubeconfig ${info.kubeconfig} `);
    const install = await runPrintedCommand(command, scratch.env(), scratch);
    expect(install.exitCode, `${install.stderr}${install.stdout.slice(-1500)}`).toBe(0);
    expect(install.stdout).toContain(' install finished\n');
    // Its --ca-file and --resolve let the health checks reach every host over verified TLS.
    for (const host of ['zenml-pro', 'ml', 'research']) expect(install.stdout).toContain(`https://${host}.sim.example.com/health answers 200`);
  } finally {
    child.kill('SIGTERM');
    scratch.cleanup();
  }
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(0);
  expect(stdout).toContain('simulation stopped');
}, 120_000);
