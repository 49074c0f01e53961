#!/usr/bin/env node
// Wall time of a full install against the simulation, divided by that of a
// plain shell script making the same helm/kubectl calls in sequence (apply the
// namespaces, helm upgrade --install each release with --wait, rollout status).
// Each run gets a fresh simulation. Prints both installer modes and the
// installer's peak resident memory; the last line is `ratio: N.NN` for the
// default (workspaces in parallel). How fast a pod turning Ready is noticed
// is measured by bench/kube-reads.mjs (the same watch the ready steps use).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, helm, isolatedEnv, kubectl, median, root, scratch, timed as timedRun, withSimulation as withSim } from './lib.mjs';

const answers = join(root, 'examples', 'sim.yaml');
const { work, cleanup } = scratch('install');

// Preloaded into the installer: its peak resident set size, written to stderr as it exits.
const rssHook = join(work, 'peak-rss.cjs');
writeFileSync(rssHook, "process.on('exit', () => process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\\n`));\n");
const peakRss = [];
const timed = (label, file, args, env) => timedRun(label, file, args, env, (stderr) => {
  const rss = /peak-rss-kib (\d+)/.exec(stderr)?.[1];
  if (rss) peakRss.push(Number(rss));
});
const withSimulation = (name, fn) => withSim(work, name, fn);

try {
  // The plain script uses the values the installer renders, so both install the same thing.
  const rendered = join(work, 'rendered');
  timed('render', process.execPath, [bin, 'render', '--answers', answers, '--dir', rendered], process.env);
  const plan = JSON.parse(spawnSync(process.execPath, [bin, 'plan', '--answers', answers, '--dir', rendered, '--output', 'json'], { encoding: 'utf8' }).stdout);
  const charts = join(root, '.tools', 'charts');
  const releases = [
    { name: 'zenml-pro', ns: 'zenml-pro', chart: join(charts, 'zenml-pro-0.13.0.tgz'), values: 'control-plane.yaml', deployments: ['zenml-pro', 'zenml-pro-dashboard'] },
    { name: 'zenml', ns: 'zenml-workspace-ml', chart: join(charts, 'zenml-0.93.0.tgz'), values: 'workspace-ml.yaml', deployments: ['zenml'] },
    { name: 'zenml', ns: 'zenml-workspace-research', chart: join(charts, 'zenml-0.93.0.tgz'), values: 'workspace-research.yaml', deployments: ['zenml'] },
  ];
  const script = join(work, 'plain.sh');
  const lines = ['#!/bin/sh', 'set -e', 'K="$1"'];
  for (const ns of plan.namespaces) lines.push(`echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${ns}"}}' | ${kubectl} apply --server-side -f - --context zenml-sim --kubeconfig "$K" >/dev/null`);
  for (const r of releases) {
    lines.push(`${helm} upgrade --install ${r.name} ${r.chart} --namespace ${r.ns} --values ${join(rendered, 'values', r.values)} --wait --timeout 600s --kube-context zenml-sim --kubeconfig "$K" >/dev/null`);
    for (const d of r.deployments) lines.push(`${kubectl} rollout status deployment/${d} --namespace ${r.ns} --timeout 60s --context zenml-sim --kubeconfig "$K" >/dev/null`);
  }
  writeFileSync(script, `${lines.join('\n')}\n`, { mode: 0o755 });

  // Each figure is the median of ROUNDS fresh installs, alternating the three, so one slow moment of a
  // shared machine does not decide a ratio.
  const ROUNDS = 3;
  const plainRun = (i) => withSimulation(`plain-${i}`, (kc) => timed('plain script', 'sh', [script, kc], isolatedEnv(work, `plain-${i}`)));
  const run = (parallel, i) =>
    // With the simulation's CA, as the install command `sim` prints: health is checked through the ingress address.
    withSimulation(`installer-${parallel}-${i}`, (kc, ca) =>
      timed(`installer --parallel ${parallel}`, process.execPath, ['--require', rssHook, bin, 'install', '--answers', answers, '--kubeconfig', kc, '--yes', '--dir', join(work, `install-${parallel}-${i}`), '--helm', helm, '--kubectl', kubectl, '--ca-file', ca, '--parallel', String(parallel)], isolatedEnv(work, `installer-${parallel}-${i}`)),
    );
  const times = { plain: [], sequential: [], parallel: [] };
  for (let i = 0; i < ROUNDS; i++) {
    times.plain.push(await plainRun(i));
    times.sequential.push(await run(1, i));
    times.parallel.push(await run(2, i));
  }
  const plain = median(times.plain);
  const sequential = median(times.sequential);
  const parallel = median(times.parallel);
  console.log(`medians of ${ROUNDS} rounds`);
  console.log(`plain script (same helm/kubectl calls in sequence): ${(plain / 1000).toFixed(2)} s`);
  console.log(`installer, one workspace at a time:                 ${(sequential / 1000).toFixed(2)} s  ratio ${(sequential / plain).toFixed(2)}`);
  console.log(`installer, workspaces in parallel (default):        ${(parallel / 1000).toFixed(2)} s  ratio ${(parallel / plain).toFixed(2)}`);
  console.log(`installer peak resident memory: ${(Math.max(...peakRss) / 1024).toFixed(0)} MiB`);
  console.log(`ratio: ${(parallel / plain).toFixed(2)}`);
} finally {
  cleanup();
}
