#!/usr/bin/env node
// Checks the release artifact the way an offline jump host gets it: `npm pack`
// gives one tarball (bin/, dist/, templates/, examples/; no runtime
// dependency, no install script), which `npm install -g` installs with the
// registry unreachable and an empty cache, and whose installed CLI prints its
// version and renders its own example. One PASS/FAIL line per check; exits 1
// if any failed.
//
// Usage: node scripts/pack-check.mjs [--no-build]
//   --no-build  pack the dist/ already built (npm pack --ignore-scripts skips prepack's build)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'zpi-pack-check-'));
// Nothing of the user's npm setup (~/.npmrc, cache) takes part; the registry is a closed port.
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(work, 'home'), NO_COLOR: '1', npm_config_registry: 'http://127.0.0.1:9/' };
mkdirSync(env.HOME);

let failures = 0;
function check(name, fn) {
  const started = Date.now();
  try {
    fn();
    console.log(`PASS pack: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    failures++;
    console.log(`FAIL pack: ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Runs a command to its end; throws with its exit and output unless it exits 0. */
function run(file, args, options = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', env, timeout: 300_000, ...options });
  if (r.status !== 0) {
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trimEnd().split('\n').slice(-15).map((l) => `    | ${l}`).join('\n');
    throw new Error(`${[file, ...args].join(' ')} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`})\n${output}`);
  }
  return r.stdout;
}

const tarball = join(work, `${pkg.name}-${pkg.version}.tgz`);
const prefix = join(work, 'prefix');
try {
  const packed = check(`npm pack gives ${pkg.name}-${pkg.version}.tgz`, () => {
    const noBuild = process.argv.includes('--no-build');
    // The user's npm config is kept here: packing needs no registry, and prepare's scripts run from this clone.
    run('npm', ['pack', '--pack-destination', work, ...(noBuild ? ['--ignore-scripts'] : [])], { cwd: root, env: process.env });
    const made = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    if (made.join() !== `${pkg.name}-${pkg.version}.tgz`) throw new Error(`expected one tarball, got: ${made.join(', ') || 'none'}`);
  });
  if (packed) {
    check('the tarball holds the CLI, its bundle, templates and examples, and nothing to build or test with', () => {
      const files = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
      const wanted = ['package/package.json', 'package/bin/zenml-pro-installer.js', 'package/dist/cli.js', 'package/templates/control-plane.yaml', 'package/templates/workspace.yaml', 'package/examples/self-hosted.yaml', 'package/answers.schema.json'];
      const missing = wanted.filter((f) => !files.includes(f));
      const stray = files.filter((f) => /^package\/(src|test|scripts|charts|node_modules|\.tools|bench)\//.test(f));
      if (missing.length > 0 || stray.length > 0) throw new Error(`missing: ${missing.join(', ') || 'none'}; not for the tarball: ${stray.slice(0, 10).join(', ') || 'none'}`);
    });
    check('its package.json declares no runtime dependency and no install script', () => {
      const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
      const deps = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies'].filter((k) => Object.keys(manifest[k] ?? {}).length > 0);
      const scripts = ['preinstall', 'install', 'postinstall'].filter((s) => manifest.scripts?.[s]);
      if (deps.length > 0 || scripts.length > 0) throw new Error(`declares ${[...deps, ...scripts.map((s) => `scripts.${s}`)].join(', ')}`);
    });
    const installed = check('npm install -g installs it offline (registry unreachable, empty cache)', () => {
      run('npm', ['install', '-g', '--prefix', prefix, tarball, '--offline', '--cache', join(work, 'empty-cache'), '--no-audit', '--no-fund'], { cwd: work });
    });
    if (installed) {
      const cli = join(prefix, 'bin', pkg.name);
      check(`${pkg.name} --version prints ${pkg.version}`, () => {
        const out = run(cli, ['--version'], { cwd: work }).trim();
        if (out !== pkg.version) throw new Error(`printed ${JSON.stringify(out)}`);
      });
      check('it renders its own examples/self-hosted.yaml', () => {
        const answers = join(prefix, 'lib', 'node_modules', pkg.name, 'examples', 'self-hosted.yaml');
        const dir = join(work, 'render');
        run(cli, ['render', '--answers', answers, '--dir', dir], { cwd: work });
        const values = readdirSync(join(dir, 'values')).sort();
        if (values.join() !== 'control-plane.yaml,workspace-ml-prod.yaml,workspace-research.yaml') throw new Error(`values written: ${values.join(', ')}`);
      });
    }
  }
} finally {
  if (failures === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`pack-check: ${failures} check(s) failed; files kept in ${work}`);
}
process.exitCode = failures === 0 ? 0 : 1;
