#!/usr/bin/env node
// Packages the stand-in charts in charts/ with the real helm (.tools/bin/helm)
// into .tools/charts/, one .tgz per simulated release, for the demo and tests.
// Skips a package that already exists and is newer than its sources.
//
// The older workspace-chart line (values root `zenml:`) is charts/zenml/ with
// charts/zenml-legacy-root/ laid over it, so the shared templates exist once.
import { execFileSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptPath = fileURLToPath(import.meta.url);
const root = join(dirname(scriptPath), '..');
const helm = join(root, '.tools', 'bin', 'helm');
const outDir = join(root, '.tools', 'charts');

const WORKSPACE_NEW = ['charts/zenml'];
const WORKSPACE_LEGACY = ['charts/zenml', 'charts/zenml-legacy-root'];
const packages = [
  { name: 'zenml-pro', version: '0.12.0', sources: ['charts/zenml-pro'] },
  { name: 'zenml-pro', version: '0.13.0', sources: ['charts/zenml-pro'] },
  { name: 'zenml-pro', version: '0.14.0', sources: ['charts/zenml-pro'] },
  { name: 'zenml', version: '0.82.0', sources: WORKSPACE_LEGACY },
  { name: 'zenml', version: '0.92.0', sources: WORKSPACE_NEW },
  { name: 'zenml', version: '0.93.0', sources: WORKSPACE_NEW },
  // A stop on the way from 0.93.0 to 0.93.2 in examples/sim-upgrade-data.yaml.
  { name: 'zenml', version: '0.93.1', sources: WORKSPACE_NEW },
  { name: 'zenml', version: '0.93.2', sources: WORKSPACE_NEW },
];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

if (!existsSync(helm)) {
  console.error(`package-charts: helm not found at ${helm}; run \`node scripts/setup-tools.mjs\` (npm install runs it) to extract it`);
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'zpi-package-charts-'));
// helm package reads no repositories, but keep it away from the user's helm config anyway.
const env = {
  ...process.env,
  HELM_CACHE_HOME: join(work, 'helm-cache'),
  HELM_CONFIG_HOME: join(work, 'helm-config'),
  HELM_DATA_HOME: join(work, 'helm-data'),
};

try {
  for (const pkg of packages) {
    const file = `${pkg.name}-${pkg.version}.tgz`;
    const target = join(outDir, file);
    const shown = relative(root, target);
    const sourcesChanged = Math.max(newestMtime(scriptPath), ...pkg.sources.map((s) => newestMtime(join(root, s))));
    if (existsSync(target) && statSync(target).mtimeMs > sourcesChanged) {
      console.log(`package-charts: ${shown} is up to date`);
      continue;
    }
    const stage = join(work, `${pkg.name}-${pkg.version}`);
    const chartDir = join(stage, pkg.name);
    for (const source of pkg.sources) cpSync(join(root, source), chartDir, { recursive: true });
    const built = join(stage, 'out');
    try {
      execFileSync(helm, ['package', chartDir, '--version', pkg.version, '--app-version', pkg.version, '--destination', built],
        { env, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      console.error(`package-charts: helm package failed for ${file}:\n${String(error.stderr ?? error.message).trim()}`);
      process.exit(1);
    }
    // Rename into place so a concurrent run never sees a half-written archive.
    renameSync(join(built, file), target);
    console.log(`package-charts: made ${shown}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
