#!/usr/bin/env node
// Wall time of `upgrade` (examples/sim.yaml's install → examples/sim-upgrade.yaml)
// against the simulation, divided by that of a plain shell script making the
// same `helm upgrade --wait` calls with the same values, one release after the
// other (control plane, then each workspace), each followed by `kubectl
// rollout status`. Both start from a fresh simulation with sim.yaml installed
// (not timed). Medians of three rounds; the last line is `ratio: N.NN`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, helm, isolatedEnv, kubectl, median, root, scratch, timed, withSimulation } from './lib.mjs';

const installAnswers = join(root, 'examples', 'sim.yaml');
const upgradeAnswers = join(root, 'examples', 'sim-upgrade.yaml');
const charts = join(root, '.tools', 'charts');
const { work, cleanup } = scratch('upgrade');
const ROUNDS = 3;

const installed = (kc, ca, dir, env) =>
  timed('install', process.execPath, [bin, 'install', '--answers', installAnswers, '--kubeconfig', kc, '--yes', '--dir', dir, '--helm', helm, '--kubectl', kubectl, '--ca-file', ca], env);

try {
  const releases = [
    { name: 'zenml-pro', ns: 'zenml-pro', chart: join(charts, 'zenml-pro-0.14.0.tgz'), values: 'control-plane.yaml', deployments: ['zenml-pro', 'zenml-pro-dashboard'] },
    { name: 'zenml', ns: 'zenml-workspace-ml', chart: join(charts, 'zenml-0.93.2.tgz'), values: 'workspace-ml.yaml', deployments: ['zenml'] },
    { name: 'zenml', ns: 'zenml-workspace-research', chart: join(charts, 'zenml-0.93.2.tgz'), values: 'workspace-research.yaml', deployments: ['zenml'] },
  ];
  const plainRound = (i) =>
    withSimulation(work, `plain-${i}`, (kc, ca) => {
      const env = isolatedEnv(work, `plain-${i}`);
      const dir = join(work, `plain-${i}`);
      installed(kc, ca, dir, env);
      // The upgrade's values, rendered with the install's kept secrets: what the installer would hand helm.
      timed('render', process.execPath, [bin, 'render', '--answers', upgradeAnswers, '--dir', dir], env);
      const lines = ['#!/bin/sh', 'set -e', 'K="$1"'];
      for (const r of releases) {
        lines.push(`${helm} upgrade ${r.name} ${r.chart} --namespace ${r.ns} --values ${join(dir, 'values', r.values)} --wait --timeout 600s --kube-context zenml-sim --kubeconfig "$K" >/dev/null`);
        for (const d of r.deployments) lines.push(`${kubectl} rollout status deployment/${d} --namespace ${r.ns} --timeout 60s --context zenml-sim --kubeconfig "$K" >/dev/null`);
      }
      const script = join(work, `plain-${i}.sh`);
      writeFileSync(script, `${lines.join('\n')}\n`, { mode: 0o755 });
      return timed('plain script', 'sh', [script, kc], env);
    });
  const installerRound = (i) =>
    withSimulation(work, `installer-${i}`, (kc, ca) => {
      const env = isolatedEnv(work, `installer-${i}`);
      const dir = join(work, `installer-${i}`);
      installed(kc, ca, dir, env);
      return timed('upgrade', process.execPath, [bin, 'upgrade', '--answers', upgradeAnswers, '--kubeconfig', kc, '--dir', dir, '--helm', helm, '--kubectl', kubectl, '--ca-file', ca, '--yes', '--backup-confirmed'], env);
    });
  const plain = [];
  const installer = [];
  for (let i = 0; i < ROUNDS; i++) {
    plain.push(await plainRound(i));
    installer.push(await installerRound(i));
  }
  console.log(`medians of ${ROUNDS} rounds`);
  console.log(`plain script (the same helm upgrade --wait calls in order): ${(median(plain) / 1000).toFixed(2)} s`);
  console.log(`installer upgrade (checks, diffs, backups, then the same): ${(median(installer) / 1000).toFixed(2)} s`);
  console.log(`ratio: ${(median(installer) / median(plain)).toFixed(2)}`);
} finally {
  cleanup();
}
