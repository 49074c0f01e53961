// The running-helm lookup against real processes: an executable named helm
// (a copy of /bin/sh that sleeps, its argv shaped like the installer's
// `helm upgrade`) is found by release and namespace while it lives, and not
// after; the same argv under another name is not helm; without `ps` the
// lookup refuses instead of answering "none".
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { processArgvs, runningHelmFor } from '../../src/engine/helm-processes.js';
import { ExitCode, UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'zpi-helm-processes-'));
const started: ChildProcess[] = [];

/** Starts `<dir>/<name> -c 'sleep 30; :' upgrade --install <release> chart --namespace <ns>`; the trailing `:` keeps sh from exec'ing sleep. */
async function fakeTool(name: string, release: string, namespace: string): Promise<ChildProcess> {
  const exe = join(dir, name);
  copyFileSync('/bin/sh', exe);
  chmodSync(exe, 0o755);
  const child = spawn(exe, ['-c', 'sleep 30; :', 'upgrade', '--install', release, 'oci://charts/zenml', '--namespace', namespace], { stdio: 'ignore' });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) await stop(child);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a live helm upgrade of the release in the namespace is found by its pid, and not once it has exited', async () => {
  const helm = await fakeTool('helm', 'ml-prod', 'zenml-ml');
  expect(runningHelmFor('ml-prod', 'zenml-ml')).toBe(helm.pid);
  expect(runningHelmFor('ml-prod', 'zenml-other')).toBeUndefined();
  expect(runningHelmFor('research', 'zenml-ml')).toBeUndefined();
  await stop(helm);
  expect(runningHelmFor('ml-prod', 'zenml-ml')).toBeUndefined();
});

test('helm3 counts as helm; the same command line under another executable name does not', async () => {
  const helm3 = await fakeTool('helm3', 'cp', 'zenml-pro');
  await fakeTool('not-helm', 'ws', 'zenml-ws');
  expect(runningHelmFor('cp', 'zenml-pro')).toBe(helm3.pid);
  expect(runningHelmFor('ws', 'zenml-ws')).toBeUndefined();
});

test('the process list carries each process name and argv', async () => {
  const helm = await fakeTool('helm', 'listed', 'zenml-list');
  const entry = processArgvs().find((p) => p.pid === helm.pid);
  expect(entry?.name).toBe('helm');
  expect(entry?.argv).toEqual([join(dir, 'helm'), '-c', 'sleep', '30;', ':', 'upgrade', '--install', 'listed', 'oci://charts/zenml', '--namespace', 'zenml-list']);
});

test('without ps the lookup is an error naming what to install, never "no helm is running"', () => {
  const path = process.env.PATH;
  process.env.PATH = dir;
  try {
    let thrown: unknown;
    try {
      runningHelmFor('ml-prod', 'zenml-ml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).exitCode).toBe(ExitCode.blockedByCheck);
    expect((thrown as UserError).message).toMatch(/listing processes with `ps` failed .*install ps/);
  } finally {
    process.env.PATH = path;
  }
});
