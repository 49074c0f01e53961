// What the benchmarks share: a scratch folder, helm and kubectl isolated from
// the user's caches, a fresh simulation per measured run (in its own process,
// so timing a blocking child does not stall it), timing, and medians.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(root, 'bin', 'zenml-pro-installer.js');
export const helm = join(root, '.tools', 'bin', 'helm');
export const kubectl = join(root, '.tools', 'bin', 'kubectl');

export function scratch(name) {
  const work = mkdtempSync(join(tmpdir(), `zpi-bench-${name}-`));
  return { work, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

export function isolatedEnv(work, name) {
  const home = join(work, `home-${name}`);
  return { ...process.env, HOME: home, KUBECACHEDIR: join(home, 'kcache'), HELM_CACHE_HOME: join(home, 'hc'), HELM_CONFIG_HOME: join(home, 'hcfg'), HELM_DATA_HOME: join(home, 'hd'), NO_COLOR: '1' };
}

/** Runs `fn(kubeconfig, caFile)` against a simulation of its own, stopped afterwards. */
export async function withSimulation(work, name, fn) {
  const out = join(work, `sim-${name}`);
  const child = spawn(process.execPath, [bin, 'sim', '--out', out], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('simulation ready') && resolve());
    child.on('exit', (code) => reject(new Error(`simulation exited (${code})`)));
  });
  try {
    return await fn(join(out, 'kubeconfig'), join(out, 'ca.crt'));
  } finally {
    child.kill('SIGTERM');
  }
}

/** Milliseconds a command took; throws with its output when it fails. `onStderr` sees what it printed there. */
export function timed(label, file, args, env, onStderr = () => {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(file, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  onStderr(r.stderr);
  return ms;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
