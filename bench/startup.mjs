#!/usr/bin/env node
// Start-up cost of the built installer relative to a bare Node process, measured
// in one run on this machine: `--version` and `render` of the self-hosted example.
// Prints medians and ratios; the last line is `ratio: N.NN` (the --version ratio).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'zenml-pro-installer.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'zpi-bench-'));

function median(args) {
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore', cwd: root });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 2) times.push(ms); // two warm-up runs fill the OS file cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

try {
  const bare = median(['-e', '0']);
  const version = median([bin, '--version']);
  const render = median([bin, 'render', '--answers', join(root, 'examples', 'self-hosted.yaml'), '--dir', dir]);
  console.log(`node -e 0:            ${bare.toFixed(1)} ms (median of ${runs})`);
  console.log(`--version:            ${version.toFixed(1)} ms  ratio ${(version / bare).toFixed(2)}`);
  console.log(`render self-hosted:   ${render.toFixed(1)} ms  ratio ${(render / bare).toFixed(2)}`);
  console.log(`ratio: ${(version / bare).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
