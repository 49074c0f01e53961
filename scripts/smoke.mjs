#!/usr/bin/env node
// Smoke test of the BUILT CLI (bin/ and dist/) under a given Node binary:
// --version, render and plan of the examples, then a full install into the
// simulation (started by the CLI's own `sim` command under that Node) and a
// re-run that must change nothing. One PASS/FAIL line per check; exits 1 if
// any failed. CI runs it once per supported Node version.
//
// Usage: node scripts/smoke.mjs <path-to-node>   (run `npm run build` first)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'zenml-pro-installer.js');
const node = process.argv[2];
if (!node) {
  console.error('usage: node scripts/smoke.mjs <path-to-node>');
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'cli.js'))) {
  console.error('smoke: dist/ is not built; run `npm run build` first');
  process.exit(2);
}
const label = `node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}`;
const work = mkdtempSync(join(tmpdir(), 'zpi-smoke-'));

// Nothing inherited but PATH: helm and kubectl keep their caches and config in here.
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' };
for (const [key, sub] of Object.entries({ HOME: 'home', KUBECACHEDIR: 'kube-cache', HELM_CACHE_HOME: 'helm-cache', HELM_CONFIG_HOME: 'helm-config', HELM_DATA_HOME: 'helm-data' })) {
  env[key] = join(work, 'env', sub);
  mkdirSync(env[key], { recursive: true });
}
// examples/hybrid.yaml reads these; placeholders, as in examples/secrets/.
const exampleSecrets = { ZENML_GAR_KEY_BASE64: 'c21va2U=', ZENML_DB_PASSWORD: 'smoke-db-password', ZENML_ENROLLMENT_KEY: 'smoke-enrollment-key' };

/** Runs one CLI invocation (argv, or a shell line) to its end; never rejects. */
function run(args, { shell = false, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = shell
      ? spawn(args, { shell: true, env: { ...env, ...exampleSecrets }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(node, [bin, ...args], { env: { ...env, ...exampleSecrets }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

const tail = (text, lines = 15) => text.trimEnd().split('\n').slice(-lines).filter((l) => l.length > 0).map((l) => `    | ${l}`).join('\n');
/** Throws with the command's exit and the tail of its output unless `ok`. */
function expect(ok, what, result) {
  if (ok) return;
  const exit = result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
  throw new Error([`${what} (${exit})`, tail(result.stderr), tail(result.stdout)].filter((s) => s.length > 0).join('\n'));
}

let failures = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`PASS ${label}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${label}: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Starts `sim --out DIR` under the tested node; resolves with the install command it prints. */
function startSim(out) {
  const child = spawn(node, [bin, 'sim', '--out', out], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  const command = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sim printed no install command within 60 s\n${tail(stderr)}\n${tail(stdout)}`)), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = /install into it from another terminal with:\n {2}(\S.*)\n/.exec(stdout)?.[1];
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then((r) => reject(new Error(`sim exited before printing the install command (${r.status ?? r.signal})\n${tail(r.stderr)}`)));
  });
  return { child, command, exited };
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
try {
  await check('--version', async () => {
    const r = await run(['--version']);
    expect(r.status === 0 && r.stdout.trim() === pkg.version, `expected ${pkg.version}`, r);
  });

  for (const example of ['self-hosted', 'hybrid', 'sim']) {
    const answers = join('examples', `${example}.yaml`);
    await check(`render ${answers}`, async () => {
      const dir = join(work, 'render', example);
      const r = await run(['render', '--answers', answers, '--dir', dir]);
      expect(r.status === 0, 'render failed', r);
      const written = existsSync(join(dir, 'values')) ? readdirSync(join(dir, 'values')) : [];
      expect(written.length > 0 && written.every((f) => r.stdout.includes(f)), `values files written: ${written.join(', ') || 'none'}`, r);
    });
    await check(`plan ${answers}`, async () => {
      const r = await run(['plan', '--answers', answers, '--dir', join(work, 'plan', example)]);
      expect(r.status === 0 && r.stdout.includes('$ helm upgrade --install '), 'plan failed or shows no helm command', r);
    });
  }

  const sim = startSim(join(work, 'sim'));
  try {
    let command;
    await check('sim starts and prints the install command', async () => {
      const printed = await sim.command;
      // The printed command runs the installer under the node that started sim: the one tested here.
      if (!printed.startsWith(`${realpathSync(node)} `)) throw new Error(`the install command does not use ${node}: ${printed}`);
      command = printed;
    });
    if (command) {
      await check('install into the simulation', async () => {
        const r = await run(command, { shell: true, timeoutMs: 300_000 });
        expect(r.status === 0 && r.stdout.includes(' install finished\n'), 'install did not finish', r);
      });
      await check('re-run of the finished install is up to date', async () => {
        const r = await run(command, { shell: true, timeoutMs: 300_000 });
        expect(r.status === 0 && r.stdout.includes('up to date: the cluster already matches the answers; nothing was changed'), 'the re-run was not up to date', r);
      });
    }
  } finally {
    sim.child.kill('SIGTERM');
    await check('sim stops on SIGTERM', async () => {
      const r = await sim.exited;
      expect(r.status === 0, 'sim did not stop cleanly', r);
    });
  }
} finally {
  if (failures === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`smoke: ${failures} check(s) failed under ${label}; files kept in ${work}`);
}
process.exitCode = failures === 0 ? 0 : 1;
